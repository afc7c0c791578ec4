"""Size limits said the way people read them, and honestly (issue 21 point 8): a limit under
1 MiB said "högst 0 MB", and a plain form far over the limit said "din text finns kvar" on a
page that had lost the text."""

import io
import os
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from app.extensions import db
from app.models import Finding, Photo
from tests.api.test_api import body, post_photo

LIMIT = 100_000  # 97.7 KiB: "0 MB" before


@pytest.fixture
def small_limit(app):
    before = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    yield
    app.config["MAX_CONTENT_LENGTH"] = before


@pytest.fixture
def walker_walk(login, make):
    walker = login("walker")
    return make.walk(make.district(), leader_id=walker)


def noise_jpeg(side: int) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "JPEG",
                                                                          quality=95)
    return out.getvalue()


def post_unread(client, url: str, data: dict):
    """A multipart POST over 500 kB: werkzeug's test client spools its body to a temporary
    file, which stays open when the app answers without reading it (as it does here)."""
    environ = EnvironBuilder(path=url, method="POST", data=data).get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def finding_form(category: int, photos: list[bytes]) -> dict:
    return {
        "uuid": str(uuid.uuid4()), "category_id": str(category), "severity": "high",
        "unsafe_rating": "3", "place_type": "entrance", "building_id": "0",
        "description": "Trasig belysning vid port 3",
        "photos": [(io.BytesIO(data), f"p{i}.jpg") for i, data in enumerate(photos)],
    }


@pytest.mark.parametrize("size, swedish, english", [
    (100, "100 byte", "100 bytes"),
    (1024, "1 kB", "1 kB"),
    (LIMIT, "97 kB", "97 kB"),
    (500 * 1024, "500 kB", "500 kB"),
    (1024 * 1024 - 1, "1 023 kB", "1,023 kB"),
    (1024 * 1024, "1 MB", "1 MB"),
    (1536 * 1024, "1,5 MB", "1.5 MB"),
    (15 * 1024 * 1024, "15 MB", "15 MB"),
    (100 * 1024 * 1024, "100 MB", "100 MB"),
    (3 * 1024 ** 3 // 2, "1,5 GB", "1.5 GB"),
])
def test_a_size_is_written_in_the_readers_language_and_never_0_mb(app, size, swedish, english):
    from app.i18n import human_size

    for language, expected in (("sv", swedish), ("en", english)):
        with app.test_request_context(headers={"Accept-Language": language}):
            # Babel writes Swedish thousands with a no-break space; the unit stays on the line.
            assert human_size(size).replace("\u00a0", " ") == expected
            assert "\u00a0" in human_size(size)


def test_a_limit_rounds_down_so_it_never_promises_more(app):
    from app.i18n import human_size

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert human_size(1024 * 1024 * 2 - 1) == "1,9\u00a0MB"
        assert human_size(2047) == "1\u00a0kB"


def test_api_over_a_limit_under_1_mib_names_it_in_kb(client, walker_walk, make, small_limit):
    finding = client.post(f"/api/v1/walks/{walker_walk}/findings",
                          json=body(make.category_id())).json
    response = post_photo(client, finding["id"], noise_jpeg(300) * 2, str(uuid.uuid4()))
    assert response.status_code == 413
    message = response.json["message"]
    assert "högst 97\u00a0kB åt gången" in message and "0 MB" not in message


def test_form_a_little_over_the_limit_keeps_the_text_and_names_the_limit(
        client, walker_walk, make, app, small_limit):
    data = finding_form(make.category_id(), [noise_jpeg(200) for _ in range(3)])
    response = client.post(f"/walks/{walker_walk}/findings/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Trasig belysning vid port 3" in response.text  # it is on the page again
    assert "högst 97\u00a0kB åt gången" in response.text
    assert "din text finns kvar" in response.text
    assert "0 MB" not in response.text


def test_form_far_over_the_limit_says_the_text_was_not_saved_and_to_go_back(
        client, walker_walk, make, app, small_limit):
    """Its body is not read at all: the page cannot have the text, so it must not say it is
    kept. The browser's back button usually still has it."""
    data = finding_form(make.category_id(), [noise_jpeg(400) for _ in range(6)])
    response = post_unread(client, f"/walks/{walker_walk}/findings/new", data)
    assert response.status_code == 413
    page = response.text
    assert "din text finns kvar" not in page
    assert "Trasig belysning vid port 3" not in page
    assert "Inget sparades, inte heller din text" in page
    assert "större än 97\u00a0kB åt gången" in page
    assert "webbläsarens bakåtknapp" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Finding.id))) == 0
        assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_any_other_form_over_the_limit_says_nothing_was_saved(client, login, small_limit):
    login("admin")
    response = client.post("/admin/surveys/import", data={
        "file": (io.BytesIO(b"district,year\n" + b"x" * LIMIT), "enkat.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Inget sparades, inte heller din text" in response.text
    assert "97\u00a0kB" in response.text and "0 MB" not in response.text


def test_a_photo_over_its_own_limit_names_it_in_swedish(client, walker_walk, make, app):
    before = app.config["MAX_PHOTO_BYTES"]
    app.config["MAX_PHOTO_BYTES"] = 300 * 1024
    try:
        finding = client.post(f"/api/v1/walks/{walker_walk}/findings",
                              json=body(make.category_id())).json
        response = post_photo(client, finding["id"], noise_jpeg(600), str(uuid.uuid4()))
    finally:
        app.config["MAX_PHOTO_BYTES"] = before
    assert response.status_code == 422
    assert response.json["reason"] == "too_large"
    assert "Fotot är för stort (högst 300\u00a0kB)" in response.json["message"]


def test_the_forms_state_their_limits(client, login, walker_walk, app):
    capture = client.get(f"/walks/{walker_walk}/findings/new").text
    assert "högst 15\u00a0MB per foto" in capture
    login("admin")
    assert "Högst 256\u00a0kB." in client.get("/admin/surveys").text
