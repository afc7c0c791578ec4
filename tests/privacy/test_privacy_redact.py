"""Masking by hand: who may, what the stored photo looks like after, what the timeline says."""

import io
import json

import pytest
from PIL import Image

from app.extensions import db
from app.media.photos import process_photo, save_photo
from app.models import Finding, FindingEvent, Photo, PhotoKind, WalkStatus
from app.storage import get_storage


def stored_photo(app, finding_id: int, kind=PhotoKind.FINDING) -> int:
    """A busy photo (a gradient with stripes) so a uniform patch can only come from masking."""
    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    for x in range(0, 640, 16):
        image.paste((250, 30, 30), (x, 0, x + 4, 480))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    with app.app_context():
        photo = save_photo(
            db.session, get_storage(), finding=db.session.get(Finding, finding_id),
            processed=process_photo(out.getvalue(), max_bytes=10**7, max_pixels=10**7),
            kind=kind,
        )
        db.session.commit()
        return photo.id


@pytest.fixture
def scene(app, make):
    author = make.user("walker", email="author@example.org", language="sv")
    walk = make.walk(status="in_progress", leader_id=author)
    finding = make.finding(walk, author)
    return {"author": author, "walk": walk, "finding": finding,
            "photo": stored_photo(app, finding)}


def keys(app, photo_id):
    with app.app_context():
        photo = db.session.get(Photo, photo_id)
        return photo.storage_key, photo.thumb_key


def redact(client, photo_id, regions):
    return client.post(f"/photos/{photo_id}/redact",
                       data={"regions": json.dumps(regions)})


REGIONS = [[0.1, 0.1, 0.25, 0.2], [0.55, 0.5, 0.3, 0.35]]


def test_manager_masks_two_regions_old_files_gone_timeline_records_it(app, client, login,
                                                                     scene):
    manager = login("manager", language="sv")
    old = keys(app, scene["photo"])
    response = redact(client, scene["photo"], REGIONS)
    assert response.status_code == 303
    new = keys(app, scene["photo"])
    assert set(new).isdisjoint(old)
    with app.app_context():
        storage = get_storage()
        assert not any(storage.exists(k) for k in old), "the unmasked files must be deleted"
        assert all(storage.exists(k) for k in new)
        event = db.session.scalar(db.select(FindingEvent).where(
            FindingEvent.field == "photo_redacted"))
        assert event.actor_id == manager and event.to_value == "2"
    served = client.get(f"/photos/{scene['photo']}/full.jpg")
    with Image.open(io.BytesIO(served.data)) as image:
        width, height = image.size
        for x, y, w, h in REGIONS:
            # Inside each rectangle (a pixel in from the edge, JPEG blurs the border).
            box = (int(x * width) + 2, int(y * height) + 2,
                   int((x + w) * width) - 2, int((y + h) * height) - 2)
            low, high = image.convert("L").crop(box).getextrema()
            assert high - low <= 6, f"region {box} is not uniform ({low}..{high})"
        # Outside the rectangles the photo is still there.
        low, high = image.convert("L").crop((0, 400, 60, 470)).getextrema()
        assert high - low > 50
    page = client.get(f"/findings/{scene['finding']}").get_data(as_text=True)
    assert "Foto maskerat för hand" in page and "2 områden" in page


def test_author_may_mask_while_the_walk_is_in_progress(app, client, scene, make):
    from tests.conftest import TEST_PASSWORD

    client.post("/login", data={"email": "author@example.org", "password": TEST_PASSWORD})
    assert redact(client, scene["photo"], REGIONS[:1]).status_code == 303
    with app.app_context():
        db.session.get(Finding, scene["finding"]).walk.status = WalkStatus.COMPLETED
        db.session.commit()
    assert redact(client, scene["photo"], REGIONS[:1]).status_code == 403


@pytest.mark.parametrize("role", ["walker", "fixer"])
def test_others_may_not_mask(app, client, login, scene, role):
    user = login(role)
    if role == "fixer":  # a fixer sees the photo only on an assigned finding
        with app.app_context():
            db.session.get(Finding, scene["finding"]).assignee_id = user
            db.session.commit()
    old = keys(app, scene["photo"])
    assert client.get(f"/photos/{scene['photo']}/full.jpg").status_code == 200
    assert redact(client, scene["photo"], REGIONS).status_code == 403
    assert keys(app, scene["photo"]) == old
    page = client.get(f"/findings/{scene['finding']}").get_data(as_text=True)
    assert "redact-form" not in page


@pytest.mark.parametrize("regions", [
    [], [[0.5, 0.5, 0.6, 0.1]], [[-0.2, 0, 0.3, 0.3]], [[0.1, 0.1, 0, 0.2]],
    [["a", 0, 0.1, 0.1]], [[0.1, 0.1, 0.1]], [[0.0, 0.0, 0.1, 0.1]] * 21, "x",
])
def test_bad_rectangles_are_refused_and_nothing_changes(app, client, login, scene, regions):
    login("manager", language="sv")
    old = keys(app, scene["photo"])
    response = redact(client, scene["photo"], regions)
    assert response.status_code == 303
    assert keys(app, scene["photo"]) == old
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in page


def test_anyone_who_sees_the_photo_may_flag_it_and_managers_see_the_flag(app, client, login,
                                                                        scene, make):
    walker = login("walker", language="sv")
    response = client.post(f"/photos/{scene['photo']}/flag")
    assert response.status_code == 303
    with app.app_context():
        photo = db.session.get(Photo, scene["photo"])
        assert photo.blur_flagged_by_id == walker and photo.blur_flagged_at is not None
    assert client.get("/privacy").status_code == 403
    client.post("/logout")
    login("manager", language="sv")
    overview = client.get("/privacy").get_data(as_text=True)
    assert f"#photo-{scene['photo']}" in overview
    page = client.get(f"/findings/{scene['finding']}").get_data(as_text=True)
    assert "Flaggat som inte korrekt maskerat" in page
    # Masking answers the flag.
    redact(client, scene["photo"], REGIONS[:1])
    with app.app_context():
        assert db.session.get(Photo, scene["photo"]).blur_flagged_at is None
    assert f"#photo-{scene['photo']}" not in client.get("/privacy").get_data(as_text=True)


def test_photo_of_a_finding_one_cannot_see_is_404(app, client, login, make):
    author = make.user("walker")
    walk = make.walk(leader_id=author)
    secret = make.finding(walk, author, confidential=True)
    photo = stored_photo(app, secret)
    login("walker")
    assert client.post(f"/photos/{photo}/flag").status_code == 404
    assert redact(client, photo, REGIONS).status_code == 404


@pytest.mark.parametrize("role,privacy_page,may_flag,may_redact", [
    ("walker", 403, 303, 403),
    ("fixer", 403, 303, 403),
    ("manager", 200, 303, 303),
    ("admin", 200, 303, 303),
])
def test_role_table_for_privacy_actions(app, client, login, scene, role, privacy_page,
                                        may_flag, may_redact):
    user = login(role)
    if role == "fixer":
        with app.app_context():
            db.session.get(Finding, scene["finding"]).assignee_id = user
            db.session.commit()
    assert client.get("/privacy").status_code == privacy_page
    assert client.post(f"/photos/{scene['photo']}/flag").status_code == may_flag
    assert redact(client, scene["photo"], REGIONS).status_code == may_redact


def test_comment_photos_cannot_be_reached_by_walkers(app, client, login, scene):
    from app.models import Comment

    with app.app_context():
        comment = Comment(finding_id=scene["finding"], author_id=scene["author"], body="Internt")
        db.session.add(comment)
        db.session.commit()
        comment_id = comment.id
    photo = stored_photo(app, scene["finding"], PhotoKind.COMMENT)
    with app.app_context():
        db.session.get(Photo, photo).comment_id = comment_id
        db.session.commit()
    login("walker")
    assert client.post(f"/photos/{photo}/flag").status_code == 404
    assert redact(client, photo, REGIONS).status_code == 404


def test_masked_photo_is_not_served_from_a_stale_cache(app, client, login, scene):
    login("manager")
    first = client.get(f"/photos/{scene['photo']}/thumb.jpg")
    assert "no-cache" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    assert client.get(f"/photos/{scene['photo']}/thumb.jpg",
                      headers={"If-None-Match": etag}).status_code == 304
    redact(client, scene["photo"], REGIONS)
    after = client.get(f"/photos/{scene['photo']}/thumb.jpg", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.data != first.data
