"""A guest's phone that comes back online after the leader completed the walk (issue 24): what
it captured during the walk (findings and their photos) still arrives, for
GUEST_LATE_GRACE_HOURS after completion; the guest sees "the walk is completed, your waiting
findings are being sent" instead of the live walk, and can capture nothing new."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Finding, Photo, Walk, WalkParticipant
from tests.guests.conftest import join, text
from tests.guests.test_join import body, jpeg


def complete_at(app, walk_id: int, when: datetime) -> None:
    from app.walks import operations

    with app.app_context():
        operations.complete_walk(db.session, db.session.get(Walk, walk_id), notes="", now=when)
        db.session.commit()
        db.session.remove()


def _photo(guest, finding_id: int):
    return guest.post(f"/api/v1/findings/{finding_id}/photos",
                      data={"photo": (io.BytesIO(jpeg()), "a.jpg"),
                            "client_uuid": str(uuid.uuid4())},
                      content_type="multipart/form-data")


def test_a_finding_captured_offline_arrives_after_the_walk_was_completed(
        app, client, on_walk, make, login):
    guest = join(app, on_walk.code)
    completed = datetime.now(UTC) - timedelta(minutes=5)
    captured = completed - timedelta(minutes=20)  # in the basement, no signal
    complete_at(app, on_walk.walk, completed)
    late = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json=body(
        make.category_id("lighting"), description="Trasig lampa i källargången",
        captured_at=captured.isoformat()))
    assert late.status_code == 201, late.json
    assert _photo(guest, late.json["id"]).status_code == 201
    with app.app_context():
        finding = db.session.get(Finding, late.json["id"])
        assert finding.guest.name == "Kim Polis" and finding.walk.status == "completed"
        assert db.session.scalar(db.select(db.func.count(Photo.id))
                                 .where(Photo.finding_id == finding.id)) == 1
    # The leader sees it on the completed walk, named as the guest's.
    page = text(client.get(f"/walks/{on_walk.walk}", headers={"Accept-Language": "en"}))
    assert "Trasig lampa i källargången" in page and "Kim Polis (Police), guest" in page
    # The after-meeting has it as a point still without an answer.
    login("manager", language="en")
    after = text(client.get(f"/walks/{on_walk.walk}/after"))
    point = after[after.index(f'id="point-{late.json["id"]}"'):]
    assert "No answer yet" in point[:point.index("</li>")]
    assert "1 point has no answer yet." in after


@pytest.mark.parametrize("captured", ["after", "none"])
def test_nothing_captured_after_completion_is_taken(app, on_walk, make, captured):
    guest = join(app, on_walk.code)
    completed = datetime.now(UTC) - timedelta(minutes=5)
    complete_at(app, on_walk.walk, completed)
    extra = {"captured_at": (completed + timedelta(minutes=1)).isoformat()} \
        if captured == "after" else {}
    answer = guest.post(f"/api/v1/walks/{on_walk.walk}/findings",
                        json=body(make.category_id("lighting"), **extra))
    assert answer.status_code == 403 and answer.json["code"] == "forbidden"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0


def test_a_finding_sent_during_the_walk_takes_its_photos_after_it(app, on_walk, make):
    guest = join(app, on_walk.code)
    sent = guest.post(f"/api/v1/walks/{on_walk.walk}/findings",
                      json=body(make.category_id("lighting")))
    assert sent.status_code == 201
    complete_at(app, on_walk.walk, datetime.now(UTC))
    assert _photo(guest, sent.json["id"]).status_code == 201
    # The same finding sent again (its answer was lost) is still the same one.
    again = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json={
        **body(make.category_id("lighting")), "uuid": sent.json["uuid"]})
    assert again.status_code == 200 and again.json["id"] == sent.json["id"]


def test_the_guest_sees_the_walk_completed_and_what_is_being_sent_not_the_live_walk(
        app, on_walk, make):
    staff_finding = make.finding(on_walk.walk, on_walk.leader, description="Personalens fynd")
    guest = join(app, on_walk.code)
    complete_at(app, on_walk.walk, datetime.now(UTC))
    page = guest.get("/join/walk", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = text(page)
    assert "The walk is completed" in html
    assert 'id="walk-sending"' in html and "waiting findings are being sent" in html
    assert "All your findings have been sent" in html
    assert "Add finding" not in html and "Personalens fynd" not in html
    assert 'id="live-findings"' not in html
    # The outbox on this page still sends as the guest.
    assert guest.get("/api/v1/csrf").json["user_id"] < 0
    # The live walk's pages send the whole page to this one; nothing else is reached.
    for url in (f"/walks/{on_walk.walk}/live", f"/walks/{on_walk.walk}/findings/new",
                f"/findings/{staff_finding}"):
        moved = guest.get(url)
        assert moved.status_code == 302 and moved.headers["Location"].endswith("/join/walk")
    poll = guest.get(f"/walks/{on_walk.walk}/live", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll.headers["HX-Redirect"].endswith("/join/walk")
    assert guest.get(f"/walks/{on_walk.walk}").status_code == 404


def test_the_page_in_swedish(app, on_walk):
    guest = join(app, on_walk.code, **{"Accept-Language": "sv"})
    complete_at(app, on_walk.walk, datetime.now(UTC))
    html = text(guest.get("/join/walk", headers={"Accept-Language": "sv"}))
    assert "Vandringen är avslutad" in html and "väntande fynd skickas nu" in html
    assert "Lämna vandringen" in html and "Lämnar du nu" in html


def test_the_late_sending_ends_a_day_after_completion(app, on_walk, make):
    guest = join(app, on_walk.code)
    completed = datetime.now(UTC) - timedelta(hours=24, minutes=1)
    with app.app_context():  # joined before the walk was completed
        participant = db.session.scalar(db.select(WalkParticipant).where(WalkParticipant.guest))
        participant.joined_at = completed - timedelta(hours=1)
        db.session.commit()
    complete_at(app, on_walk.walk, completed)
    ended = guest.get("/join/walk")
    assert ended.status_code == 302 and "/join?ended=1" in ended.headers["Location"]
    answer = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json=body(
        make.category_id("lighting"), captured_at=(completed - timedelta(minutes=5)).isoformat()))
    assert answer.status_code == 401


def test_a_session_already_over_when_the_walk_was_completed_stays_over(app, on_walk):
    guest = join(app, on_walk.code)
    with app.app_context():  # joined 13 h ago: the session ended an hour before completion
        participant = db.session.scalar(db.select(WalkParticipant).where(WalkParticipant.guest))
        participant.joined_at = participant.joined_at - timedelta(hours=13)
        db.session.commit()
    complete_at(app, on_walk.walk, datetime.now(UTC))
    assert guest.get("/join/walk").status_code == 302


def test_a_guest_who_left_sends_nothing_more(app, on_walk, make):
    guest = join(app, on_walk.code)
    complete_at(app, on_walk.walk, datetime.now(UTC))
    assert guest.post("/join/leave").status_code == 303
    answer = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json=body(
        make.category_id("lighting"),
        captured_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat()))
    assert answer.status_code == 401


def test_leaving_asks_first_when_findings_wait_on_the_phone(app, on_walk):
    """The question itself is asked by the outbox (static/js/outbox/leave.js), which counts
    the phone's items; the page carries its text on both the live and the completed page."""
    guest = join(app, on_walk.code)
    live = text(guest.get("/join/walk", headers={"Accept-Language": "en"}))
    assert "data-confirm-waiting=" in live and "have not been sent yet" in live
    complete_at(app, on_walk.walk, datetime.now(UTC))
    done = text(guest.get("/join/walk", headers={"Accept-Language": "en"}))
    assert "data-confirm-waiting=" in done


def test_a_point_sent_after_the_after_meeting_was_finished_still_asks_for_an_answer(
        app, client, on_walk, make, login):
    from app.models import AfterMeeting

    guest = join(app, on_walk.code)
    completed = datetime.now(UTC) - timedelta(hours=2)
    complete_at(app, on_walk.walk, completed)
    with app.app_context():  # the meeting was quick: nothing had come in yet
        db.session.add(AfterMeeting(walk_id=on_walk.walk, completed_by_id=on_walk.leader))
        db.session.commit()
    late = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json=body(
        make.category_id("lighting"), captured_at=(completed - timedelta(minutes=3)).isoformat()))
    assert late.status_code == 201
    login("manager", language="en")
    walk_page = text(client.get(f"/walks/{on_walk.walk}"))
    assert "1 point came in after the meeting and has no answer yet." in walk_page
    after = text(client.get(f"/walks/{on_walk.walk}/after"))
    assert "The after-meeting is finished." in after
    assert "1 point came in after the meeting and has no answer yet." in after
    assert f'/walks/{on_walk.walk}/after/{late.json["id"]}' in after  # "Answer the next point"
