"""Who may open what: a table of role × route for the walk screens (issue 2)."""

import io

import pytest
from PIL import Image

from app.extensions import db
from app.media.photos import process_photo, save_photo
from app.models import PhotoKind
from app.storage import get_storage
from tests.conftest import shared_rows

ROLES = ["anonymous", "walker", "fixer", "manager", "admin"]

# route template → expected status per role (anonymous is redirected to the login page)
TABLE = {
    "/walks/mine": [302, 200, 404, 200, 200],
    "/walks": [302, 404, 404, 200, 200],
    "/walks/new": [302, 403, 403, 200, 200],
    "/walks/{walk}": [302, 200, 404, 200, 200],
    # The walker here has no part in the walk (see OWNERSHIP below for those who do).
    "/walks/{walk}/findings/new": [302, 403, 404, 200, 200],
    "/walks/{walk}/complete": [302, 303, 404, 200, 200],
    "/findings/{finding}": [302, 200, 404, 200, 200],
    "/findings/{secret}": [302, 404, 404, 200, 200],
    "/photos/{secret_photo}/full.jpg": [302, 404, 404, 200, 200],
    "/photos/{secret_photo}/thumb.jpg": [302, 404, 404, 200, 200],
    "/findings/{finding}/edit": [302, 403, 404, 200, 200],
    "/admin/categories": [302, 404, 404, 404, 200],
    "/settings": [302, 200, 200, 200, 200],
    "/settings/two-factor": [302, 200, 200, 200, 200],
    "/admin/users": [302, 404, 404, 404, 200],
    "/admin/users/invite": [302, 404, 404, 404, 200],
    "/admin/users/{author}": [302, 404, 404, 404, 200],
    "/admin/audit": [302, 404, 404, 404, 200],
    # the safety programme (issue 14): staff record measures, admins plan, managers read
    "/measures": [302, 404, 404, 200, 200],
    "/programme": [302, 404, 404, 200, 200],
    "/programme/districts/{district}": [302, 404, 404, 200, 200],
    "/programme/districts/{district}/analysis.pdf": [302, 404, 404, 200, 200],
    "/admin/measure-types": [302, 404, 404, 404, 200],
    "/admin/plans": [302, 404, 404, 404, 200],
}


@shared_rows
def world(app, make):
    """A walk with a finding and a confidential finding with a photo: made once for the
    module, each test's changes rolled back."""
    author = make.user("walker", email="author@example.org")
    walk = make.walk(status="in_progress")
    finding = make.finding(walk, author)
    secret = make.finding(walk, author, confidential=True)
    with app.app_context():
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (1, 2, 3)).save(out, "JPEG")
        from app.models import Finding

        secret_row = db.session.get(Finding, secret)
        photo = save_photo(
            db.session, get_storage(), finding=secret_row,
            processed=process_photo(out.getvalue(), max_bytes=10**7, max_pixels=10**7),
            kind=PhotoKind.FINDING,
        )
        db.session.commit()
        photo_id = photo.id
        from app.models import Walk

        district = db.session.get(Walk, walk).district_id
    return {"walk": walk, "finding": finding, "secret": secret, "secret_photo": photo_id,
            "author": author, "district": district}


@pytest.mark.parametrize("route", list(TABLE))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_role_route_table(client, login, make, world, route, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        user_id = login(role)
        if role == "fixer":
            # Even a fixer assigned to the confidential finding may not open it.
            with client.application.app_context():
                from app.models import Finding

                db.session.get(Finding, world["secret"]).assignee_id = user_id
                db.session.commit()
    response = client.get(route.format(**world))
    assert response.status_code == TABLE[route][role_index]


def test_author_sees_own_confidential_finding_and_photo(client, world, app):
    from tests.conftest import TEST_PASSWORD

    client.post("/login", data={"email": "author@example.org", "password": TEST_PASSWORD})
    assert client.get(f"/findings/{world['secret']}").status_code == 200
    assert client.get(f"/photos/{world['secret_photo']}/full.jpg").status_code == 200


def test_confidential_finding_is_not_listed_for_other_walkers(client, login, world, app):
    with app.app_context():
        from app.models import Finding

        db.session.get(Finding, world["secret"]).description = "Langning i källaren"
        db.session.commit()
    login("walker")
    page = client.get(f"/walks/{world['walk']}").get_data(as_text=True)
    assert "Langning i källaren" not in page


def test_counts_on_walk_pages_leave_out_findings_the_viewer_may_not_see(client, login, world,
                                                                          app):
    walker = login("walker")
    with app.app_context():
        from app.models import Walk

        db.session.get(Walk, world["walk"]).leader_id = walker
        db.session.commit()
    walk_page = client.get(f"/walks/{world['walk']}").get_data(as_text=True)
    assert '<span id="finding-count">1</span>' in walk_page
    summary = client.get(f"/walks/{world['walk']}/complete").get_data(as_text=True)
    assert "<dd>1</dd>" in summary and "<strong>1</strong>" in summary


def test_comment_photos_are_for_staff_only(client, login, make, world, app):
    with app.app_context():
        from app.models import Comment, Finding

        finding = db.session.get(Finding, world["finding"])
        comment = Comment(finding=finding, author_id=world["author"], body="Internt")
        db.session.add(comment)
        db.session.flush()
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (9, 9, 9)).save(out, "JPEG")
        photo = save_photo(
            db.session, get_storage(), finding=finding, comment_id=comment.id,
            processed=process_photo(out.getvalue(), max_bytes=10**7, max_pixels=10**7),
            kind=PhotoKind.COMMENT,
        )
        db.session.commit()
        photo_id = photo.id
    login("walker")
    assert client.get(f"/photos/{photo_id}/full.jpg").status_code == 404
    assert f"/photos/{photo_id}/" not in client.get(f"/walks/{world['walk']}").get_data(
        as_text=True)
    api = client.get(f"/api/v1/walks/{world['walk']}").get_json()
    assert all(p["id"] != photo_id for f in api["findings"] for p in f["photos"])
    client.post("/logout")
    login("manager")
    assert client.get(f"/photos/{photo_id}/full.jpg").status_code == 200


# --- walk ownership (issue 10) ---------------------------------------------------------------
# Who may capture on a walk: its leader, its participants with an account, walkers of its
# district, managers and admins. Anyone else (here: a walker of another district) may only
# look at it.

IDENTITIES = ["other_district", "participant", "district_walker", "leader", "manager", "admin"]
OWNERSHIP = {
    "start": [False, True, True, True, True, True],
    "complete": [False, True, True, True, True, True],
    "add_finding_api": [False, True, True, True, True, True],
    "capture_form": [False, True, True, True, True, True],
    "listed_in_api": [False, True, True, True, True, True],
    "listed_in_mine": [False, True, True, True, False, False],
}


@pytest.fixture
def owned(app, make):
    from app.models import District, ParticipantRole, User, Walk, WalkParticipant

    home, elsewhere = make.district("Hemdistrikt"), make.district("Annat distrikt")
    users = {name: make.user("walker", name=name) for name in IDENTITIES[:4]}
    users["manager"], users["admin"] = make.user("manager"), make.user("admin")
    planned = make.walk(home, status="planned", title="Planerad vandring")
    running = make.walk(home, status="in_progress", title="Pågående vandring")
    with app.app_context():
        db.session.get(User, users["other_district"]).districts = [db.session.get(
            District, elsewhere)]
        db.session.get(User, users["district_walker"]).districts = [db.session.get(
            District, home)]
        for walk_id in (planned, running):
            walk = db.session.get(Walk, walk_id)
            walk.leader_id = users["leader"]
            walk.participants = [WalkParticipant(name="P", role=ParticipantRole.TENANT,
                                                 user_id=users["participant"])]
        db.session.commit()
    return {"users": users, "planned": planned, "running": running}


def _login_as(client, app, user_id):
    from app.models import User
    from tests.conftest import log_in_as

    with app.app_context():
        email = db.session.get(User, user_id).email
    log_in_as(client, email)


def _walk_status(app, walk_id):
    from app.models import Walk

    with app.app_context():
        return db.session.get(Walk, walk_id).status.value


@pytest.mark.parametrize("action", list(OWNERSHIP))
@pytest.mark.parametrize("who", range(len(IDENTITIES)), ids=IDENTITIES)
def test_walk_ownership_table(client, app, make, owned, action, who):
    _login_as(client, app, owned["users"][IDENTITIES[who]])
    allowed = OWNERSHIP[action][who]
    running, planned = owned["running"], owned["planned"]
    if action == "start":
        client.post(f"/walks/{planned}/start")
        assert (_walk_status(app, planned) == "in_progress") is allowed
    elif action == "complete":
        client.post(f"/walks/{running}/complete", data={"notes": ""})
        assert (_walk_status(app, running) == "completed") is allowed
    elif action == "add_finding_api":
        response = client.post(f"/api/v1/walks/{running}/findings",
                               json={"category_id": make.category_id()})
        assert response.status_code == (201 if allowed else 403)
        if not allowed:
            assert response.json["code"] == "forbidden"
    elif action == "capture_form":
        response = client.get(f"/walks/{running}/findings/new")
        assert response.status_code == (200 if allowed else 403)
        page = client.get(f"/walks/{running}").get_data(as_text=True)
        assert (f"/walks/{running}/findings/new" in page) is allowed
    elif action == "listed_in_api":
        walks = client.get("/api/v1/walks").json["walks"]
        assert (running in [w["id"] for w in walks]) is allowed
        if allowed:
            listed = next(w for w in walks if w["id"] == running)
            assert listed["can_add_finding"] is True
    elif action == "listed_in_mine":
        assert ("Pågående vandring" in client.get("/walks/mine").get_data(as_text=True)
                ) is allowed


def _complete(app, walk_id, when):
    from app.models import Walk, WalkStatus

    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        walk.status, walk.completed_at = WalkStatus.COMPLETED, when
        db.session.commit()


@pytest.mark.parametrize(
    "who, captured, completed_ago_h, status",
    [
        ("leader", -10, 1, 201),            # captured before completion: accepted
        ("participant", -10, 1, 201),
        ("leader", +10, 1, 403),            # captured after completion: refused
        ("leader", None, 1, 403),           # no capture time: refused as before
        ("leader", -10, 24 * 8, 403),       # beyond the grace period (7 days)
        ("other_district", -10, 1, 403),    # not on this walk
    ],
)
def test_queued_finding_survives_someone_else_completing_the_walk(
    client, app, make, owned, who, captured, completed_ago_h, status
):
    from datetime import UTC, datetime, timedelta

    completed = datetime.now(UTC) - timedelta(hours=completed_ago_h)
    _complete(app, owned["running"], completed)
    _login_as(client, app, owned["users"][who])
    data = {"category_id": make.category_id(), "uuid": "8b0c8a3e-2f7c-4a8e-9a43-0c1d2e3f4a5b"}
    if captured is not None:
        data["captured_at"] = (completed + timedelta(minutes=captured)).isoformat()
    response = client.post(f"/api/v1/walks/{owned['running']}/findings", json=data)
    assert response.status_code == status, response.json


def test_participant_written_as_an_account_email_is_linked(client, app, login, make):
    from app.models import Walk

    partner = make.user("walker", email="Kim@Example.org", name="Kim")
    login("manager")
    district = make.district()
    response = client.post("/walks/new", data={
        "district_id": district, "title": "Med konto", "planned_date": "2030-01-01",
        "planned_time": "18:00", "light_condition": "dark", "leader_id": 0,
        "participants-0-name": "kim@example.org", "participants-0-role": "tenant",
        "participants-1-name": "Hyresgäst utan konto", "participants-1-role": "tenant",
    })
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        walk = db.session.scalar(db.select(Walk).where(Walk.title == "Med konto"))
        linked = [(p.name, p.user_id) for p in walk.participants]
    assert linked == [("Kim", partner), ("Hyresgäst utan konto", None)]


# --- rules moved into policy.py (issue 9) ------------------------------------------------------


@pytest.mark.parametrize("role,shown", [("walker", False), ("fixer", False),
                                        ("manager", True), ("admin", True)])
def test_free_status_form_is_for_managers(client, login, world, app, role, shown):
    """choose_status: a fixer may move their task on (the start/fixed buttons), but the form
    with any status, reasons and referrals is the managers'."""
    user_id = login(role)
    with app.app_context():
        from app.models import Finding, FindingStatus

        finding = db.session.get(Finding, world["finding"])
        finding.status = FindingStatus.ASSIGNED
        finding.assignee_id = user_id if role == "fixer" else None
        db.session.commit()
    page = client.get(f"/findings/{world['finding']}")
    assert page.status_code == 200
    assert ('id="status"' in page.get_data(as_text=True)) is shown


@pytest.mark.parametrize("role,home", [("walker", "/walks/mine"), ("fixer", "/tasks"),
                                       ("manager", "/walks"), ("admin", "/walks")])
def test_each_role_lands_on_its_own_page(client, make, role, home):
    from tests.conftest import TEST_PASSWORD

    make.user(role, email=f"home-{role}@example.org")
    response = client.post("/login", data={"email": f"home-{role}@example.org",
                                           "password": TEST_PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(home)


def test_fixers_and_inactive_users_cannot_lead_a_walk(client, login, make):
    make.user("fixer", name="Fia Fixare")
    resting = make.user("walker", name="Ville Vilande")
    make.user("walker", name="Vera Vandrare")
    with client.application.app_context():
        from app.models import User

        db.session.get(User, resting).active = False
        db.session.commit()
    login("manager")
    page = client.get("/walks/new").get_data(as_text=True)
    assert "Vera Vandrare" in page
    assert "Fia Fixare" not in page and "Ville Vilande" not in page
