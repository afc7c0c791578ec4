"""Remediation over HTTP (issue 3): the findings list, bulk assignment, the fixer's tasks,
verification, the timeline, mail, and who may do what."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from app.extensions import db
from app.models import Finding, FindingEvent, FindingStatus, OutboxMail, Photo, PhotoKind, User
from app.timeutil import local_today
from tests.conftest import TEST_PASSWORD, log_in_as, shared_rows
from tests.findings.test_scale_queries import _markers, expand


@pytest.fixture(autouse=True)
def english(client):
    """Assertions below read the English interface."""
    client.post("/language", data={"lang": "en"})


def jpeg(color=(30, 140, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    return out.getvalue()


def log_in(client, email):
    log_in_as(client, email)


def get(app, finding_id) -> Finding:
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        db.session.expunge(finding)
        return finding


def version(app, finding_id) -> int:
    return get(app, finding_id).version


@pytest.fixture
def fittja(make):
    """Fittja with three new lighting findings, one graffiti, and Alby with one lighting."""
    fittja = make.district("Fittja")
    alby = make.district("Alby")
    author = make.user("walker", email="author@example.org")
    walk = make.walk(fittja, status="completed", title="Kvällsvandring Fittja")
    alby_walk = make.walk(alby, status="completed", title="Albyvandring")
    lighting = [
        make.finding(walk, author, "lighting",
                     building_id=make.building(fittja, address=f"Krögarvägen {n}"),
                     latitude=59.2472 + n * 0.002, longitude=17.8610)
        for n in range(1, 5)
    ]
    graffiti = make.finding(walk, author, "graffiti", latitude=59.25, longitude=17.86)
    acked = make.finding(walk, author, "lighting", status=FindingStatus.ACKNOWLEDGED)
    alby_lighting = make.finding(alby_walk, author, "lighting")
    return {"district": fittja, "walk": walk, "lighting": lighting, "graffiti": graffiti,
            "acked": acked, "alby": alby_lighting, "author": author}


def test_manager_filters_bulk_assigns_fixer_fixes_manager_verifies(client, make, app, fittja):
    fixer = make.user("fixer", email="fixer@example.org", name="Fredrik Fixare")
    make.user("manager", email="manager@example.org", name="Maria Manager")
    category = make.category_id("lighting")
    log_in(client, "manager@example.org")

    url = f"/findings?district={fittja['district']}&category={category}&status=new"
    page = client.get(url).get_data(as_text=True)
    assert "4 findings" in page
    shown = set(map(int, re.findall(r'name="ids" value="(\d+)"', page)))
    assert shown == set(fittja["lighting"])
    # The URL alone reproduces the filter: the selected values are in the form.
    assert f'<option selected value="{fittja["district"]}">' in page
    assert '<option selected value="new">' in page

    chosen = fittja["lighting"][:3]
    due = local_today() + timedelta(days=7)
    data = {"ids": [str(i) for i in chosen], "action": "assign", "assignee_id": str(fixer),
            "priority_id": "0", "due_date": due.isoformat(), "next": url}
    data.update({f"v-{i}": str(version(app, i)) for i in chosen})
    response = client.post("/findings/bulk", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == url
    assert "3 findings assigned" in client.get(url).get_data(as_text=True)
    with app.app_context():
        for finding_id in chosen:
            finding = db.session.get(Finding, finding_id)
            assert finding.status == FindingStatus.ASSIGNED
            assert finding.assignee_id == fixer and finding.due_date == due
            assert finding.assigned_at is not None and finding.acknowledged_at is not None
        untouched = db.session.get(Finding, fittja["lighting"][3])
        assert untouched.status == FindingStatus.NEW and untouched.assignee_id is None
        mails = db.session.scalars(db.select(OutboxMail)).all()
        assert len(mails) == 3
        assert {m.to_address for m in mails} == {"fixer@example.org"}
        assert all(m.sent_at is None for m in mails)  # no MAIL_SERVER: stays in the outbox

    # The fixer, on a phone, sees exactly those three.
    log_in(client, "fixer@example.org")
    tasks = client.get("/tasks").get_data(as_text=True)
    assert set(map(int, re.findall(r'id="task-(\d+)"', tasks))) == set(chosen)
    assert "geo:" in tasks and "openstreetmap.org/?mlat=" in tasks
    # ...and gets 404 on anything else.
    assert client.get(f"/findings/{fittja['lighting'][3]}").status_code == 404
    assert client.post(f"/findings/{fittja['lighting'][3]}/fixed", data={}).status_code == 404

    target = chosen[0]
    response = client.post(
        f"/findings/{target}/fixed",
        data={"version": str(version(app, target)), "note": "Bytt armatur och ljuskälla",
              "photo": (io.BytesIO(jpeg()), "after.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/tasks")
    assert f'id="task-{target}"' not in client.get("/tasks").get_data(as_text=True)

    # The manager sees before (none here) and after, and verifies.
    log_in(client, "manager@example.org")
    page = client.get(f"/findings/{target}").get_data(as_text=True)
    assert "Before" in page and "After" in page and "Verify the fix" in page
    response = client.post(f"/findings/{target}/status",
                           data={"to": "verified", "version": str(version(app, target))})
    assert response.status_code == 303
    page = client.get(f"/findings/{target}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):page.index('id="comments"')]
    assert timeline.count("Maria Manager") >= 3  # assignee, due date, status ×2 …
    assert "Fredrik Fixare" in timeline and "Bytt armatur och ljuskälla" in timeline
    for text in ("Assigned", "Fixed", "Verified", "Due date"):
        assert text in timeline
    with app.app_context():
        finding = db.session.get(Finding, target)
        assert finding.status == FindingStatus.VERIFIED
        assert finding.fixed_at and finding.verified_at and finding.closed_at
        after = [p for p in finding.photos if p.kind == PhotoKind.AFTER]
        assert len(after) == 1 and after[0].uploaded_by_id == fixer
        fields = [(e.field, e.to_value) for e in finding.events]
        assert ("status", "assigned") in fields and ("status", "fixed") in fields
        assert ("status", "verified") in fields and ("assignee", str(fixer)) in fields
        assert all(e.actor_id is not None for e in finding.events)


def test_htmx_filter_returns_the_results_fragment(client, login, fittja, make):
    login("manager")
    response = client.get(f"/findings?category={make.category_id('graffiti')}",
                          headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "1 finding" in body
    assert "HX-Request" in response.headers["Vary"]
    assert f'value="{fittja["graffiti"]}"' in body


@pytest.mark.parametrize("query, expected", [
    ("q=Krögarvägen+2", ["lighting1"]),
    ("status=acknowledged", ["acked"]),
    ("status=open&sort=oldest", ["lighting0", "lighting1", "lighting2", "lighting3",
                                 "graffiti", "acked", "alby"]),
    ("district={district}&category={lighting}", ["lighting0", "lighting1", "lighting2",
                                                  "lighting3", "acked"]),
    ("walk={walk}&assignee=-1&category={graffiti}", ["graffiti"]),
    ("overdue=y", []),
    ("confidential=yes", []),
    ("date_from=2000-01-01&date_to=2000-01-02", []),
])
def test_list_filters(client, login, make, fittja, query, expected):
    login("manager")
    names = {f"lighting{n}": i for n, i in enumerate(fittja["lighting"])}
    names.update(graffiti=fittja["graffiti"], acked=fittja["acked"], alby=fittja["alby"])
    url = "/findings?" + query.format(district=fittja["district"], walk=fittja["walk"],
                                      lighting=make.category_id("lighting"),
                                      graffiti=make.category_id("graffiti"))
    page = client.get(url).get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)]
    wanted = [names[n] for n in expected]
    if "sort=oldest" in query:
        assert ids == wanted
    else:
        assert sorted(ids) == sorted(wanted)


def test_overdue_everywhere(client, make, app, fittja):
    fixer = make.user("fixer", email="fixer@example.org")
    yesterday = local_today() - timedelta(days=1)
    late = make.finding(fittja["walk"], fittja["author"], assignee_id=fixer, due_date=yesterday,
                        status=FindingStatus.ASSIGNED)
    soon = make.finding(fittja["walk"], fittja["author"], assignee_id=fixer,
                        due_date=local_today() + timedelta(days=2),
                        status=FindingStatus.ASSIGNED)
    done_late = make.finding(fittja["walk"], fittja["author"], assignee_id=fixer,
                             due_date=yesterday, status=FindingStatus.FIXED)
    make.user("manager", email="manager@example.org")
    log_in(client, "manager@example.org")
    page = client.get("/findings?overdue=y").get_data(as_text=True)
    assert re.findall(r'name="ids" value="(\d+)"', page) == [str(late)]
    assert "badge-overdue" in page
    assert "badge-overdue" in client.get(f"/findings/{late}").get_data(as_text=True)
    assert "Overdue" not in client.get(f"/findings/{done_late}").get_data(as_text=True)
    log_in(client, "fixer@example.org")
    tasks = client.get("/tasks").get_data(as_text=True)
    order = [int(i) for i in re.findall(r'id="task-(\d+)"', tasks)]
    assert order == [late, soon]  # overdue first; the fixed one is no longer a task
    assert tasks.count('class="badge badge-overdue"') == 1


def test_walker_cannot_assign_and_impossible_transition_is_refused(client, make, app, fittja):
    make.user("manager", email="manager@example.org")
    finding = fittja["lighting"][0]
    log_in(client, "author@example.org")
    response = client.post(f"/findings/{finding}/assign",
                           data={"assignee_id": "1", "version": "1"})
    assert response.status_code == 403
    assert client.post(f"/findings/{finding}/status", data={"to": "verified"}).status_code == 403
    log_in(client, "manager@example.org")
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "verified", "version": str(version(app, finding))})
    assert response.status_code == 422
    assert "cannot go from “New” to “Verified”" in response.get_data(as_text=True)
    assert get(app, finding).status == FindingStatus.NEW


def test_edit_conflict_second_manager_gets_409_and_current_state(client, make, app, fittja):
    first = make.user("manager", email="first@example.org")
    make.user("manager", email="second@example.org")
    fixer = make.user("fixer", name="Fredrik Fixare")
    other_fixer = make.user("fixer", name="Olle Other")
    finding = fittja["lighting"][0]
    stale = version(app, finding)  # both managers opened the page now

    log_in(client, "first@example.org")
    assert client.post(f"/findings/{finding}/assign",
                       data={"assignee_id": str(fixer), "version": str(stale)}
                       ).status_code == 303
    log_in(client, "second@example.org")
    response = client.post(f"/findings/{finding}/assign",
                           data={"assignee_id": str(other_fixer), "version": str(stale)})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this finding" in page
    assert "Assigned to Fredrik Fixare" in page  # the current state
    with app.app_context():
        row = db.session.get(Finding, finding)
        assert row.assignee_id == fixer
        assert db.session.scalar(db.select(db.func.count(FindingEvent.id)).where(
            FindingEvent.field == "assignee")) == 1
        assert {e.actor_id for e in row.events} == {first}
    # A status change with the stale version is refused the same way.
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "wont_fix", "reason": "x", "version": str(stale)})
    assert response.status_code == 409
    assert get(app, finding).status == FindingStatus.ASSIGNED


def test_a_change_committed_after_the_form_check_is_a_conflict_too(client, make, app, fittja):
    """The version column guards commits that slip past the form check: another request
    bumps the row between the page's check and the write, and the manager gets the 409
    page, not a 500, with nothing of theirs saved."""
    from sqlalchemy import event, update
    from sqlalchemy.orm import Session

    finding = fittja["lighting"][0]
    make.user("manager", email="boss@example.org")
    fixer = make.user("fixer", name="Fredrik Fixare")
    log_in(client, "boss@example.org")

    bumped = []

    def other_request_commits(session, flush_context, instances):
        if not bumped and any(isinstance(r, Finding) and r.id == finding for r in session.dirty):
            bumped.append(True)
            session.connection().execute(update(Finding.__table__).where(
                Finding.__table__.c.id == finding).values(version=Finding.__table__.c.version + 1))

    event.listen(Session, "before_flush", other_request_commits)
    try:
        response = client.post(f"/findings/{finding}/assign", data={
            "assignee_id": str(fixer), "version": str(version(app, finding))})
    finally:
        event.remove(Session, "before_flush", other_request_commits)
    assert bumped
    assert response.status_code == 409
    assert "Someone else changed this finding" in response.get_data(as_text=True)
    assert get(app, finding).assignee_id is None
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(FindingEvent.id)).where(
            FindingEvent.field == "assignee")) == 0


def test_fix_with_rejected_photo_keeps_the_note(client, make, app, fittja):
    fixer = make.user("fixer", email="fixer@example.org")
    finding = make.finding(fittja["walk"], fittja["author"], assignee_id=fixer,
                           status=FindingStatus.IN_PROGRESS)
    log_in(client, "fixer@example.org")
    response = client.post(
        f"/findings/{finding}/fixed",
        data={"version": str(version(app, finding)), "note": "Lampan bytt vid port 3",
              "photo": (io.BytesIO(b"not an image at all"), "after.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Lampan bytt vid port 3" in page
    assert "The photo was not saved" in page and "not supported" in page
    with app.app_context():
        assert db.session.get(Finding, finding).status == FindingStatus.IN_PROGRESS
        assert db.session.scalar(db.select(db.func.count(Photo.id))) == 0


def test_fixer_starts_work_from_tasks(client, make, app, fittja):
    fixer = make.user("fixer", email="fixer@example.org")
    finding = make.finding(fittja["walk"], fittja["author"], assignee_id=fixer,
                           status=FindingStatus.ASSIGNED)
    log_in(client, "fixer@example.org")
    assert "Start work" in client.get("/tasks").get_data(as_text=True)
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "in_progress", "version": str(version(app, finding)),
                                 "next": "/tasks"})
    assert response.status_code == 303 and response.headers["Location"] == "/tasks"
    assert get(app, finding).status == FindingStatus.IN_PROGRESS
    # A fixer may not verify their own fix or close it.
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "wont_fix", "reason": "nej",
                                 "version": str(version(app, finding))})
    assert response.status_code == 422


def test_fixer_lands_on_tasks(client, make):
    make.user("fixer", email="fixer@example.org")
    response = client.post("/login", data={"email": "fixer@example.org",
                                           "password": TEST_PASSWORD})
    assert response.headers["Location"].endswith("/tasks")
    nav = client.get("/tasks").get_data(as_text=True)
    assert ">My tasks</a>" in nav and ">Findings</a>" not in nav


def test_comment_with_photo(client, make, app, fittja):
    login_id = make.user("manager", email="manager@example.org")
    finding = fittja["lighting"][0]
    log_in(client, "manager@example.org")
    response = client.post(f"/findings/{finding}/comments",
                           data={"body": "Ringde elfirman", "photo": (io.BytesIO(jpeg()), "c.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(f"/findings/{finding}").get_data(as_text=True)
    assert "Ringde elfirman" in page
    with app.app_context():
        photo = db.session.scalar(db.select(Photo))
        assert photo.kind == PhotoKind.COMMENT and photo.comment_id is not None
        assert photo.uploaded_by_id == login_id
    assert f"/photos/{photo.id}/thumb.jpg" in page
    # Empty comment: 422 with a message.
    response = client.post(f"/findings/{finding}/comments", data={"body": " "})
    assert response.status_code == 422
    assert "Write a comment." in response.get_data(as_text=True)
    # Walkers do not see internal comments.
    log_in(client, "author@example.org")
    assert "Ringde elfirman" not in client.get(f"/findings/{finding}").get_data(as_text=True)


def test_mark_duplicate_keeps_photos_visible_on_original(client, make, app, fittja):
    from app.media.photos import process_photo, save_photo
    from app.storage import get_storage

    original, copy = fittja["lighting"][0], fittja["lighting"][1]
    with app.app_context():
        photo = save_photo(db.session, get_storage(), finding=db.session.get(Finding, copy),
                           processed=process_photo(jpeg(), max_bytes=10**7, max_pixels=10**7),
                           kind=PhotoKind.FINDING)
        db.session.commit()
        photo_id = photo.id
    make.user("manager", email="manager@example.org")
    log_in(client, "manager@example.org")
    response = client.post(f"/findings/{copy}/status",
                           data={"to": "duplicate", "version": str(version(app, copy))})
    assert response.status_code == 422  # which one it duplicates is required
    response = client.post(f"/findings/{copy}/status",
                           data={"to": "duplicate", "duplicate_of_id": str(original),
                                 "version": str(version(app, copy))})
    assert response.status_code == 303
    row = get(app, copy)
    assert row.status == FindingStatus.DUPLICATE and row.duplicate_of_id == original
    assert row.closed_at is not None
    page = client.get(f"/findings/{original}").get_data(as_text=True)
    assert "Reported again as duplicates" in page
    assert f"/photos/{photo_id}/thumb.jpg" in page


def test_not_ours_and_wont_fix_need_their_details(client, make, app, fittja):
    make.user("manager", email="manager@example.org")
    log_in(client, "manager@example.org")
    finding = fittja["lighting"][0]
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "wont_fix", "version": str(version(app, finding))})
    assert response.status_code == 422
    assert "Say why it will not be fixed." in response.get_data(as_text=True)
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "not_ours", "version": str(version(app, finding))})
    assert response.status_code == 422
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "not_ours", "referred_to": "traffic_office",
                                 "note": "Ärende 2025-123", "version": str(version(app, finding))})
    assert response.status_code == 303
    row = get(app, finding)
    assert row.status == FindingStatus.NOT_OURS and row.responsible_party
    assert row.closed_at is not None
    # Reopen needs a reason.
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "acknowledged", "version": str(row.version)})
    assert response.status_code == 422
    response = client.post(f"/findings/{finding}/status",
                           data={"to": "acknowledged", "reason": "Trafikkontoret sa nej",
                                 "version": str(row.version)})
    assert response.status_code == 303
    row = get(app, finding)
    assert row.status == FindingStatus.ACKNOWLEDGED and row.closed_at is None


def test_assignment_defaults_due_date_from_priority_and_mails_in_recipient_language(
        client, make, app, fittja):
    from app.models import Priority

    english = make.user("fixer", email="en@example.org", language="en")
    swedish = make.user("fixer", email="sv@example.org", language="sv")
    quiet = make.user("fixer", email="quiet@example.org", notify_email=False)
    make.user("manager", email="manager@example.org")
    with app.app_context():
        week = db.session.scalar(db.select(Priority.id).where(Priority.days == 7))
    log_in(client, "manager@example.org")
    a, b, c = fittja["lighting"][:3]
    for finding, user in ((a, english), (b, swedish), (c, quiet)):
        response = client.post(f"/findings/{finding}/assign",
                               data={"assignee_id": str(user), "priority_id": str(week),
                                     "version": str(version(app, finding))})
        assert response.status_code == 303
    assert get(app, a).due_date == local_today() + timedelta(days=7)
    with app.app_context():
        mails = {m.to_address: m for m in db.session.scalars(db.select(OutboxMail))}
    assert set(mails) == {"en@example.org", "sv@example.org"}  # quiet turned mail off
    assert "Lighting" in mails["en@example.org"].subject
    assert "Belysning" in mails["sv@example.org"].subject
    assert f"/findings/{b}" in mails["sv@example.org"].body


def test_assign_refuses_a_walker_as_assignee_and_past_due_date(client, make, app, fittja):
    make.user("manager", email="manager@example.org")
    log_in(client, "manager@example.org")
    finding = fittja["lighting"][0]
    response = client.post(f"/findings/{finding}/assign",
                           data={"assignee_id": str(fittja["author"]),
                                 "version": str(version(app, finding))})
    assert response.status_code == 422
    fixer = make.user("fixer")
    response = client.post(f"/findings/{finding}/assign",
                           data={"assignee_id": str(fixer), "due_date": "2001-01-01",
                                 "version": str(version(app, finding))})
    assert response.status_code == 422
    assert "The due date is in the past." in response.get_data(as_text=True)
    assert get(app, finding).assignee_id is None


def test_bulk_status_reports_what_could_not_change(client, make, app, fittja):
    make.user("manager", email="manager@example.org")
    log_in(client, "manager@example.org")
    new, acked = fittja["lighting"][0], fittja["acked"]
    response = client.post("/findings/bulk", data={
        "ids": [str(new), str(acked)], "action": "status", "to": "acknowledged",
        "next": "/findings?status=open",
    })
    assert response.status_code == 303
    page = client.get("/findings?status=open").get_data(as_text=True)
    assert "1 finding changed" in page
    assert f"#{acked} not changed" in page
    assert get(app, new).status == FindingStatus.ACKNOWLEDGED
    # Nothing selected: a message, nothing changes.
    response = client.post("/findings/bulk", data={"action": "status", "to": "verified"},
                           follow_redirects=True)
    assert "Select at least one finding." in response.get_data(as_text=True)


def test_map_page_has_markers_for_the_filtered_findings(client, login, make, fittja):
    login("manager")
    page = client.get(f"/findings/map?category={make.category_id('lighting')}"
                      f"&district={fittja['district']}").get_data(as_text=True)
    markers = _markers(page)
    assert len(markers) == 4  # the four Fittja lighting findings with a position
    assert all(m["title"].endswith(f"Lighting #{m['id']}") for m in markers)
    # The same findings as a list under the map, for those who cannot use the map.
    for m in markers:
        assert f'<a href="/findings/{m["id"]}">' in page
    assert "leaflet.js" in page and "leaflet.markercluster.js" in page and "map.js" in page
    assert "tile.openstreetmap.org" in page or "data-tile-url" in page


def test_map_markers_show_each_findings_first_reported_photo(client, login, make, app, fittja):
    from app.media.photos import process_photo, save_photo
    from app.storage import get_storage

    with_photos, without = fittja["lighting"][0], fittja["lighting"][1]
    with app.app_context():
        finding = db.session.get(Finding, with_photos)
        ids = []
        for kind in (PhotoKind.AFTER, PhotoKind.FINDING, PhotoKind.FINDING):
            photo = save_photo(db.session, get_storage(), finding=finding, kind=kind,
                               processed=process_photo(jpeg(), max_bytes=10**7,
                                                       max_pixels=10**7))
            db.session.flush()
            ids.append(photo.id)
        db.session.commit()
    login("manager")
    points = {p["id"]: p for p in expand(client.get(
        "/findings/map", headers={"Accept": "application/json"}).get_json()["points"])}
    assert points[with_photos]["thumb"] == f"/photos/{ids[1]}/thumb.jpg"
    assert points[without]["thumb"] is None
    assert points[with_photos]["url"] == f"/findings/{with_photos}"


def test_possible_duplicates_endpoint_for_the_add_form(client, login, make, fittja):
    login("walker")
    first = get_position(client.application, fittja["lighting"][0])
    response = client.get("/findings/possible-duplicates", query_string={
        "latitude": first[0], "longitude": first[1],
        "category_id": make.category_id("lighting")})
    assert response.status_code == 200
    assert f"#{fittja['lighting'][0]}" in response.get_data(as_text=True)
    other = client.get("/findings/possible-duplicates", query_string={
        "lat": first[0], "lon": first[1], "category_id": make.category_id("graffiti")})
    assert "No similar open finding" in other.get_data(as_text=True)


def get_position(app, finding_id):
    finding = get(app, finding_id)
    return finding.latitude, finding.longitude


def test_admin_edits_priorities_and_reads_outbox(client, login, app):
    login("admin")
    response = client.post("/admin/priorities/new",
                           data={"name_sv": "Inom 3 dagar", "name_en": "Within 3 days",
                                 "days": "3", "position": "1"})
    assert response.status_code == 303
    assert "Within 3 days" in client.get("/admin/priorities").get_data(as_text=True)
    assert client.post("/admin/priorities/new", data={"name_sv": "", "name_en": "x",
                                                      "days": "x"}).status_code == 422
    with app.app_context():
        mail = OutboxMail(to_address="x@example.org", subject="Hej Trygg", body="Brödtext")
        db.session.add(mail)
        db.session.commit()
        mail_id = mail.id
    assert "Hej Trygg" in client.get("/admin/outbox").get_data(as_text=True)
    assert "Brödtext" in client.get(f"/admin/outbox/{mail_id}").get_data(as_text=True)


# --- role × route --------------------------------------------------------------------------

ROLES = ["anonymous", "walker", "fixer", "manager", "admin"]
GET_TABLE = {
    "/findings": [302, 404, 404, 200, 200],
    "/findings?status=new&sort=due": [302, 404, 404, 200, 200],
    "/findings/map": [302, 404, 404, 200, 200],
    "/findings/possible-duplicates?lat=59.2472&lon=17.861&category_id=1":
        [302, 200, 404, 200, 200],
    "/findings/{mine}": [302, 200, 200, 200, 200],
    "/findings/{other}": [302, 200, 404, 200, 200],
    "/tasks": [302, 404, 200, 404, 404],
    "/admin/outbox": [302, 404, 404, 404, 200],
    "/admin/outbox/{mail}": [302, 404, 404, 404, 200],
    "/admin/priorities": [302, 404, 404, 404, 200],
    "/admin/priorities/new": [302, 404, 404, 404, 200],
    "/admin/priorities/{priority}": [302, 404, 404, 404, 200],
}
POST_TABLE = {
    "/findings/{mine}/assign": [302, 403, 403, 303, 303],
    "/findings/{other}/assign": [302, 403, 404, 303, 303],
    "/findings/{mine}/status": [302, 403, 303, 303, 303],
    "/findings/{other}/status": [302, 403, 404, 303, 303],
    "/findings/{mine}/fixed": [302, 403, 303, 303, 303],
    "/findings/{other}/fixed": [302, 403, 404, 422, 422],
    "/findings/{mine}/comments": [302, 403, 303, 303, 303],
    "/findings/{other}/comments": [302, 403, 404, 303, 303],
    "/findings/bulk": [302, 403, 403, 303, 303],
    "/admin/priorities/new": [302, 404, 404, 404, 303],
}


@shared_rows
def access_rows(app, make):
    """A finding assigned to fixer@example.org and one assigned to no one, an e-mail in the
    outbox: made once for the module, each test's changes rolled back."""
    fixer = make.user("fixer", email="fixer@example.org")
    author = make.user("walker", email="finder@example.org")
    walk = make.walk(status="completed")
    mine = make.finding(walk, author, assignee_id=fixer, status=FindingStatus.ASSIGNED,
                        latitude=59.2472, longitude=17.861)
    other = make.finding(walk, author, latitude=59.2472, longitude=17.861)
    with app.app_context():
        mail = OutboxMail(to_address="a@example.org", subject="s", body="b")
        db.session.add(mail)
        db.session.commit()
        mail_id = mail.id
        from app.models import Priority

        priority = db.session.scalar(db.select(Priority.id).limit(1))
    return {"mine": mine, "other": other, "mail": mail_id, "priority": priority,
            "fixer": fixer, "fixer2": make.user("fixer")}


@pytest.fixture
def access_world(access_rows, make, client):
    """access_world(role) logs in as that role (the fixer is the one `mine` is assigned to)
    and returns the rows."""

    def build(role):
        if role == "fixer":
            log_in(client, "fixer@example.org")
        elif role != "anonymous":
            make.user(role, email=f"{role}@example.org")
            log_in(client, f"{role}@example.org")
        return access_rows

    return build


def _post_data(route, world, app):
    finding_id = world["mine"] if "{mine}" in route else world["other"]
    current = str(version(app, finding_id)) if "{" in route else ""
    if route.endswith("/assign"):
        return {"assignee_id": str(world["fixer2"]), "version": current}
    if route.endswith("/status"):
        return {"to": "in_progress" if "{mine}" in route else "acknowledged",
                "version": current}
    if route.endswith("/fixed"):
        return {"note": "klart", "version": current}
    if route.endswith("/comments"):
        return {"body": "En kommentar"}
    if route == "/findings/bulk":
        return {"ids": [str(world["other"])], "action": "status", "to": "acknowledged"}
    return {"name_sv": "Snart", "name_en": "Soon", "days": "2", "position": "0"}


@pytest.mark.parametrize("route", list(GET_TABLE))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_get_routes_by_role(client, access_world, route, role_index):
    role = ROLES[role_index]
    world = access_world(role)
    response = client.get(route.format(**world))
    assert response.status_code == GET_TABLE[route][role_index]


@pytest.mark.parametrize("route", list(POST_TABLE))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_post_routes_by_role(client, app, access_world, route, role_index):
    role = ROLES[role_index]
    world = access_world(role)
    response = client.post(route.format(**world), data=_post_data(route, world, app))
    assert response.status_code == POST_TABLE[route][role_index], \
        response.get_data(as_text=True)[:300]
    if response.status_code == 303 and "/findings/" in route and route != "/findings/bulk":
        with app.app_context():
            events = db.session.scalar(db.select(db.func.count(FindingEvent.id)))
            comments = db.session.scalar(db.select(db.func.count()).select_from(
                db.metadata.tables["comments"]))
            assert events + comments >= 1  # every change is on the record


def test_no_route_edits_or_deletes_events(app):
    rules = [r for r in app.url_map.iter_rules() if "event" in r.rule]
    assert rules == []


def test_demo_has_new_fittja_lighting_and_an_empty_task_list(seeded_demo, ctx):
    from app.models import Category, District, Walk

    count = db.session.scalar(
        db.select(db.func.count(Finding.id)).join(Walk).join(District).join(Category)
        .where(District.name == "Fittja", Category.slug == "lighting",
               Finding.status == FindingStatus.NEW))
    assert count >= 4
    fixer = db.session.scalar(db.select(User).where(User.email == "fixer@example.org"))
    from app.findings.queries import my_tasks

    assert my_tasks(db.session, fixer) == []


def test_walk_page_marks_overdue_findings(client, login, make):
    manager = login("manager")
    walk = make.walk(status="completed")
    make.finding(walk, manager, assignee_id=manager, status=FindingStatus.ASSIGNED,
                 due_date=local_today() - timedelta(days=1))
    page = client.get(f"/walks/{walk}").get_data(as_text=True)
    assert 'class="badge badge-overdue">Overdue' in page
