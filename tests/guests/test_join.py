"""Join by code (issue 24): the leader's code, a guest joining on their own phone with a name
and a role, capturing on that walk only, the session's end, the rate limit, and the walk's
live list with ETag/304 for staff and guests alike."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pytest
from PIL import Image

from app.extensions import db
from app.guests import codes
from app.models import Finding, Photo, Walk, WalkJoinCode, WalkParticipant
from tests.guests.conftest import complete, join, join_code_of, text


def body(category_id, **extra):
    data = {"uuid": str(uuid.uuid4()), "category_id": category_id, "severity": "high",
            "place_type": "entrance", "unsafe_rating": 3, "description": "Mörk gångväg",
            "latitude": 59.2472, "longitude": 17.8611}
    data.update(extra)
    return data


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def test_the_code_has_six_unambiguous_characters_and_a_qr(client, on_walk, app):
    assert len(on_walk.code) == 6
    assert not set(on_walk.code) & set("0O1I")
    page = text(client.get(f"/walks/{on_walk.walk}/join-code"))
    assert "<svg" in page and f"/join/{on_walk.code}" in page
    # Asked again: the same code, one row.
    assert join_code_of(client, on_walk.walk) == on_walk.code
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(WalkJoinCode.id))) == 1
    assert set(codes.ALPHABET).isdisjoint("0O1I") and len(codes.ALPHABET) == 32
    assert codes.normalise(" abc-def ".replace("abc", on_walk.code[:3].lower())
                           .replace("def", on_walk.code[3:].lower())) == on_walk.code


def test_only_the_leader_or_a_manager_shows_the_code_of_a_walk_in_progress(app, make, login,
                                                                           client):
    district = make.district()
    walker = login("walker")
    other = make.walk(district_id=district)  # led by nobody
    assert client.get(f"/walks/{other}/join-code").status_code == 403
    planned = make.walk(district_id=district, leader_id=walker, status="planned")
    assert client.get(f"/walks/{planned}/join-code").status_code == 403
    login("manager")
    assert client.get(f"/walks/{other}/join-code").status_code == 200


def test_a_guest_joins_with_a_good_code_typed_in_any_case(app, on_walk):
    phone = app.test_client()
    page = phone.get("/join")
    assert page.status_code == 200
    typed = on_walk.code[:3].lower() + " " + on_walk.code[3:]
    answer = phone.post("/join", data={"code": typed})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/join/{on_walk.code}")
    form = phone.get(f"/join/{on_walk.code}", headers={"Accept-Language": "en"})
    assert form.status_code == 200 and "Your name" in text(form)
    joined = phone.post(f"/join/{on_walk.code}", data={"name": "Tina", "role": "tenant"})
    assert joined.status_code == 303
    page = phone.get("/join/walk", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Tina (Tenant), guest" in text(page)
    assert "Log out" not in text(page) and "Settings" not in text(page)  # no staff menu
    with app.app_context():
        guest = db.session.scalar(db.select(WalkParticipant).where(WalkParticipant.guest))
        assert (guest.walk_id, guest.name, guest.role.value, guest.user_id) == (
            on_walk.walk, "Tina", "tenant", None)
        assert guest.session_hash and len(guest.session_hash) == 64


@pytest.mark.parametrize("typed", ["AAAAAA", "ABC", "0O1I00", ""])
def test_a_bad_code_joins_nothing(app, on_walk, typed):
    phone = app.test_client()
    answer = phone.post("/join", data={"code": typed}, headers={"Accept-Language": "en"})
    assert answer.status_code == 422
    if typed:
        assert "No walk in progress has this code" in text(answer)
    assert phone.get(f"/join/{typed or 'x'}").status_code == 404
    assert phone.get("/join/walk").status_code in (302, 303)


def test_the_code_of_a_completed_walk_joins_nothing(app, on_walk):
    complete(app, on_walk.walk)
    phone = app.test_client()
    assert phone.get(f"/join/{on_walk.code}").status_code == 404
    assert phone.post(f"/join/{on_walk.code}", data={"name": "X", "role": "other"}
                      ).status_code == 404


def test_a_guest_captures_through_the_api_as_the_outbox_does(app, on_walk, make):
    guest = join(app, on_walk.code)
    token = guest.get("/api/v1/csrf").json
    assert token["user_id"] < 0  # the outbox keys the phone's items by it: no user's id
    category = make.category_id("lighting")
    data = body(category)
    created = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json=data)
    assert created.status_code == 201, created.json
    again = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json=data)
    assert again.status_code == 200 and again.json["id"] == created.json["id"]
    photo = guest.post(f"/api/v1/findings/{created.json['id']}/photos",
                       data={"photo": (io.BytesIO(jpeg()), "a.jpg"),
                             "client_uuid": str(uuid.uuid4())},
                       content_type="multipart/form-data")
    assert photo.status_code == 201, photo.json
    with app.app_context():
        finding = db.session.get(Finding, created.json["id"])
        assert finding.author_id is None and finding.guest.name == "Kim Polis"
        assert db.session.scalar(db.select(Photo.uploaded_by_id)) is None
    # Their finding in the walk's list, for the leader too: "Name (Role), guest".
    page = text(guest.get("/join/walk", headers={"Accept-Language": "en"}))
    assert "Kim Polis (Police), guest" in page
    assert guest.get(f"/findings/{created.json['id']}").status_code == 200


def test_a_guest_captures_with_the_form_without_javascript(app, on_walk, make):
    guest = join(app, on_walk.code)
    form = guest.get(f"/walks/{on_walk.walk}/findings/new")
    assert form.status_code == 200
    answer = guest.post(f"/walks/{on_walk.walk}/findings/new", data={
        "uuid": str(uuid.uuid4()), "category_id": make.category_id("lighting"),
        "severity": "high", "place_type": "entrance", "unsafe_rating": "3",
        "description": "Trasig lampa", "building_id": "0"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/join/walk")
    with app.app_context():
        assert db.session.scalar(db.select(Finding.guest_id)) is not None


def test_a_guest_cannot_capture_on_another_walk_nor_reuse_anothers_uuid(app, on_walk, make):
    other_walk = make.walk()
    guest = join(app, on_walk.code)
    category = make.category_id("lighting")
    assert guest.post(f"/api/v1/walks/{other_walk}/findings",
                      json=body(category)).status_code == 404
    staff_finding = make.finding(on_walk.walk, on_walk.leader)
    with app.app_context():
        used = db.session.get(Finding, staff_finding).uuid
    answer = guest.post(f"/api/v1/walks/{on_walk.walk}/findings", json=body(category, uuid=used))
    assert answer.status_code == 422
    # Nor photos on someone else's finding.
    assert guest.post(f"/api/v1/findings/{staff_finding}/photos",
                      data={"photo": (io.BytesIO(jpeg()), "a.jpg")},
                      content_type="multipart/form-data").status_code == 403


def test_a_guest_sees_the_walks_findings_but_not_anothers_confidential_one(app, on_walk,
                                                                          make):
    open_one = make.finding(on_walk.walk, on_walk.leader, description="Öppen punkt")
    secret = make.finding(on_walk.walk, on_walk.leader, description="Hemligt",
                          confidential=True)
    elsewhere = make.finding(make.walk(), on_walk.leader, description="Annan vandring")
    guest = join(app, on_walk.code)
    page = text(guest.get("/join/walk"))
    assert "Öppen punkt" in page and "Hemligt" not in page and "Annan vandring" not in page
    assert guest.get(f"/findings/{open_one}").status_code == 200
    assert guest.get(f"/findings/{secret}").status_code == 404
    assert guest.get(f"/findings/{elsewhere}").status_code == 404


def test_the_live_walk_ends_for_the_guest_when_it_is_completed(app, on_walk, make):
    guest = join(app, on_walk.code)
    assert guest.get("/join/walk").status_code == 200
    complete(app, on_walk.walk)
    # Only what the phone captured during the walk still comes in (tests/guests/
    # test_late_sync.py): nothing new, and the live list is gone.
    ended = guest.get("/join/walk", headers={"Accept-Language": "en"})
    assert ended.status_code == 200 and "The walk is completed" in text(ended)
    answer = guest.post(f"/api/v1/walks/{on_walk.walk}/findings",
                        json=body(make.category_id("lighting")))
    assert answer.status_code == 403
    assert guest.get(f"/walks/{on_walk.walk}/live").headers["Location"].endswith("/join/walk")


def test_a_poll_after_the_walk_was_completed_moves_the_whole_page(app, on_walk):
    guest = join(app, on_walk.code)
    complete(app, on_walk.walk)
    poll = guest.get(f"/walks/{on_walk.walk}/live", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll.data == b""
    assert poll.headers["HX-Redirect"].endswith("/join/walk")


def test_a_poll_after_the_session_ended_moves_the_whole_page(app, on_walk):
    guest = join(app, on_walk.code)
    with app.app_context():
        participant = db.session.scalar(db.select(WalkParticipant).where(WalkParticipant.guest))
        participant.joined_at = participant.joined_at - timedelta(hours=13)
        db.session.commit()
    poll = guest.get(f"/walks/{on_walk.walk}/live", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll.data == b""
    assert poll.headers["HX-Redirect"].endswith("/join?ended=1")


def test_the_session_ends_after_twelve_hours(app, on_walk):
    guest = join(app, on_walk.code)
    with app.app_context():
        participant = db.session.scalar(db.select(WalkParticipant).where(WalkParticipant.guest))
        participant.joined_at = participant.joined_at - timedelta(hours=11, minutes=59)
        db.session.commit()
    assert guest.get("/join/walk").status_code == 200
    with app.app_context():
        participant = db.session.scalar(db.select(WalkParticipant).where(WalkParticipant.guest))
        participant.joined_at = participant.joined_at - timedelta(minutes=2)
        db.session.commit()
    assert guest.get("/join/walk").status_code == 302


def test_a_guest_who_leaves_is_out(app, on_walk):
    guest = join(app, on_walk.code)
    assert guest.post("/join/leave").status_code == 303
    assert guest.get("/join/walk").status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(db.select(WalkParticipant.session_hash)
                                 .where(WalkParticipant.guest)) is None


def test_a_forged_session_is_nobody(app, on_walk):
    join(app, on_walk.code)
    with app.app_context():
        participant_id = db.session.scalar(db.select(WalkParticipant.id)
                                           .where(WalkParticipant.guest))
    forger = app.test_client()
    with forger.session_transaction() as session:
        session["guest"] = [participant_id, "not-the-secret"]
    assert forger.get("/join/walk").status_code in (302, 303)
    assert forger.get(f"/walks/{on_walk.walk}/live").status_code == 302


def test_joining_is_rate_limited(app, on_walk):
    app.config["JOIN_LIMIT"] = "5/minute"
    phone = app.test_client()
    address = {"REMOTE_ADDR": "198.51.100.24"}
    answers = [phone.post("/join", data={"code": "AAAAAA"}, environ_base=address).status_code
               for _ in range(6)]
    assert answers[:5] == [422] * 5 and answers[5] == 429
    assert phone.get(f"/join/{on_walk.code}", environ_base=address).status_code == 429
    # Another address is not held up.
    assert phone.get(f"/join/{on_walk.code}",
                     environ_base={"REMOTE_ADDR": "198.51.100.25"}).status_code == 200


def test_staff_with_an_account_need_no_code(client, on_walk):
    answer = client.get(f"/join/{on_walk.code}")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        f"/walks/{on_walk.walk}")


# --- together, live ------------------------------------------------------------------------


def test_the_live_list_answers_304_until_something_changes(app, client, on_walk, make):
    url = f"/walks/{on_walk.walk}/live"
    first = client.get(url, headers={"HX-Request": "true"})
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    same = client.get(url, headers={"HX-Request": "true", "If-None-Match": etag})
    assert same.status_code == 304 and same.data == b""
    # A guest adds a finding: the leader's next poll gets the new list, with who added it.
    guest = join(app, on_walk.code, name="Kim", role="police")
    guest_etag = guest.get(url).headers["ETag"]
    created = guest.post(f"/api/v1/walks/{on_walk.walk}/findings",
                         json=body(make.category_id("lighting"), description="Krossad lampa"))
    assert created.status_code == 201
    changed = client.get(url, headers={"HX-Request": "true", "If-None-Match": etag,
                                       "Accept-Language": "en"})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Krossad lampa" in text(changed) and "Kim (Police), guest" in text(changed)
    assert '"lat": 59.2472' in text(changed)  # the map's points come with the list
    # …and the guest's poll, too.
    assert guest.get(url, headers={"If-None-Match": guest_etag}).status_code == 200
    # A staff finding shows on the guest's phone, with its author's name.
    make.finding(on_walk.walk, on_walk.leader, description="Buskage")
    assert "Buskage" in text(guest.get(url))
    # A photo added later changes it as well.
    now = client.get(url).headers["ETag"]
    guest.post(f"/api/v1/findings/{created.json['id']}/photos",
               data={"photo": (io.BytesIO(jpeg()), "a.jpg")}, content_type="multipart/form-data")
    assert client.get(url, headers={"If-None-Match": now}).status_code == 200


def test_the_live_etag_is_one_small_query(app, client, on_walk, make):
    from sqlalchemy import event

    for _ in range(3):
        make.finding(on_walk.walk, on_walk.leader)
    url = f"/walks/{on_walk.walk}/live"
    etag = client.get(url).headers["ETag"]
    statements = []
    with app.app_context():
        engine = db.engine

        def count(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        finally:
            event.remove(engine, "before_cursor_execute", count)
    about_findings = [s for s in statements if "findings" in s]
    assert len(about_findings) == 1, about_findings


def test_the_walk_page_polls_its_live_list(client, on_walk):
    page = text(client.get(f"/walks/{on_walk.walk}"))
    assert f'hx-get="/walks/{on_walk.walk}/live"' in page
    assert 'hx-trigger="every 4s, live-refresh"' in page
    assert page.count('id="finding-count"') == 1
    live = text(client.get(f"/walks/{on_walk.walk}/live"))
    assert '<span id="finding-count" hx-swap-oob="true">0</span>' in live
    etag = re.search(r"data-etag='(W/\"[0-9a-f]{20}\")'", page).group(1)
    # The page's list is the live list as it stands: the first poll is already a 304.
    assert client.get(f"/walks/{on_walk.walk}/live", headers={
        "If-None-Match": etag, "HX-Request": "true"}).status_code == 304


def test_a_completed_walk_is_not_polled(client, make, login):
    manager = login("manager")
    walk = make.walk(status="completed", leader_id=manager)
    page = text(client.get(f"/walks/{walk}"))
    assert 'hx-trigger="live-refresh"' in page and "every 4s" not in page


def test_editing_the_walk_keeps_its_guests(
        app, client, on_walk, make, login):
    from app.models import District

    guest = join(app, on_walk.code, name="Kim", role="police")
    created = guest.post(f"/api/v1/walks/{on_walk.walk}/findings",
                         json=body(make.category_id("lighting"))).json
    login("manager", language="en")
    with app.app_context():
        walk = db.session.get(Walk, on_walk.walk)
        district = db.session.get(District, walk.district_id)
        edit = {"district_id": district.id, "title": "Ny titel", "planned_date": "2026-12-01",
                "planned_time": "18:30", "light_condition": "dark",
                "leader_id": on_walk.leader, "participants-0-name": "Lisa Kommun",
                "participants-0-role": "municipality"}
    form = text(client.get(f"/walks/{on_walk.walk}/edit"))
    assert 'value="Kim"' not in form  # guests are not on the planning form
    assert client.post(f"/walks/{on_walk.walk}/edit", data=edit).status_code == 303
    assert guest.get("/join/walk").status_code == 200  # still on the walk
    with app.app_context():
        names = sorted((p.name, p.guest) for p in db.session.scalars(
            db.select(WalkParticipant).where(WalkParticipant.walk_id == on_walk.walk)))
        assert names == [("Kim", True), ("Lisa Kommun", False)]
        assert db.session.get(Finding, created["id"]).guest.name == "Kim"
    page = text(client.get(f"/walks/{on_walk.walk}", headers={"Accept-Language": "en"}))
    assert "Kim (Police), guest" in page
