"""Capture on the phone, server side (issue 8): EXIF fields sent beside a downscaled photo,
where the position came from, refused photos and requests over the size limit."""

import io
import os
import re
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Finding, Photo
from tests.api.test_api import body, jpeg_bytes, post_photo


@pytest.fixture
def walker_walk(login, make):
    walker = login("walker")
    district = make.district()
    walk = make.walk(district, leader_id=walker)
    return walker, district, walk


def exif_photo(client, finding_id, data, **fields):
    form = {"photo": (io.BytesIO(data), "IMG_0001.jpg"), "client_uuid": str(uuid.uuid4())}
    form.update({k: str(v) for k, v in fields.items()})
    return client.post(f"/api/v1/findings/{finding_id}/photos", data=form,
                       content_type="multipart/form-data")


def test_exif_read_on_the_phone_places_a_finding_without_a_position(
    client, walker_walk, make, app
):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    response = exif_photo(client, finding["id"], jpeg_bytes(), exif_latitude=59.2481,
                          exif_longitude=17.8622, exif_direction=271.5,
                          exif_taken_at="2026:11:30 17:05:12")
    assert response.status_code == 201
    with app.app_context():
        stored = db.session.get(Finding, finding["id"])
        assert (stored.latitude, stored.longitude) == (59.2481, 17.8622)
        assert stored.position_source.value == "photo"
        [photo] = stored.photos
        assert photo.gps_direction == 271.5
        # 17:05 in Stockholm in winter is 16:05 UTC.
        assert photo.taken_at == datetime(2026, 11, 30, 16, 5, 12, tzinfo=UTC)
    page = client.get(f"/findings/{finding['id']}")
    assert "position från fotot" in page.text
    assert "EXIF" not in page.text  # jargon on a walker's screen


def test_a_good_phone_fix_wins_over_the_photo_and_a_poor_one_gives_way(
    client, walker_walk, make, app
):
    _, _, walk = walker_walk
    good = client.post(f"/api/v1/walks/{walk}/findings", json=body(
        make.category_id(), latitude=59.2472, longitude=17.8610, accuracy_m=8)).json
    poor = client.post(f"/api/v1/walks/{walk}/findings", json=body(
        make.category_id(), latitude=59.2472, longitude=17.8610, accuracy_m=900)).json
    for finding in (good, poor):
        assert exif_photo(client, finding["id"], jpeg_bytes(), exif_latitude=59.25,
                          exif_longitude=17.87).status_code == 201
    with app.app_context():
        kept = db.session.get(Finding, good["id"])
        kept_as = (kept.latitude, kept.accuracy_m, kept.position_source.value)
        assert kept_as == (59.2472, 8, "device")
        moved = db.session.get(Finding, poor["id"])
        moved_as = (moved.latitude, moved.accuracy_m, moved.position_source.value)
        assert moved_as == (59.25, None, "photo")
    assert "från telefonens GPS" in client.get(f"/findings/{good['id']}").text


@pytest.mark.parametrize("fields", [
    {"exif_latitude": "nan", "exif_longitude": "17.8"},
    {"exif_latitude": "91", "exif_longitude": "17.8"},
    {"exif_latitude": "59.2"},
    {"exif_taken_at": "1999:99:99 99:99:99", "exif_direction": "-5"},
])
def test_unusable_exif_fields_are_ignored(client, walker_walk, make, app, fields):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    assert exif_photo(client, finding["id"], jpeg_bytes(), **fields).status_code == 201
    with app.app_context():
        stored = db.session.get(Finding, finding["id"])
        assert stored.latitude is None and stored.position_source is None
        [photo] = stored.photos
        assert photo.taken_at is None and photo.gps_direction is None


def test_a_refused_photo_says_photo_rejected_and_the_finding_stays(client, walker_walk, make, app):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    response = post_photo(client, finding["id"], svg, str(uuid.uuid4()), name="lampa.jpg")
    assert response.status_code == 422
    assert response.json["code"] == response.json["error"] == "photo_rejected"
    assert response.json["reason"] == "unsupported" and response.json["field"] == "photo"
    assert client.get(f"/api/v1/walks/{walk}").json["finding_count"] == 1


@pytest.fixture
def small_limit(app):
    before = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    yield
    app.config["MAX_CONTENT_LENGTH"] = before


def noise_jpeg(size) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "JPEG", quality=95)
    return out.getvalue()


def test_api_photo_over_the_request_limit_is_413_too_large(client, walker_walk, make, small_limit):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    data = noise_jpeg((300, 300)) * 2
    assert 100_000 < len(data) < 400_000
    response = post_photo(client, finding["id"], data, str(uuid.uuid4()))
    assert response.status_code == 413
    assert response.json["code"] == response.json["error"] == "too_large"
    assert "kB" in response.json["message"]


def test_form_over_the_request_limit_comes_back_with_the_text_kept(
    client, walker_walk, make, app, small_limit
):
    _, _, walk = walker_walk
    category = make.category_id()
    data = {
        "uuid": str(uuid.uuid4()), "category_id": str(category), "severity": "high",
        "unsafe_rating": "3", "place_type": "entrance", "building_id": "0",
        "description": "Trasig belysning vid port 3",
        "photos": [(io.BytesIO(noise_jpeg((200, 200))), f"p{i}.jpg") for i in range(3)],
    }
    response = client.post(f"/walks/{walk}/findings/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 413
    page = response.text
    assert "Trasig belysning vid port 3" in page
    assert "för stora tillsammans" in page
    checked = rf'<input[^>]*checked[^>]*value="{category}"|value="{category}"[^>]*checked'
    assert re.search(checked, page)
    with app.app_context():
        assert db.session.scalar(select(Finding)) is None
        assert db.session.scalar(select(Photo)) is None


def test_plain_form_refused_for_a_missing_category_says_to_choose_the_photos_again(
    client, walker_walk, app
):
    _, _, walk = walker_walk
    response = client.post(f"/walks/{walk}/findings/new", data={
        "uuid": str(uuid.uuid4()), "severity": "medium", "unsafe_rating": "2",
        "description": "Mörkt", "photos": [(io.BytesIO(jpeg_bytes()), "a.jpg")],
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Välj en kategori." in response.text
    assert "välj fotona igen" in response.text
    assert "Mörkt" in response.text


def test_favicon(client):
    response = client.get("/favicon.ico")
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
