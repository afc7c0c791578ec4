"""Each walker's secret calendar feed (/calendar/<token>.ics): exactly the walks they lead or
take part in and the planned walks of their districts, readable without login, nothing
confidential in it; a new address replaces the old one, a turned-off or wrong one is 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import (
    CalendarFeed,
    District,
    ParticipantRole,
    Role,
    User,
    WalkInvitation,
    WalkParticipant,
    utcnow,
)

SOON = utcnow().replace(microsecond=0) + timedelta(days=10)


def new_address(client) -> str:
    response = client.post("/calendar/new")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    (url,) = re.findall(r'value="(http[^"]+/calendar/[^"]+\.ics)"', page)
    assert "webcal://" in page
    return url.split("127.0.0.1:5000", 1)[1]


@pytest.fixture
def walks(app, make, login):
    """Wilma (walker in Alby) leads one walk, takes part in another with her account, is invited
    to a third at her e-mail address, and
    Alby has a planned walk; plus walks that are not hers."""
    alby, fittja = make.district("Alby"), make.district("Fittja")
    other = make.user("walker")
    wilma = login("walker", name="Wilma Walker", language="en")
    with app.app_context():
        user = db.session.get(User, wilma)
        user.districts.append(db.session.get(District, alby))
        db.session.commit()
    led = make.walk(fittja, status="planned", leader_id=wilma, planned_start=SOON,
                    title="Led by her")
    joined = make.walk(fittja, status="completed", leader_id=other,
                       planned_start=SOON - timedelta(days=40), title="She took part")
    alby_plan = make.walk(alby, status="planned", leader_id=other,
                          planned_start=SOON + timedelta(days=60), title="Alby yearly plan")
    make.walk(alby, status="completed", leader_id=other, planned_start=SOON - timedelta(days=5),
              title="Alby done, without her")
    make.walk(fittja, status="planned", leader_id=other, planned_start=SOON,
              title="Fittja, not hers")
    make.walk(fittja, status="completed", leader_id=wilma,
              planned_start=SOON - timedelta(days=800), title="Led long ago")
    invited = make.walk(fittja, status="planned", leader_id=other,
                        planned_start=SOON + timedelta(days=3), title="She is invited")
    with app.app_context():
        db.session.add(WalkParticipant(walk_id=joined, name="Wilma Walker",
                                       role=ParticipantRole.STAFF, user_id=wilma))
        db.session.add(WalkParticipant(walk_id=alby_plan, name="Hemlig Hyresgäst",
                                       role=ParticipantRole.TENANT))
        email = db.session.get(User, wilma).email
        db.session.add(WalkInvitation(walk_id=invited, name="W", role=ParticipantRole.STAFF,
                                      email=email.upper()))
        db.session.commit()
    return {"user": wilma, "led": led, "joined": joined, "alby_plan": alby_plan,
            "invited": invited}


def test_the_feed_lists_exactly_the_users_walks(client, app, walks):
    path = new_address(client)
    anonymous = app.test_client()  # calendar apps cannot log in
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    titles = sorted(str(e["SUMMARY"]) for e in calendar.events)
    assert titles == ["Alby yearly plan", "Led by her", "She is invited", "She took part"]
    uids = {str(e["UID"]) for e in calendar.events}
    assert uids == {f"walk-{walks[k]}@127.0.0.1" for k in ("led", "joined", "alby_plan", "invited")}
    for event in calendar.events:
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(event)
        assert "ATTENDEE" not in event and "ORGANIZER" not in event
    # Nothing of the people in it: not the participants' names, not the route or notes.
    assert b"Hemlig" not in response.data and b"Wilma" not in response.data
    assert calendar.timezones[0]["TZID"] == "Europe/Stockholm"
    calendar.validate()
    assert calendar.get_missing_tzids() == set()


def test_a_new_address_replaces_the_old_and_off_ends_it(client, app, walks):
    first = new_address(client)
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 200
    second = new_address(client)
    assert second != first
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    response = client.post("/calendar/off")
    assert response.status_code == 303
    assert anonymous.get(second).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CalendarFeed)) == 0


def test_a_wrong_token_is_404(client, app, walks):
    new_address(client)
    anonymous = app.test_client()
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404
    assert anonymous.get("/calendar/" + "A" * 43 + ".ics").status_code == 404


def test_only_the_hash_is_kept(client, app, walks):
    path = new_address(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    with app.app_context():
        (stored,) = db.session.scalars(db.select(CalendarFeed.token_hash)).all()
    assert token not in stored and len(stored) == 64
    # The address is not shown again.
    page = client.get("/calendar").get_data(as_text=True)
    assert token not in page and "On since" in page


def test_a_deactivated_users_feed_is_404(client, app, walks):
    path = new_address(client)
    with app.app_context():
        db.session.get(User, walks["user"]).active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_a_user_made_fixer_loses_the_feed(client, app, walks):
    path = new_address(client)
    with app.app_context():
        db.session.get(User, walks["user"]).role = Role.FIXER
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_the_settings_page_links_the_calendar(client, walks):
    page = client.get("/settings").get_data(as_text=True)
    assert 'href="/calendar"' in page and "Calendar" in page


def test_fixers_have_no_feed(client, login):
    login("fixer")
    assert client.get("/calendar").status_code == 404
    assert client.post("/calendar/new").status_code == 404


def test_the_calendar_page_in_swedish(client, login):
    login("walker", language="sv")
    page = client.get("/calendar").get_data(as_text=True)
    assert "Din kalender" in page and "Skapa min kalenderadress" in page


def test_erasing_the_person_ends_their_feed(client, app, walks, runner):
    path = new_address(client)
    with app.app_context():
        email = db.session.get(User, walks["user"]).email
    result = runner.invoke(args=["person-erase", email, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CalendarFeed)) == 0
    assert app.test_client().get(path).status_code == 404
