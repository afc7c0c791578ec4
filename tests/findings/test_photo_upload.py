"""Every real-world photo in ../shared/testdata/photos through the real upload route."""

import io
import uuid

import pytest
from PIL import Image

from app.extensions import db
from app.models import Finding, Photo
from app.storage import get_storage
from tests.conftest import shared_photo

ACCEPTED = [
    "hopper_orientation_3.jpg", "hopper_orientation_6.jpg", "hopper_orientation_8.jpg",
    "empty_gps_ifd.jpg", "exif_gps.jpg", "exif_gps_typeerror.jpg", "flower.jpg", "iptc.jpg",
    "pil_sample_cmyk.jpg", "hopper_16bit_qtables.jpg", "hopper.png", "hopper.webp",
]
REJECTED = ["truncated_jpeg.jpg", "decompression_bomb.gif"]


def post_photo(client, walk, category_id, name, data: bytes):
    form = {
        "uuid": str(uuid.uuid4()), "category_id": category_id, "severity": "urgent",
        "place_type": "garage", "unsafe_rating": "3", "building_id": "0",
        "description": "Mörkt garage, lampan trasig", "photos": [(io.BytesIO(data), name)],
    }
    return client.post(f"/walks/{walk}/findings/new", data=form,
                       content_type="multipart/form-data")


@pytest.fixture
def walk(login, make):
    walker = login("walker")
    return make.walk(leader_id=walker)


@pytest.mark.parametrize("name", ACCEPTED)
def test_real_photo_is_accepted_upright_and_without_metadata(client, make, walk, app, name):
    raw = shared_photo(name).read_bytes()
    response = post_photo(client, walk, make.category_id("lighting"), name, raw)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        photo = db.session.scalar(db.select(Photo))
        stored = get_storage().read(photo.storage_key)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert not image.getexif(), "stored copy must carry no EXIF"
    assert "exif" not in image.info and "xmp" not in image.info
    assert not any(k.startswith("photoshop") for k in image.info)
    assert max(image.size) <= 1600
    assert (photo.width, photo.height) == image.size
    if name in ("hopper_orientation_6.jpg", "hopper_orientation_8.jpg"):
        with Image.open(shared_photo(name)) as original:
            assert image.size == (original.size[1], original.size[0])


def test_orientation_6_is_stored_upright(client, make, walk, app):
    """hopper_orientation_6 stores its pixels rotated; upright it must look like hopper."""
    raw = shared_photo("hopper_orientation_6.jpg").read_bytes()
    post_photo(client, walk, make.category_id(), "o6.jpg", raw)
    with app.app_context():
        stored = get_storage().read(db.session.scalar(db.select(Photo)).storage_key)
    def small(source) -> bytes:
        with Image.open(source) as im:
            return im.convert("L").resize((16, 16)).tobytes()

    upright = small(io.BytesIO(stored))
    reference = small(shared_photo("hopper.png"))
    rotated = small(shared_photo("hopper_orientation_6.jpg"))  # the pixels as encoded
    diff = sum(abs(a - b) for a, b in zip(upright, reference, strict=True))
    diff_raw = sum(abs(a - b) for a, b in zip(rotated, reference, strict=True))
    assert diff < diff_raw / 2


@pytest.mark.parametrize("name", REJECTED)
def test_broken_photo_is_refused_with_message_and_fields_kept(client, make, walk, app, name):
    raw = shared_photo(name).read_bytes()
    response = post_photo(client, walk, make.category_id("lighting"), name, raw)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mörkt garage, lampan trasig" in page  # what the walker typed is still there
    assert 'class="error"' in page
    assert 'value="urgent" checked' in page or 'checked value="urgent"' in page \
        or ('value="urgent"' in page and "checked" in page)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Photo.id))) == 0
    uploads = app.config["UPLOAD_FOLDER"]
    import os

    assert not os.path.exists(uploads) or not any(files for _, _, files in os.walk(uploads))


def test_generated_bomb_and_truncated_are_refused_without_shared_data(client, make, walk, app):
    """The same cases as the shared files, made here, so a user's clone tests them too."""
    out = io.BytesIO()
    Image.new("RGB", (2000, 1500), (10, 120, 200)).save(out, "JPEG", quality=90)
    truncated = out.getvalue()[: len(out.getvalue()) // 2]
    bomb = b"GIF89a" + (65535).to_bytes(2, "little") * 2 + b"\x00\x00\x00" + b"\x3b"
    for name, data in (("half.jpg", truncated), ("bomb.gif", bomb)):
        response = post_photo(client, walk, make.category_id(), name, data)
        assert response.status_code == 422, name
        assert "Mörkt garage, lampan trasig" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0
