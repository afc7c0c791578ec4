"""The safety pulse on a phone (390×844): a tenant answers with one tap on the building's
tenant page (Swedish, and the question in Arabic, right to left), and a manager reads the
index on the survey report, where a cell on fewer than 10 answers says so. axe-core finds no
serious or critical violation; nothing is wider than the screen."""

from __future__ import annotations

import uuid

from app.extensions import db
from app.models import PulseAnswer, SurveyResult, TimeOfDay
from app.tenants.pulse.device import iso_week
from app.timeutil import local_today
from tests.browser.conftest import log_in, shot


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_a_tenant_answers_the_pulse_with_one_tap(phone, app, make, axe):
    district = make.district("Fittja")
    make.building(district, code="FIT-12", address="Fittjagången 12")
    page = phone(locale="sv-SE")
    page.goto("/t/FIT-12?lang=sv")
    pulse = page.locator("#pulse")
    pulse.scroll_into_view_if_needed()
    assert "Hur trygg känner du dig här just nu?" in pulse.inner_text()
    assert axe(page) == []
    _fits(page)
    shot(page, "pulse-tenant-page-sv")
    box = page.locator(".t-pulse-score").first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # big enough to tap
    pulse.locator("label", has_text="Kväll").click()
    pulse.get_by_role("button", name="4 Ganska trygg").click()
    page.wait_for_url("**/t/FIT-12/pulse*")
    assert "Tack för ditt svar!" in page.inner_text("#pulse")
    assert axe(page) == []
    _fits(page)
    shot(page, "pulse-thanks-sv")
    with app.app_context():
        row = db.session.scalars(db.select(PulseAnswer)).one()
        assert (row.score, row.time_of_day) == (4, TimeOfDay.EVENING)
        db.session.remove()

    page.goto("/t/FIT-12")
    assert "Du har svarat för den här byggnaden den här veckan" in page.inner_text("#pulse")
    assert page.locator("#pulse button").count() == 0


def test_the_pulse_in_arabic_is_mirrored(phone, make, axe):
    district = make.district("Alby")
    make.building(district, code="ALB-3", address="Albyvägen 3")
    page = phone()
    page.goto("/t/ALB-3/pulse?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "كم تشعر بالأمان هنا الآن؟" in page.inner_text("#pulse")
    assert axe(page) == []
    _fits(page)
    shot(page, "pulse-ar", full_page=True)
    number = page.locator(".t-pulse-score .t-pulse-n").first.bounding_box()
    word = page.locator(".t-pulse-score .t-pulse-word").first.bounding_box()
    assert number["x"] > word["x"]  # right to left: the number first, at the right


def test_a_manager_reads_the_index_next_to_the_survey(phone, app, make, axe):
    district = make.district("Alby")
    near = make.building(district, code="ALB-3", address="Albyvägen 3")
    far = make.building(district, code="ALB-5", address="Albyvägen 5")
    today = local_today()
    with app.app_context():
        db.session.add(SurveyResult(district_id=district, year=today.year - 1,
                                    respondents=412, safe_share=71.0))
        for building, scores, when in [(near, [5, 4, 4, 3, 5, 4, 2, 4, 5, 4], "evening"),
                                       (far, [2, 3, 1], "night")]:
            for score in scores:
                db.session.add(PulseAnswer(
                    building_id=building, score=score, time_of_day=TimeOfDay(when),
                    answered_on=today, week=iso_week(today), once_digest=uuid.uuid4().hex * 2))
        db.session.commit()
        db.session.remove()
    manager = make.user("manager")
    page = phone(locale="sv-SE")
    log_in(page, app, manager)
    page.goto(f"/reports/surveys?district={district}")
    section = page.locator("#pulse")
    section.scroll_into_view_if_needed()
    text = section.inner_text()
    assert "Enkät " + str(today.year - 1) in text and "412 svarande" in text
    assert "Mål" in text and "78,0 %" in text
    assert "färre än 10 svar" in text
    section.locator("summary").click()
    assert axe(page) == []
    _fits(page)
    shot(page, "pulse-report-sv", full_page=True)
