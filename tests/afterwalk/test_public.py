"""The published protocol (/p/<token>: no login, read at request time, never confidential
points, names or unblurred photos), the residents' pin page (/r/<token>: no login, honeypot,
rate limit) with its moderation, and the yearly plan of walks (/walks/repeat)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (
    Finding,
    FindingStatus,
    LightCondition,
    Photo,
    PinStatus,
    PublicLink,
    ResidentPin,
    Walk,
    WalkParticipant,
    utcnow,
)
from app.timeutil import local_today

DUE = (local_today() + timedelta(days=30)).isoformat()


def text(response) -> str:
    return response.get_data(as_text=True)


def _publish(client, walk_id) -> str:
    response = client.post(f"/walks/{walk_id}/publish", data={"publish": "1"})
    assert response.status_code == 303
    page = text(client.get(f"/walks/{walk_id}/sharing"))
    url = re.search(r'href="http://[^"]*(/p/[^"]+)"', page).group(1)
    assert "<svg" in page  # the QR code
    return url


def test_the_public_protocol_shows_points_owners_and_live_status(client, login, walked, app):
    login("manager", language="en")
    lamp, bushes, secret = walked.findings
    with app.app_context():
        db.session.add(WalkParticipant(walk_id=walked.walk, name="Tina Hyresgäst",
                                       role="tenant"))
        db.session.commit()
    client.post(f"/walks/{walked.walk}/after/{lamp}", data={
        "owner_id": walked.municipality, "action": "Ny gatubelysning", "due_date": DUE})
    client.post(f"/walks/{walked.walk}/after/{bushes}", data={
        "no_action": "y", "reason": "Buskarna är redan klippta"})
    url = _publish(client, walked.walk)
    client.post("/logout")
    anonymous = app.test_client()
    response = anonymous.get(url + "?lang=en", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    page = text(response)
    assert "Botkyrka kommun" in page and "Ny gatubelysning" in page
    assert "Buskarna är redan klippta" in page and "No action" in page
    assert "Trasig lampa vid porten" in page
    # Never the confidential point, nor anyone's name.
    assert "Langning" not in page and "Kalle" not in page
    assert "Lena" not in page and "Tina" not in page
    assert "Tenant 1" in page
    assert page.count('class="card public-point"') == 2
    # The stored, face-blurred photo is shown through the link.
    photo_url = re.search(r'src="(/p/[^"]+/photos/\d+\.jpg)"', page).group(1)
    assert anonymous.get(photo_url).status_code == 200
    # Live: fixed now, fixed on the page at the next visit.
    with app.app_context():
        finding = db.session.get(Finding, lamp)
        finding.status, finding.fixed_at = FindingStatus.FIXED, utcnow()
        db.session.commit()
    page = text(anonymous.get(url, headers={"Accept-Language": "en"}))
    assert re.search(r'<dd id="count-done">1</dd>', page)
    assert "badge-fixed" in page


def test_the_public_protocol_in_swedish(client, login, walked, app):
    login("manager", language="en")
    url = _publish(client, walked.walk)
    page = text(app.test_client().get(url, headers={"Accept-Language": "sv"}))
    assert "Trygghetsvandringsprotokoll" in page or "protokoll" in page.lower()
    assert "Inte bestämt än" in page


def test_flagged_or_unblurred_photos_and_confidential_ones_stay_off(client, login, walked,
                                                                   app):
    login("manager", language="en")
    url = _publish(client, walked.walk)
    anonymous = app.test_client()
    with app.app_context():
        db.session.get(Photo, walked.photo).blur_flagged_at = utcnow()
        db.session.commit()
    assert "/photos/" not in text(anonymous.get(url))
    assert anonymous.get(f"{url}/photos/{walked.photo}.jpg").status_code == 404


def test_unpublishing_closes_the_link_and_a_guessed_one_is_404(client, login, walked, app):
    login("manager", language="en")
    url = _publish(client, walked.walk)
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 200
    client.post(f"/walks/{walked.walk}/publish", data={"publish": "0"})
    assert anonymous.get(url).status_code == 404
    assert anonymous.get("/p/" + "x" * 32).status_code == 404
    assert anonymous.get("/p/" + "x" * 500).status_code == 404
    # Not logged in: the walk's own pages still ask for a login.
    assert anonymous.get(f"/walks/{walked.walk}/after").status_code == 302


@pytest.mark.parametrize("role, status", [("walker", 303), ("fixer", 404)])
def test_the_leader_publishes_other_walkers_do_not(client, login, walked, app, role, status):
    """The walk's leader may publish; another walker may not (403), a fixer sees no walk."""
    user = login(role, language="en")
    expected = status
    if role == "walker":
        with app.app_context():
            db.session.get(Walk, walked.walk).leader_id = user
            db.session.commit()
    assert client.post(f"/walks/{walked.walk}/publish", data={"publish": "1"}
                       ).status_code == expected


def test_another_walker_may_not_publish(client, login, walked):
    login("walker", language="en")
    assert client.post(f"/walks/{walked.walk}/publish", data={"publish": "1"}
                       ).status_code == 403


# --- pins ----------------------------------------------------------------------------------


@pytest.fixture
def planned(make, app):
    district = make.district("Alby")
    building = make.building(district, lat=59.2390, lon=17.8450, address="Albyvägen 12")
    other = make.building(make.district("Fittja"), address="Fittjavägen 1")
    walk = make.walk(district, status="planned", planned_start=utcnow() + timedelta(days=14))
    return walk, building, other


def _open_pins(client, walk) -> str:
    assert client.post(f"/walks/{walk}/pins/open", data={"open": "1"}).status_code == 303
    page = text(client.get(f"/walks/{walk}/sharing"))
    return re.search(r'href="http://[^"]*(/r/[^"]+)"', page).group(1)


def test_a_resident_pins_a_building_staff_approve_it_and_the_walk_map_shows_it(
        client, login, planned, app):
    walk, building, _other = planned
    login("manager", language="en")
    url = _open_pins(client, walk)
    resident = app.test_client()
    page = text(resident.get(url, headers={"Accept-Language": "en"}))
    assert "Pin a place that feels unsafe" in page and "Albyvägen 12" in page
    assert "Fittjavägen 1" not in page  # only the walk's district
    response = resident.post(url, data={"building_id": building, "description":
                                        "Mörk gång bakom tvättstugan", "time_of_day": "evening"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/thanks")
    page = text(client.get(f"/walks/{walk}/pins"))
    assert "Mörk gång bakom tvättstugan" in page and "Waiting for review" in page
    with app.app_context():
        pin = db.session.scalars(db.select(ResidentPin)).one()
        assert (pin.status, pin.building_id) == (PinStatus.PENDING, building)
        pin_id = pin.id
    # Not shown before review.
    assert "Mörk gång" not in text(client.get(f"/walks/{walk}"))
    client.post(f"/walks/{walk}/pins/{pin_id}", data={"decision": "approve"})
    page = text(client.get(f"/walks/{walk}"))
    assert "Route suggestions from residents" in page and "Mörk gång bakom tvättstugan" in page
    assert '"status": "pin"' in page  # a point on the walk's map


def test_a_pin_on_the_map_and_bad_input_keeps_the_text(client, login, planned, app):
    walk, _building, other = planned
    login("manager", language="en")
    url = _open_pins(client, walk)
    resident = app.test_client()
    response = resident.post(url, data={"building_id": 0, "description": "Trasig belysning",
                                        "time_of_day": "night"},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 422
    page = text(response)
    assert "Choose a building, or pin the place on the map." in page
    assert "Trasig belysning" in page
    response = resident.post(url, data={"building_id": other, "description": "x",
                                        "time_of_day": "night"})
    assert response.status_code == 422  # another district's building
    response = resident.post(url, data={"building_id": 0, "latitude": "59.2395",
                                        "longitude": "17.8461", "description": "Trasig belysning",
                                        "time_of_day": "night"})
    assert response.status_code == 303
    with app.app_context():
        pin = db.session.scalars(db.select(ResidentPin)).one()
        assert (pin.latitude, pin.longitude, pin.time_of_day.value) == (59.2395, 17.8461, "night")


def test_the_honeypot_keeps_nothing_and_the_page_is_rate_limited(client, login, planned, app):
    walk, building, _other = planned
    login("manager", language="en")
    url = _open_pins(client, walk)
    resident = app.test_client()
    data = {"building_id": building, "description": "Köp här", "time_of_day": "day",
            "website": "http://spam.example"}
    assert resident.post(url, data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ResidentPin.id))) == 0
    data.pop("website")
    before, app.config["PIN_LIMIT"] = app.config["PIN_LIMIT"], "3/hour"
    try:
        codes = [resident.post(url, data=data).status_code for _ in range(4)]
    finally:
        app.config["PIN_LIMIT"] = before
    assert codes[-1] == 429


def test_a_closed_pin_page_is_gone(client, login, planned, app):
    walk, _building, _other = planned
    login("manager", language="en")
    url = _open_pins(client, walk)
    client.post(f"/walks/{walk}/pins/open", data={"open": "0"})
    assert app.test_client().get(url).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PublicLink.id))) == 0


def test_walkers_cannot_moderate_pins(client, login, planned):
    walk, _building, _other = planned
    login("walker", language="en")
    assert client.get(f"/walks/{walk}/pins").status_code == 403


# --- a yearly plan -------------------------------------------------------------------------


def test_a_yearly_plan_every_second_month_with_winter_evenings(client, login, make, app):
    district = make.district("Alby")
    login("manager", language="en")
    response = client.post("/walks/repeat", data={
        "district_id": district, "title": "Trygghetsvandring Alby", "every_months": 2,
        "first_day": "2027-01-15", "until": "2027-12-31", "at": "10:00",
        "winter_evening": "18:30", "leader_id": 0})
    assert response.status_code == 303
    with app.app_context():
        walks = db.session.scalars(db.select(Walk).order_by(Walk.planned_start)).all()
        days = [w.planned_start.astimezone().date() for w in walks]
        assert days == [date(2027, m, 15) for m in (1, 3, 5, 7, 9, 11)]
        light = [w.light_condition for w in walks]
        assert light == [LightCondition.DARK, LightCondition.DARK, LightCondition.DAYLIGHT,
                         LightCondition.DAYLIGHT, LightCondition.DAYLIGHT, LightCondition.DARK]
    response = client.post("/walks/repeat", data={
        "district_id": district, "title": "x", "every_months": 2, "first_day": "2027-01-15",
        "until": "2029-01-01", "at": "10:00", "leader_id": 0})
    assert response.status_code == 422 and "within a year" in text(response)


def test_the_public_protocol_names_the_rewalk_once_planned(client, login, walked, app):
    login("manager", language="en")
    for finding in walked.findings:
        client.post(f"/walks/{walked.walk}/after/{finding}", data={
            "owner_id": walked.ours, "action": "Åtgärda", "due_date": DUE})
    url = _publish(client, walked.walk)
    anonymous = app.test_client()
    assert 'id="rewalk"' not in text(anonymous.get(url, headers={"Accept-Language": "en"}))
    client.post(f"/walks/{walked.walk}/after/finish",
                data={"rewalk_date": "2027-03-06", "rewalk_time": "18:00"})
    page = text(anonymous.get(url, headers={"Accept-Language": "en"}))
    assert "checked again on a new walk on 6 Mar 2027" in page


def test_the_public_page_and_the_after_screen_read_the_same_statements_at_any_size(
        client, login, walked, make, app):
    """Points, answers, owners and photos are read with the page, not one statement each."""
    from sqlalchemy import event

    seen = []
    with app.app_context():
        engine = db.engine
    def count(*args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    login("manager", language="en")
    url = _publish(client, walked.walk)
    anonymous = app.test_client()
    client.post(f"/walks/{walked.walk}/after/{walked.findings[0]}", data={
        "owner_id": walked.municipality, "action": "Ny belysning", "due_date": DUE})

    def cost(target, path):
        target.get(path)  # warm: the session's own statements
        seen.clear()
        assert target.get(path).status_code == 200
        return len(seen)

    before = (cost(anonymous, url), cost(client, f"/walks/{walked.walk}/after"))
    for n in range(20):
        finding = make.finding(walked.walk, walked.leader, description=f"Punkt {n}")
        if n % 2:
            client.post(f"/walks/{walked.walk}/after/{finding}", data={
                "owner_id": (walked.ours, walked.municipality)[n % 4 == 1],
                "action": "Åtgärda", "due_date": DUE})
    after = (cost(anonymous, url), cost(client, f"/walks/{walked.walk}/after"))
    event.remove(engine, "before_cursor_execute", count)
    assert after == before, (before, after)


def test_the_stairwell_notice_has_the_qr_code_and_the_link(client, login, planned):
    walk, _building, _other = planned
    login("manager", language="en")
    assert client.get(f"/walks/{walk}/pins/notice").status_code == 404  # not open yet
    url = _open_pins(client, walk)
    page = text(client.get(f"/walks/{walk}/pins/notice"))
    assert "Where do you feel unsafe?" in page and "<svg" in page and url in page
