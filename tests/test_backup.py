"""flask backup / flask restore (issue 10): a backup taken while findings with photos are
being written, restored into an empty instance, has every finding and every photo, served.

SQLite always; PostgreSQL when TEST_DATABASE_URL is set and pg_dump/pg_restore are there
(restoring into a scratch database made and dropped here)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import threading
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import backup as backup_module
from app import create_app
from app.extensions import db
from app.media.photos import process_photo, save_photo
from app.models import Finding, Photo, PhotoKind
from app.storage import commit_or_discard, get_storage
from tests.conftest import TEST_PASSWORD

# A backup reads on its own connections while threads write: committed rows.
pytestmark = pytest.mark.committed


def _jpeg(n: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (96, 64), (n * 37 % 256, n * 11 % 256, 90)).save(out, "JPEG")
    return out.getvalue()


def _write(app, walk_id, author_id, category_id, stop, made, errors):
    """Insert findings, each with a photo, until told to stop (the write load)."""
    try:
        with app.app_context():
            storage, n = get_storage(), 0
            while not stop.is_set():
                n += 1
                finding = Finding(uuid=str(uuid.uuid4()), walk_id=walk_id, author_id=author_id,
                                  category_id=category_id, description=f"Under backup {n}")
                db.session.add(finding)
                db.session.flush()
                photo = save_photo(
                    db.session, storage, finding=finding, kind=PhotoKind.FINDING,
                    processed=process_photo(_jpeg(n), max_bytes=10**7, max_pixels=10**7))
                commit_or_discard(db.session, [photo.storage_key, photo.thumb_key])
                made.append(finding.uuid)
            db.session.remove()
    except Exception as error:  # the test fails on it below
        errors.append(repr(error))


@pytest.fixture
def scratch_url(app):
    """Where the restore goes: a new SQLite file, or a new PostgreSQL database."""
    if app.config["DB_KIND"] == "sqlite":
        yield None
        return
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _restored_app(tmp_path, scratch_url):
    return create_app({
        "TESTING": True, "SECRET_KEY": "restored",
        "SQLALCHEMY_DATABASE_URI": scratch_url or f"sqlite:///{tmp_path / 'restored.db'}",
        "UPLOAD_FOLDER": str(tmp_path / "restored-uploads"),
        "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })


def test_backup_under_write_load_restores_every_finding_and_photo(
    app, make, runner, tmp_path, scratch_url
):
    manager = make.user("manager", email="chef@example.org")
    walker = make.user("walker")
    walk = make.walk(leader_id=walker)
    stop, made, errors = threading.Event(), [], []
    writer = threading.Thread(target=_write, args=(app, walk, walker, make.category_id(),
                                                   stop, made, errors))
    writer.start()
    try:
        deadline = time.monotonic() + 30
        while len(made) < 20 and time.monotonic() < deadline and not errors:
            time.sleep(0.02)
        before = list(made)
        result = runner.invoke(args=["backup", str(tmp_path / "backup")])
        during = len(made) - len(before)
        time.sleep(0.2)  # and a few more after it
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert len(before) >= 20 and len(made) > len(before), (len(before), during, len(made))

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["missing_photos"] == []
    assert manifest["counts"]["findings"] >= len(before)
    assert manifest["counts"]["findings"] < len(made)  # written on after the snapshot
    assert len(manifest["photos"]) == 2 * manifest["counts"]["photos"]  # full + thumb

    restored = _restored_app(tmp_path, scratch_url)
    try:
        out = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert out.exit_code == 0, out.output
        with restored.app_context():
            uuids = set(db.session.scalars(db.select(Finding.uuid)))
            photos = db.session.scalars(db.select(Photo)).all()
            assert len(uuids) == manifest["counts"]["findings"]
            assert set(before) <= uuids
            assert len(photos) == manifest["counts"]["photos"] == len(uuids)
            photo_ids = [p.id for p in photos]
            db.session.remove()
        client = restored.test_client()
        assert client.post("/login", data={"email": "chef@example.org",
                                           "password": TEST_PASSWORD}).status_code == 303
        for photo_id in photo_ids:
            for variant in ("full", "thumb"):
                response = client.get(f"/photos/{photo_id}/{variant}.jpg")
                assert response.status_code == 200, (photo_id, variant)
                assert response.data[:2] == b"\xff\xd8"
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
    assert manager


def test_restore_refuses_a_non_empty_instance_and_a_damaged_backup(
    app, make, runner, tmp_path, scratch_url
):
    walker = make.user("walker")
    walk = make.walk(leader_id=walker)
    with app.app_context():
        finding = db.session.get(Finding, make.finding(walk, walker))
        photo = save_photo(db.session, get_storage(), finding=finding, kind=PhotoKind.FINDING,
                           processed=process_photo(_jpeg(1), max_bytes=10**7, max_pixels=10**7))
        db.session.commit()
        key = photo.storage_key
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    again = runner.invoke(args=["backup", str(backup)])
    assert again.exit_code != 0 and "not empty" in again.output

    # Into the running (non-empty) instance itself: refused, nothing changed.
    into_self = runner.invoke(args=["restore", str(backup)])
    assert into_self.exit_code != 0 and "not empty" in into_self.output

    restored = _restored_app(tmp_path, scratch_url)
    try:
        damaged = backup / "photos" / key
        original = damaged.read_bytes()
        damaged.write_bytes(original[:-10] + b"0123456789")
        out = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert out.exit_code != 0 and "Checksums do not match" in out.output
        assert f"photos/{key}" in out.output
        damaged.write_bytes(original)
        assert restored.test_cli_runner().invoke(args=["restore", str(backup)]).exit_code == 0
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def _photo_files(folder) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_a_photo_written_after_the_database_copy_is_left_out_and_restore_adds_no_orphans(
    app, make, runner, tmp_path, scratch_url, monkeypatch
):
    """The backup copies the database, then the photo files: a finding whose photo is saved in
    between is not in the copy, so its files must not be in the backup either. A backup that
    holds such files anyway (made before this rule) restores without them."""
    walker = make.user("walker")
    walk = make.walk(leader_id=walker)
    category = make.category_id()
    with app.app_context():
        finding = db.session.get(Finding, make.finding(walk, walker))
        kept = save_photo(db.session, get_storage(), finding=finding, kind=PhotoKind.FINDING,
                          processed=process_photo(_jpeg(1), max_bytes=10**7, max_pixels=10**7))
        db.session.commit()
        kept_keys = {kept.storage_key, kept.thumb_key}

    late_keys = set()
    copy_photos = backup_module._copy_photos

    def photo_saved_meanwhile(*args, **kwargs):
        # After the database copy, before the photos are copied: a walker's upload lands.
        with app.app_context():
            late = Finding(uuid=str(uuid.uuid4()), walk_id=walk, author_id=walker,
                           category_id=category, description="Saved during the backup")
            db.session.add(late)
            db.session.flush()
            photo = save_photo(db.session, get_storage(), finding=late, kind=PhotoKind.FINDING,
                               processed=process_photo(_jpeg(2), max_bytes=10**7,
                                                       max_pixels=10**7))
            commit_or_discard(db.session, [photo.storage_key, photo.thumb_key])
            late_keys.update({photo.storage_key, photo.thumb_key})
            db.session.remove()
        return copy_photos(*args, **kwargs)

    monkeypatch.setattr(backup_module, "_copy_photos", photo_saved_meanwhile)
    backup = tmp_path / "backup"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert late_keys and len(late_keys) == 2

    manifest = json.loads((backup / "manifest.json").read_text())
    assert set(manifest["photos"]) == kept_keys
    assert _photo_files(backup / "photos") == kept_keys
    assert manifest["missing_photos"] == []
    assert "Left out 2 files" in result.output

    # A backup from before: the late files in it, with their checksums, and no rows for them.
    for key in late_keys:
        source = Path(app.config["UPLOAD_FOLDER"]) / key
        (backup / "photos" / key).parent.mkdir(parents=True, exist_ok=True)
        (backup / "photos" / key).write_bytes(source.read_bytes())
        manifest["photos"][key] = hashlib.sha256(source.read_bytes()).hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest))

    restored = _restored_app(tmp_path, scratch_url)
    try:
        out = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert out.exit_code == 0, out.output
        assert "Skipped 2 files of the backup that no photo row names." in out.output
        with restored.app_context():
            named = {k for p in db.session.scalars(db.select(Photo))
                     for k in (p.storage_key, p.thumb_key)}
            db.session.remove()
        assert named == kept_keys
        assert _photo_files(Path(restored.config["UPLOAD_FOLDER"])) == kept_keys
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def test_backup_of_an_instance_on_a_bucket_restores_into_an_empty_bucket(
        app, make, runner, tmp_path, scratch_url, s3_endpoint):
    """Photos in an S3 bucket (issue 28) go into the backup as files and come back into
    another, empty bucket; a bucket that is not empty is refused."""
    from tests.conftest import S3_KEYS, new_bucket

    source = new_bucket(s3_endpoint)
    kept = app.extensions.get("trygg_storage")
    app.extensions["trygg_storage"] = source
    try:
        walker = make.user("walker", email="gaende@example.org")
        walk = make.walk(leader_id=walker)
        with app.app_context():
            finding = Finding(uuid=str(uuid.uuid4()), walk_id=walk, author_id=walker,
                              category_id=make.category_id(), description="I hinken")
            db.session.add(finding)
            db.session.flush()
            photo = save_photo(db.session, source, finding=finding, kind=PhotoKind.FINDING,
                               processed=process_photo(_jpeg(3), max_bytes=10**7,
                                                       max_pixels=10**7))
            commit_or_discard(db.session, [photo.storage_key, photo.thumb_key])
            photo_id, full_key, thumb_key = photo.id, photo.storage_key, photo.thumb_key
            keys = {full_key, thumb_key}
        result = runner.invoke(args=["backup", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
    finally:
        app.extensions.pop("trygg_storage")
        if kept is not None:
            app.extensions["trygg_storage"] = kept
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert set(manifest["photos"]) == keys
    for key in keys:
        assert manifest["photos"][key] == hashlib.sha256(source.read(key)).hexdigest()

    target = new_bucket(s3_endpoint)
    restored = _restored_app(tmp_path, scratch_url)
    restored.config.update(S3_BUCKET=target.bucket, S3_PREFIX=target.prefix,
                           S3_ENDPOINT_URL=s3_endpoint, **S3_KEYS)
    try:
        target.save("photos/999/leftover.jpg", b"x")
        refused = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert refused.exit_code != 0 and "not empty" in refused.output
        target.delete("photos/999/leftover.jpg")
        out = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert out.exit_code == 0, out.output
        assert set(target.stored_keys()) == keys
        client = restored.test_client()
        assert client.post("/login", data={"email": "gaende@example.org",
                                           "password": TEST_PASSWORD}).status_code == 303
        for variant, key in (("full", full_key), ("thumb", thumb_key)):
            served = client.get(f"/photos/{photo_id}/{variant}.jpg")
            assert served.status_code == 200
            assert served.get_data() == source.read(key)
        assert not (tmp_path / "restored-uploads").exists()  # nothing on the host's disk
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
