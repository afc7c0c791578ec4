"""The tenants' safety pulse (/t/<code>/pulse, issue 25): no login, one answer per phone,
building and ISO week (the first counts), nothing that names a person kept, a honeypot,
CSRF and a per-address limit."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect

from app.extensions import db
from app.models import Building, PulseAnswer
from app.tenants.pulse import operations as ops
from app.tenants.pulse.device import COOKIE, iso_week

MONDAY = date(2026, 11, 30)  # ISO week 2026-W49


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def houses(make):
    district = make.district("Fittja")
    first = make.building(district, code="FIT-12", address="Fittjagången 12")
    second = make.building(district, code="FIT-14", address="Fittjagången 14")
    return first, second


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(PulseAnswer.id)))


def test_one_answer_per_device_building_and_week(app, houses):
    first, second = houses
    with app.app_context():
        a, b = db.session.get(Building, first), db.session.get(Building, second)

        def answer(building, day, device="d" * 32, score=4):
            return ops.record_answer(db.session, building, score=score, time_of_day="evening",
                                     device_id=device, secret_key="k", today=day)

        assert answer(a, MONDAY, score=2)
        assert not answer(a, MONDAY + timedelta(days=6), score=5)  # Sunday: same week
        assert answer(a, MONDAY + timedelta(days=7))  # next week
        assert answer(b, MONDAY)  # another building, same week
        assert answer(a, MONDAY, device="e" * 32)  # another phone
        assert _count() == 4
        kept = db.session.scalars(db.select(PulseAnswer).where(
            PulseAnswer.building_id == first, PulseAnswer.week == "2026-W49")).all()
        assert sorted(r.score for r in kept) == [2, 4]  # the first answer of the week counts
        digests = db.session.scalars(db.select(PulseAnswer.once_digest)).all()
        assert len(set(digests)) == 4 and not any("d" * 8 in d for d in digests)


def test_the_table_holds_nothing_that_names_a_person(app):
    with app.app_context():
        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("pulse_answers")}
    assert columns == {"id", "building_id", "score", "time_of_day", "answered_on", "week",
                       "once_digest"}
    assert not [c for c in columns if re.search(r"ip|addr|user|agent|_at$|device|name", c)]


def test_a_tenant_answers_without_login_and_again_the_same_week(app, houses):
    tenant = app.test_client()
    page = tenant.get("/t/FIT-12/pulse", headers={"Accept-Language": "sv"})
    assert page.status_code == 200
    assert "Hur trygg känner du dig här just nu?" in text(page)
    response = tenant.post("/t/FIT-12/pulse", data={"score": "2", "time_of_day": "night"},
                           headers={"Accept-Language": "sv"})
    assert response.status_code == 303
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(COOKIE))
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Path=/t/" in cookie and "Max-Age=" in cookie
    shown = text(tenant.get(response.headers["Location"], headers={"Accept-Language": "sv"}))
    assert "Tack för ditt svar" in shown and 'name="score"' not in shown
    shown = text(tenant.get("/t/FIT-12/pulse", headers={"Accept-Language": "sv"}))
    assert "Du har svarat för den här byggnaden den här veckan" in shown
    assert 'name="score"' not in shown

    again = tenant.post("/t/FIT-12/pulse", data={"score": "5", "time_of_day": "day"},
                        headers={"Accept-Language": "sv"})
    assert again.status_code == 303
    assert not [c for c in again.headers.getlist("Set-Cookie") if c.startswith(COOKIE)]
    shown = text(tenant.get(again.headers["Location"], headers={"Accept-Language": "sv"}))
    assert "ditt första svar gäller" in shown
    with app.app_context():
        rows = db.session.scalars(db.select(PulseAnswer)).all()
        assert [(r.score, r.time_of_day.value) for r in rows] == [(2, "night")]
        assert rows[0].week == iso_week(rows[0].answered_on)
    # The same phone, the house next door: counted.
    assert tenant.post("/t/FIT-14/pulse", data={"score": "4", "time_of_day": "day"}
                       ).status_code == 303
    with app.app_context():
        assert _count() == 2


def test_the_question_comes_in_the_tenant_languages(app, houses):
    tenant = app.test_client()
    page = text(tenant.get("/t/FIT-12/pulse?lang=en"))
    assert "How safe do you feel here right now?" in page and 'dir="ltr"' in page
    page = text(tenant.get("/t/FIT-12/pulse?lang=ar"))
    assert '<html lang="ar" dir="rtl">' in page


def test_a_wrong_score_is_refused_and_nothing_kept(app, houses):
    tenant = app.test_client()
    response = tenant.post("/t/FIT-12/pulse", data={"score": "7", "time_of_day": "day"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "Choose a number from 1 to 5." in text(response)
    assert tenant.post("/t/NOPE/pulse", data={"score": "3", "time_of_day": "day"}
                       ).status_code == 404
    with app.app_context():
        assert _count() == 0


def test_the_honeypot_keeps_nothing_and_answers_are_rate_limited(app, houses):
    tenant = app.test_client()
    data = {"score": "3", "time_of_day": "day", "website": "http://spam.example"}
    assert tenant.post("/t/FIT-12/pulse", data=data).status_code == 303
    with app.app_context():
        assert _count() == 0
    before, app.config["PULSE_LIMIT"] = app.config["PULSE_LIMIT"], "3/hour"
    try:
        codes = [app.test_client().post("/t/FIT-12/pulse", data=data).status_code
                 for _ in range(4)]
        # Another address is not slowed by the first one's answers.
        other = app.test_client().post("/t/FIT-12/pulse", data=data,
                                       environ_base={"REMOTE_ADDR": "10.1.2.3"})
    finally:
        app.config["PULSE_LIMIT"] = before
    assert codes == [303, 303, 303, 429]
    assert other.status_code == 303


def test_csrf_works_for_a_page_without_login(app, houses):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        tenant = app.test_client()
        page = text(tenant.get("/t/FIT-12/pulse"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        refused = tenant.post("/t/FIT-12/pulse", data={"score": "4", "time_of_day": "day"})
        kept = tenant.post("/t/FIT-12/pulse", data={"score": "4", "time_of_day": "day",
                                                    "csrf_token": token})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert kept.status_code == 303



def test_the_question_is_on_the_buildings_tenant_page(app, houses):
    tenant = app.test_client()
    page = text(tenant.get("/t/FIT-12?lang=sv"))
    assert "Hur trygg känner du dig här just nu?" in page
    assert 'action="/t/FIT-12/pulse#pulse"' in page and page.count('name="score"') == 5
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # the report form and the pulse share no id
    answered = tenant.post("/t/FIT-12/pulse", data={"score": "3", "time_of_day": "day"})
    assert "Tack för ditt svar" in text(tenant.get(answered.headers["Location"]))
    page = text(tenant.get("/t/FIT-12?lang=sv"))
    assert 'name="score"' not in page and "Du har svarat" in page


def test_the_request_log_keeps_no_address_for_tenant_pages(app, houses, caplog):
    caplog.set_level(logging.INFO, logger="trygg.request")
    tenant = app.test_client()
    tenant.post("/t/FIT-12/pulse", data={"score": "4", "time_of_day": "day"},
                environ_base={"REMOTE_ADDR": "10.9.8.7"})
    tenant.get("/t/FIT-12/pulse", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    lines = [r for r in caplog.records if r.name == "trygg.request"]
    assert [r.path for r in lines] == ["/t/FIT-12/pulse"] * 2
    assert all(r.remote_addr is None for r in lines)
    assert "10.9.8.7" not in caplog.text
