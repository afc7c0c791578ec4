"""Cancelling a planned walk (issue 24, before the walk): its leader or a manager calls it off
after a page that asks first, with an optional reason; everyone invited with an e-mail address
is mailed METHOD:CANCEL with the next SEQUENCE and STATUS:CANCELLED; the calendar feed shows it
cancelled; the lists show it cancelled; it cannot be started, and the reports count it
neither as planned nor as done."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Role, User, Walk
from tests.conftest import log_in_as
from tests.invitations.test_invitations import (
    calendar_of,
    invite,
    mails_to,
    planned,  # noqa: F401  (fixture)
    text,
)


def _cancel_page(client, walk):
    return client.get(f"/walks/{walk}/cancel", headers={"Accept-Language": "en"})


def test_the_leader_cancels_and_every_invitee_with_an_address_is_mailed_the_cancel(
        client, app, planned):  # noqa: F811
    log_in_as(client, "lena@example.org")
    walk = planned["walk"]
    invite(client, walk, name="Hans Hyresgäst", email="hans@example.org")
    invite(client, walk, name="Pia Polis", role="police", email="pia@polisen.example")
    invite(client, walk, name="Kim Kommun", role="municipality", phone="08-530 610 00")
    with app.app_context():
        sequence = db.session.get(Walk, walk).calendar_sequence
    # The walk page offers it; the page that asks says who is told.
    assert "Cancel the walk" in text(client.get(f"/walks/{walk}"))
    ask = _cancel_page(client, walk)
    assert ask.status_code == 200
    page = text(ask)
    assert "Cancel the walk?" in page and "Keep the walk" in page
    assert "2 people invited by e-mail are mailed the cancellation" in page
    assert "1 invited without an e-mail address: tell them yourself." in page
    assert re.search(r'<form method="post" action="/walks/\d+/cancel"', page)
    assert 'name="csrf_token"' in page
    with app.app_context():  # nothing happened by looking
        assert db.session.get(Walk, walk).status == "planned"

    done = client.post(f"/walks/{walk}/cancel", data={"reason": "Stormvarning i kväll"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/walks/{walk}")
    shown = text(client.get(f"/walks/{walk}", headers={"Accept-Language": "en"}))
    assert "This walk is cancelled." in shown and "Stormvarning i kväll" in shown
    assert "By Lena Ledare, " in shown
    assert "Lena Ledare" in shown and 'badge-cancelled' in shown
    assert "Start walk" not in shown and "Cancel the walk" not in shown
    assert "Add to calendar" not in shown
    with app.app_context():
        row = db.session.get(Walk, walk)
        assert row.status == "cancelled" and row.cancelled_at is not None
        assert row.cancel_reason == "Stormvarning i kväll"
        assert row.cancelled_by_id == planned["leader"]
        assert row.calendar_sequence == sequence + 1

    for address in ("hans@example.org", "pia@polisen.example"):
        first, last = mails_to(app, address)
        assert last.subject == "Inställt: trygghetsvandring i Alby"
        assert "Trygghetsvandringen nedan är inställd" in last.body
        assert "Stormvarning i kväll" in last.body
        calendar, content_type = calendar_of(last)
        assert content_type.startswith("text/calendar; method=CANCEL")
        assert calendar["METHOD"] == "CANCEL"
        (event,) = calendar.walk("VEVENT")
        (invited,) = calendar_of(first)[0].walk("VEVENT")
        assert event["UID"] == invited["UID"]
        assert event["SEQUENCE"] == invited["SEQUENCE"] + 1
        assert event["STATUS"] == "CANCELLED"


def test_a_manager_may_cancel_a_walk_they_do_not_lead(client, app, planned, login):  # noqa: F811
    login("manager", language="en")
    walk = planned["walk"]
    assert client.post(f"/walks/{walk}/cancel", data={}).status_code == 303
    with app.app_context():
        assert db.session.get(Walk, walk).status == "cancelled"


@pytest.mark.parametrize("role", ["walker", "fixer"])
def test_others_cannot_cancel(client, app, planned, login, role):  # noqa: F811
    login(role, language="en")
    walk = planned["walk"]
    answer = client.post(f"/walks/{walk}/cancel", data={"reason": "x"})
    assert answer.status_code in (303, 404)
    with app.app_context():
        assert db.session.get(Walk, walk).status == "planned"


@pytest.mark.parametrize("status", ["in_progress", "completed"])
def test_only_a_planned_walk_can_be_cancelled(client, app, make, login, status):
    manager = login("manager", language="en")
    walk = make.walk(status=status, leader_id=manager)
    answer = client.post(f"/walks/{walk}/cancel", data={})
    assert answer.status_code == 303
    page = text(client.get(answer.headers["Location"]))
    assert "Only a planned walk can be cancelled." in page
    with app.app_context():
        assert db.session.get(Walk, walk).status == status


def test_the_form_needs_its_csrf_token(client, app, planned, login):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"], before = True, app.config["WTF_CSRF_ENABLED"]
    try:
        login("manager", language="en")
        answer = client.post(f"/walks/{planned['walk']}/cancel", data={})
        assert answer.status_code in (400, 422)
    finally:
        app.config["WTF_CSRF_ENABLED"] = before
    with app.app_context():
        assert db.session.get(Walk, planned["walk"]).status == "planned"


def test_a_too_long_reason_is_shown_on_the_form(client, app, planned, login):  # noqa: F811
    login("manager", language="en")
    answer = client.post(f"/walks/{planned['walk']}/cancel", data={"reason": "x" * 501})
    assert answer.status_code == 422
    with app.app_context():
        assert db.session.get(Walk, planned["walk"]).status == "planned"


def test_a_cancelled_walk_cannot_be_started_edited_or_added_to(client, app, planned,  # noqa: F811
                                                              login, make):
    manager = login("manager", language="en")
    walk = planned["walk"]
    client.post(f"/walks/{walk}/cancel", data={})
    start = client.post(f"/walks/{walk}/start")
    assert start.status_code == 303
    assert "This walk cannot be started now." in text(client.get(start.headers["Location"]))
    assert client.get(f"/walks/{walk}/edit").status_code in (403, 404)
    assert client.get(f"/walks/{walk}/invitations").status_code == 200  # who was invited
    assert invite(client, walk, name="Sen Gäst").status_code in (403, 422)
    created = client.post(f"/api/v1/walks/{walk}/findings",
                          json={"category_id": make.category_id("lighting")})
    assert created.status_code == 403
    with app.app_context():
        assert db.session.get(Walk, walk).status == "cancelled"
        assert db.session.get(User, manager).role == Role.MANAGER


def test_the_page_in_swedish(client, planned, login):  # noqa: F811
    login("manager", language="sv")
    walk = planned["walk"]
    shown = text(client.get(f"/walks/{walk}"))
    assert "Ställ in vandringen" in shown
    page = text(client.get(f"/walks/{walk}/cancel"))
    assert "Ställa in vandringen?" in page and "Behåll vandringen" in page
    assert "Anledning (frivillig)" in page
    client.post(f"/walks/{walk}/cancel", data={"reason": "Sjukdom"})
    shown = text(client.get(f"/walks/{walk}"))
    assert "Vandringen är inställd." in shown and "Inställd" in shown


def test_the_calendar_feed_shows_the_walk_cancelled(client, app, planned, login, make):  # noqa: F811
    from app.models import District
    from tests.invitations.test_calendar_feed import new_address

    # A walker of Alby, whose feed has the district's planned walks.
    walker = login("walker", language="en")
    with app.app_context():
        user = db.session.get(User, walker)
        user.districts.append(db.session.get(District, planned["district"]))
        db.session.commit()
    feed = new_address(client)
    from icalendar import Calendar

    def event():
        calendar = Calendar.from_ical(client.get(feed).data)
        (found,) = [e for e in calendar.walk("VEVENT")
                    if e["UID"].startswith(f"walk-{planned['walk']}@")]
        return found

    before = event()
    assert before["STATUS"] == "CONFIRMED"
    login("manager", language="en")
    client.post(f"/walks/{planned['walk']}/cancel", data={})
    after = event()
    assert after["STATUS"] == "CANCELLED"
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_lists_show_it_cancelled_and_reports_count_it_neither_planned_nor_done(
        client, app, make, login):
    from datetime import UTC, date, datetime, timedelta

    from app import periods
    from app.reports import districts, walk_stats

    district = make.district("Norsborg")
    manager = login("manager", language="en")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    kept = make.walk(district, status="planned", leader_id=manager, planned_start=soon,
                     title="Vandring som blir av")
    called_off = make.walk(district, status="planned", leader_id=manager,
                           planned_start=soon + timedelta(hours=1), title="Vandring som ställs in")
    assert client.post(f"/walks/{called_off}/cancel", data={}).status_code == 303

    cancelled_list = text(client.get("/walks?status=cancelled"))
    assert "Vandring som ställs in" in cancelled_list
    assert "Vandring som blir av" not in cancelled_list
    planned_list = text(client.get("/walks?status=planned"))
    assert "Vandring som blir av" in planned_list and "Vandring som ställs in" not in planned_list
    # The leader's own list: still among the coming walks, marked cancelled.
    mine = text(client.get("/walks/mine"))
    card = mine[mine.index("Vandring som ställs in"):]
    card = card[:card.index("</li>")]
    assert "badge-cancelled" in card and "Cancelled" in card

    today = soon.date()
    filters = periods.Filters(periods.period_from_args(
        {"period": "year", "year": str(today.year)}), district, date(today.year, 12, 31))
    with app.app_context():
        counts = walk_stats.walk_counts(db.session, filters)
        assert (counts["planned"], counts["completed"]) == (1, 0)
        (row,) = [r for r in districts.district_comparison(db.session, filters)
                  if r["district"].id == district]
        assert (row["planned"], row["completed"]) == (1, 0)
    assert kept


def test_phones_see_it_cancelled_and_not_open_for_capture(client, app, planned, login):  # noqa: F811
    login("manager", language="en")
    walk = planned["walk"]
    client.post(f"/walks/{walk}/cancel", data={})
    listed = client.get("/api/v1/walks")
    assert listed.status_code == 200
    (row,) = [w for w in listed.json["walks"] if w["id"] == walk]
    assert row["status"] == "cancelled" and row["can_add_finding"] is False
    assert client.get("/api/v1/walks?status=cancelled").json["walks"][0]["id"] == walk
    one = client.get(f"/api/v1/walks/{walk}")
    assert one.status_code == 200 and one.json["status"] == "cancelled"
