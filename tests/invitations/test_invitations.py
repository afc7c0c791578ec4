"""Before the walk: the leader invites people to a planned walk; each with an e-mail address is
mailed the invitation with the walk as an iCalendar event (METHOD:REQUEST), a new time
re-sends it with the next SEQUENCE, taking someone off the list sends METHOD:CANCEL; the
walk page shows who is invited and whether the mail went."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from app.mail import build_message
from app.models import OutboxMail, Walk, WalkInvitation, utcnow
from tests.conftest import log_in_as

# 18:00 in Stockholm: CET (+01:00) in December, CEST (+02:00) in June.
DECEMBER_18 = datetime(2027, 12, 9, 17, 0, tzinfo=UTC)
JUNE_18 = datetime(2027, 6, 10, 16, 0, tzinfo=UTC)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def planned(make):
    """A planned evening walk in Alby led by Lena (a walker), and its id."""
    district = make.district("Alby")
    leader = make.user("walker", name="Lena Ledare", email="lena@example.org", language="en")
    walk = make.walk(district, status="planned", leader_id=leader, planned_start=DECEMBER_18,
                     title="Kvällsvandring Alby")
    return {"walk": walk, "leader": leader, "district": district}


def invite(client, walk, **data):
    return client.post(f"/walks/{walk}/invitations", data={"role": "tenant", **data})


def mails_to(app, address) -> list[OutboxMail]:
    with app.app_context():
        mails = db.session.scalars(db.select(OutboxMail).where(OutboxMail.to_address == address)
                                   .order_by(OutboxMail.id)).all()
        for mail in mails:
            _ = mail.attachments  # loaded before the session goes
        db.session.expunge_all()
        return mails


def calendar_of(mail: OutboxMail) -> tuple[Calendar, str]:
    (attachment,) = mail.attachments
    return Calendar.from_ical(attachment.data), attachment.content_type


def test_the_leader_invites_a_tenant_and_a_police_officer(client, app, planned):
    log_in_as(client, "lena@example.org")
    walk = planned["walk"]
    assert client.get(f"/walks/{walk}/invitations").status_code == 200
    response = invite(client, walk, name="Hans Hyresgäst", email="hans@example.org",
                      phone="070-123 45 67")
    assert response.status_code == 303
    response = invite(client, walk, name="Pia Polis", role="police", email="pia@polisen.example")
    assert response.status_code == 303
    response = invite(client, walk, name="Kim Kommun", role="municipality",
                      phone="+46 8 530 610 00")
    assert response.status_code == 303
    page = text(client.get(f"/walks/{walk}/invitations"))
    assert "Hans Hyresgäst" in page and "Tenant" in page and "070-123 45 67" in page
    assert "Pia Polis" in page and "Police" in page
    assert page.count("Mail in the outbox") == 2 and "No e-mail" in page
    # The walk page lists them too, and whether the mail went.
    walk_page = text(client.get(f"/walks/{walk}"))
    assert "Invited people (3)" in walk_page and "Pia Polis" in walk_page
    assert "Mail in the outbox" in walk_page
    with app.app_context():
        rows = db.session.scalars(db.select(WalkInvitation).order_by(WalkInvitation.id)).all()
        assert [(r.name, r.role.value, r.email) for r in rows] == [
            ("Hans Hyresgäst", "tenant", "hans@example.org"),
            ("Pia Polis", "police", "pia@polisen.example"),
            ("Kim Kommun", "municipality", "")]
        assert rows[2].mail_id is None
    (mail,) = mails_to(app, "pia@polisen.example")
    assert "Alby" in mail.subject and "Pia Polis" in mail.body
    assert f"/walks/{walk}" in mail.body


def test_the_invitation_is_a_valid_icalendar_request(client, app, planned):
    log_in_as(client, "lena@example.org")
    invite(client, planned["walk"], name="Hans Hyresgäst", email="hans@example.org")
    (mail,) = mails_to(app, "hans@example.org")
    calendar, content_type = calendar_of(mail)
    assert content_type.startswith("text/calendar") and "method=REQUEST" in content_type
    assert mail.attachments[0].filename.endswith(".ics")
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    (event,) = calendar.events
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER", "ATTENDEE",
                     "SEQUENCE", "LOCATION", "DESCRIPTION"):
        assert required in event, required
    assert event["UID"] == f"walk-{planned['walk']}@127.0.0.1"
    assert str(event["SUMMARY"]) == "Kvällsvandring Alby"
    assert str(event["LOCATION"]) == "Alby"
    assert f"/walks/{planned['walk']}" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:lena@example.org"
    assert event["ORGANIZER"].params["CN"] == "Lena Ledare"
    assert str(event["ATTENDEE"]) == "mailto:hans@example.org"
    assert event["SEQUENCE"] == 0
    # 18:00 in Stockholm, with the zone's definition in the file.
    start = event.start
    assert str(start.tzinfo) == "Europe/Stockholm" or event["DTSTART"].params["TZID"] == \
        "Europe/Stockholm"
    assert (start.hour, start.minute, start.utcoffset()) == (18, 0, timedelta(hours=1))
    assert event.end - event.start == timedelta(hours=2)
    (timezone,) = calendar.timezones
    assert timezone["TZID"] == "Europe/Stockholm"
    # icalendar's own checks: the calendar's required parts, every event's required
    # properties, and no TZID used without its VTIMEZONE.
    calendar.validate()
    assert all(name in event for name in event.required)
    assert calendar.get_missing_tzids() == set()


def test_the_mail_as_sent_carries_text_calendar_method_request(client, app, planned):
    log_in_as(client, "lena@example.org")
    invite(client, planned["walk"], name="Hans Hyresgäst", email="hans@example.org")
    (mail,) = mails_to(app, "hans@example.org")
    with app.app_context():
        mail = db.session.get(OutboxMail, mail.id)
        message = build_message(mail, {"MAIL_FROM": "trygg@example.org"})
        parts = [p for p in message.iter_attachments()]
    (part,) = parts
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename().endswith(".ics")
    assert Calendar.from_ical(part.get_content()).events[0]["SUMMARY"] == "Kvällsvandring Alby"


@pytest.mark.parametrize("start, offset", [(DECEMBER_18, 1), (JUNE_18, 2)])
def test_an_evening_walk_is_at_18_in_stockholm_winter_and_summer(client, app, make, start,
                                                                 offset):
    leader = make.user("walker", email="leader@example.org")
    walk = make.walk(status="planned", leader_id=leader, planned_start=start)
    log_in_as(client, "leader@example.org")
    invite(client, walk, name="Hans", email="hans@example.org")
    (mail,) = mails_to(app, "hans@example.org")
    calendar, _type = calendar_of(mail)
    event = calendar.events[0]
    assert (event.start.hour, event.start.utcoffset()) == (18, timedelta(hours=offset))
    assert event.start.astimezone(UTC) == start
    assert "TZID=Europe/Stockholm:" in mail.attachments[0].data.decode()


def test_a_new_time_resends_with_the_next_sequence(client, app, planned, login):
    log_in_as(client, "lena@example.org")
    walk = planned["walk"]
    invite(client, walk, name="Hans Hyresgäst", email="hans@example.org")
    invite(client, walk, name="Kim Kommun", phone="08-123 456")
    login("manager")
    edit = {"district_id": planned["district"], "title": "Kvällsvandring Alby",
            "planned_date": "2027-12-09", "planned_time": "18:00",
            "light_condition": "dark", "leader_id": planned["leader"]}
    # Saved without a change of time or place: nobody is mailed again.
    assert client.post(f"/walks/{walk}/edit", data=edit).status_code == 303
    assert len(mails_to(app, "hans@example.org")) == 1
    response = client.post(f"/walks/{walk}/edit", data={**edit, "planned_time": "19:00"})
    assert response.status_code == 303
    first, second = mails_to(app, "hans@example.org")
    assert second.subject.startswith("Ny tid: trygghetsvandring i Alby")
    event = calendar_of(second)[0].events[0]
    assert event["SEQUENCE"] == 1 and event.start.hour == 19
    assert event["UID"] == calendar_of(first)[0].events[0]["UID"]
    with app.app_context():
        assert db.session.get(Walk, walk).calendar_sequence == 1
        invitation = db.session.scalar(db.select(WalkInvitation).where(
            WalkInvitation.email == "hans@example.org"))
        assert invitation.mail_id == second.id  # the list shows the last mail's state


def test_taking_someone_off_the_list_cancels_their_event(client, app, planned):
    log_in_as(client, "lena@example.org")
    walk = planned["walk"]
    invite(client, walk, name="Hans Hyresgäst", email="hans@example.org")
    with app.app_context():
        invitation_id = db.session.scalar(db.select(WalkInvitation.id))
    response = client.post(f"/walks/{walk}/invitations/{invitation_id}/remove")
    assert response.status_code == 303
    _first, cancel = mails_to(app, "hans@example.org")
    calendar, content_type = calendar_of(cancel)
    assert "method=CANCEL" in content_type and calendar["METHOD"] == "CANCEL"
    event = calendar.events[0]
    assert event["STATUS"] == "CANCELLED"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WalkInvitation)) == 0


def test_what_the_form_refuses(client, app, planned):
    log_in_as(client, "lena@example.org")
    walk = planned["walk"]
    response = invite(client, walk, name="", email="x@example.org")
    assert response.status_code == 422 and "Give the person" in text(response)
    response = invite(client, walk, name="Hans", email="not-an-address")
    assert response.status_code == 422 and "Give a whole e-mail address." in text(response)
    assert 'value="Hans"' in text(response)
    response = invite(client, walk, name="Hans", phone="call me")
    assert response.status_code == 422
    invite(client, walk, name="Hans", email="hans@example.org")
    response = invite(client, walk, name="Hans again", email="HANS@example.org")
    assert response.status_code == 422 and "already invited" in text(response)


@pytest.mark.parametrize("who, get, post", [
    ("leader", 200, 303), ("manager", 200, 303), ("other_walker", 403, 403),
    ("fixer", 404, 404)])
def test_who_may_invite(client, app, make, planned, login, who, get, post):
    if who == "leader":
        log_in_as(client, "lena@example.org")
    elif who == "other_walker":
        login("walker")
    else:
        login(who)
    walk = planned["walk"]
    assert client.get(f"/walks/{walk}/invitations").status_code == get
    assert invite(client, walk, name="Hans").status_code == post


def test_a_walk_that_started_takes_no_more_invitations(client, make, login):
    login("manager", language="en")
    walk = make.walk(status="in_progress")
    assert client.get(f"/walks/{walk}/invitations").status_code == 200
    assert invite(client, walk, name="Hans").status_code == 403


def test_the_walk_as_a_calendar_file(client, app, planned, login):
    login("walker")
    walk = planned["walk"]
    response = client.get(f"/walks/{walk}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.events
    assert "ORGANIZER" not in event and "ATTENDEE" not in event
    assert event["UID"] == f"walk-{walk}@127.0.0.1"
    page = text(client.get(f"/walks/{walk}"))
    assert f"/walks/{walk}/calendar.ics" in page


def test_the_invitation_page_in_swedish(client, planned, login):
    login("manager", language="sv")
    page = text(client.get(f"/walks/{planned['walk']}/invitations"))
    assert "Bjud in" in page and "Hyresgäst" in page


def test_retention_empties_invitees_with_participants_names(client, app, make, runner):
    old = utcnow() - timedelta(days=40 * 31)
    walk = make.walk(status="planned", planned_start=old)
    with app.app_context():
        db.session.add(WalkInvitation(walk_id=walk, name="Hans Hyresgäst", role="tenant",
                                      email="hans@example.org", phone="070-1"))
        db.session.commit()
    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        row = db.session.scalar(db.select(WalkInvitation))
        assert (row.name, row.email, row.phone, row.role.value) == ("", "", "", "tenant")


def test_a_failed_mail_is_said_and_sent_again(client, app, planned):
    log_in_as(client, "lena@example.org")
    walk = planned["walk"]
    invite(client, walk, name="Hans Hyresgäst", email="hans@example.org")
    (mail,) = mails_to(app, "hans@example.org")
    with app.app_context():
        db.session.get(OutboxMail, mail.id).error = "550 no such user"
        db.session.commit()
        invitation_id = db.session.scalar(db.select(WalkInvitation.id))
    page = text(client.get(f"/walks/{walk}/invitations"))
    assert "Mail not sent" in page and "550 no such user" in page and "Send again" in page
    response = client.post(f"/walks/{walk}/invitations/{invitation_id}/send")
    assert response.status_code == 303
    _failed, again = mails_to(app, "hans@example.org")
    assert calendar_of(again)[0]["METHOD"] == "REQUEST"
    page = text(client.get(f"/walks/{walk}/invitations"))
    assert "Mail in the outbox" in page and "Send again" not in page


def test_the_meeting_point_is_the_location_and_moving_it_resends(client, app, planned, login):
    log_in_as(client, "lena@example.org")
    walk = planned["walk"]
    invite(client, walk, name="Hans Hyresgäst", email="hans@example.org")
    login("manager", language="en")
    edit = {"district_id": planned["district"], "title": "Kvällsvandring Alby",
            "planned_date": "2027-12-09", "planned_time": "18:00",
            "light_condition": "dark", "leader_id": planned["leader"],
            "meeting_point": "Albyvägen 12, vid tvättstugan"}
    assert client.post(f"/walks/{walk}/edit", data=edit).status_code == 303
    _first, moved = mails_to(app, "hans@example.org")
    event = calendar_of(moved)[0].events[0]
    assert str(event["LOCATION"]) == "Albyvägen 12, vid tvättstugan, Alby"
    assert event["SEQUENCE"] == 1
    assert "Albyvägen 12, vid tvättstugan, Alby" in moved.body
    page = text(client.get(f"/walks/{walk}"))
    assert "Meeting point" in page and "Albyvägen 12, vid tvättstugan" in page
    assert 'value="Albyvägen 12, vid tvättstugan"' in text(client.get(f"/walks/{walk}/edit"))

