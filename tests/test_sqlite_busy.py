"""SQLite's write lock under concurrent uploads (issue 21, point 2): another connection holds
the lock, as a second phone's request does, and what a user sees is checked. The login loader
of a POST reads without the lock; a photo is decoded, blurred and written with no transaction
open; a write that cannot get the lock is 503 + Retry-After ("busy"), never a 500, and a plain
form's text comes back on the busy page."""

import io
import os
import sqlite3
import uuid
from contextlib import contextmanager

import pytest

from app import sqlite_tuning
from app.extensions import db
from app.media import photos as photo_service
from app.models import Finding, Photo
from app.storage import LocalStorage
from tests.api.test_api import jpeg_bytes

# Threads of the app and a connection of the test's own: rows must be committed.
pytestmark = pytest.mark.committed


@pytest.fixture
def sqlite_file(app, monkeypatch):
    if app.config["DB_KIND"] != "sqlite":
        pytest.skip("SQLite's write lock")
    # A waiting write gives up after 0.3 s instead of 5 s: the tests wait less, nothing else.
    monkeypatch.setattr(sqlite_tuning, "BUSY_TIMEOUT_MS", 300, raising=False)
    with app.app_context():
        db.engine.dispose()  # new connections, with that busy_timeout
        path = db.engine.url.database
    yield path
    monkeypatch.undo()
    with app.app_context():
        db.engine.dispose()


@contextmanager
def write_lock_held(path: str):
    """Another connection holds SQLite's write lock (as a request in another worker does)."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.rollback()
        other.close()


def lock_is_free(path: str) -> bool:
    """Whether another connection could take the write lock right now."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def walker(login):
    return login("walker")


@pytest.fixture
def walk(walker, make):
    return make.walk(leader_id=walker)


def test_the_login_loader_of_a_post_does_not_wait_for_the_write_lock(client, walk, sqlite_file):
    # A POST refused before it writes (no category) is answered although another request
    # holds the lock: loading the logged-in user only reads.
    with write_lock_held(sqlite_file):
        response = client.post(f"/api/v1/walks/{walk}/findings", json={"description": "x"})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.json["field"] == "category_id"


def test_a_finding_that_cannot_get_the_lock_is_503_busy_and_can_be_sent_again(
        app, client, walk, make, sqlite_file):
    body = {"uuid": str(uuid.uuid4()), "category_id": make.category_id(),
            "description": "Trasig lampa vid porten"}
    with write_lock_held(sqlite_file):
        response = client.post(f"/api/v1/walks/{walk}/findings", json=body)
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"] == "2"
    assert response.json["code"] == "busy" and response.json["error"] == "busy"
    assert response.json["message"]
    assert count(app, Finding) == 0
    again = client.post(f"/api/v1/walks/{walk}/findings", json=body)
    assert again.status_code == 201
    assert count(app, Finding) == 1


def test_no_write_lock_is_held_while_a_photo_is_processed_and_stored(
        client, walker, walk, make, sqlite_file, monkeypatch):
    finding = make.finding(walk, walker)
    free: dict[str, bool] = {}
    process, save = photo_service.process_upload, LocalStorage.save

    def processing(data):
        free["while decoding and blurring"] = lock_is_free(sqlite_file)
        return process(data)

    def saving(self, key, data, *args, **kwargs):
        free.setdefault("while writing the files", lock_is_free(sqlite_file))
        return save(self, key, data, *args, **kwargs)

    monkeypatch.setattr(photo_service, "process_upload", processing)
    monkeypatch.setattr(LocalStorage, "save", saving)
    response = client.post(f"/api/v1/findings/{finding}/photos", data={
        "client_uuid": str(uuid.uuid4()), "photo": (io.BytesIO(jpeg_bytes()), "p.jpg")})
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert free == {"while decoding and blurring": True, "while writing the files": True}


def test_a_photo_that_cannot_get_the_lock_is_503_and_leaves_no_file(
        app, client, walker, walk, make, sqlite_file):
    finding = make.finding(walk, walker)
    with write_lock_held(sqlite_file):
        response = client.post(f"/api/v1/findings/{finding}/photos", data={
            "client_uuid": str(uuid.uuid4()), "photo": (io.BytesIO(jpeg_bytes()), "p.jpg")})
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"] == "2"
    assert response.json["code"] == "busy"
    assert count(app, Photo) == 0
    folder = app.config["UPLOAD_FOLDER"]
    assert not [f for _, _, files in os.walk(folder) for f in files]


def test_a_plain_form_that_cannot_get_the_lock_keeps_the_text_on_a_busy_page(
        client, walk, make, sqlite_file):
    form = {"category_id": str(make.category_id()), "severity": "high",
            "description": "Mörk passage under bron, lampan trasig sedan i somras",
            "uuid": str(uuid.uuid4())}
    with write_lock_held(sqlite_file):
        response = client.post(f"/walks/{walk}/findings/new", data=form,
                               headers={"Accept-Language": "sv"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    page = response.get_data(as_text=True)
    assert "Servern är upptagen" in page
    assert ">Mörk passage under bron, lampan trasig sedan i somras</textarea>" in page
    assert f'action="/walks/{walk}/findings/new"' in page
    assert 'name="severity" value="high"' in page
    assert "Skicka igen" in page
