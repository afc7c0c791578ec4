"""Issue 14 on a phone: staff record a measure, leadership reads the district analysis; no
sideways scrolling at 390 px and no serious accessibility violations."""

from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from app.models import FindingStatus, Measure, MeasureType, SurveyResult
from tests.browser.conftest import log_in


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_record_a_measure_and_read_the_analysis_on_a_phone(phone, app, make, axe):
    alby = make.district("Alby")
    walker = make.user("walker")
    walk = make.walk(alby, "completed")
    make.finding(walk, walker, status=FindingStatus.FIXED,
                 created_at=datetime(2020, 4, 2, 16, tzinfo=UTC),
                 fixed_at=datetime(2020, 4, 9, 16, tzinfo=UTC))
    with app.app_context():
        for year, n, overall, evening in [(2019, 640, 65.0, 52.0), (2020, 650, 66.0, 57.7)]:
            db.session.add(SurveyResult(district_id=alby, year=year, respondents=n,
                                        safe_share=overall, evening_safe_share=evening))
        db.session.commit()
        fire = db.session.scalar(db.select(MeasureType.id).where(
            MeasureType.slug == "fire_training"))
    manager = make.user("manager")

    page = phone(locale="sv-SE")
    log_in(page, app, manager)
    page.goto("/measures")
    page.select_option("#type_id", str(fire))
    page.select_option("#district_id", str(alby))
    page.fill("#done_on", "2020-03-10")
    page.fill("#amount", "1")
    page.fill("#note", "Brandskyddsutbildning för hyresgäster")
    _no_sideways_scroll(page)
    assert axe(page) == []
    page.locator("form.measure-form button[type=submit]").click()
    page.wait_for_selector("text=Åtgärden är registrerad.")
    with app.app_context():
        measure = db.session.scalar(db.select(Measure))
        assert (measure.district_id, measure.measure_type_id, measure.amount) == (alby, fire, 1)
    _no_sideways_scroll(page)

    page.goto(f"/programme/districts/{alby}?year=2020")
    assert "Djupanalys: Alby" in page.inner_text("h1")
    row = page.inner_text("#survey-evening-2020")
    assert "+5,7 procentenheter" in row and "sannolikt en verklig förändring" in row
    assert "1" in page.inner_text("#plan-fire_training")
    _no_sideways_scroll(page)
    assert axe(page) == []
