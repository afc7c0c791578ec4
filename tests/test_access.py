"""Who may open what: a table of role × route for the walk screens (issue 2)."""

import io

import pytest
from PIL import Image

from app.extensions import db
from app.models import PhotoKind
from app.services.photos import process_photo, save_photo
from app.storage import get_storage

ROLES = ["anonymous", "walker", "fixer", "manager", "admin"]

# route template → expected status per role (anonymous is redirected to the login page)
TABLE = {
    "/walks/mine": [302, 200, 404, 200, 200],
    "/walks": [302, 404, 404, 200, 200],
    "/walks/new": [302, 403, 403, 200, 200],
    "/walks/{walk}": [302, 200, 404, 200, 200],
    "/walks/{walk}/findings/new": [302, 200, 404, 200, 200],
    "/walks/{walk}/complete": [302, 200, 404, 200, 200],
    "/findings/{finding}": [302, 200, 404, 200, 200],
    "/findings/{secret}": [302, 404, 404, 200, 200],
    "/photos/{secret_photo}/full.jpg": [302, 404, 404, 200, 200],
    "/photos/{secret_photo}/thumb.jpg": [302, 404, 404, 200, 200],
    "/findings/{finding}/edit": [302, 403, 404, 200, 200],
    "/admin/categories": [302, 404, 404, 404, 200],
    "/settings": [302, 200, 200, 200, 200],
    # the safety programme (issue 14): staff record measures, admins plan, managers read
    "/measures": [302, 404, 404, 200, 200],
    "/programme": [302, 404, 404, 200, 200],
    "/programme/districts/{district}": [302, 404, 404, 200, 200],
    "/programme/districts/{district}/analysis.pdf": [302, 404, 404, 200, 200],
    "/admin/measure-types": [302, 404, 404, 404, 200],
    "/admin/plans": [302, 404, 404, 404, 200],
}


@pytest.fixture
def world(app, make):
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


def test_counts_on_walk_pages_leave_out_findings_the_viewer_may_not_see(client, login, world):
    login("walker")
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
