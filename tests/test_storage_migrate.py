"""`flask storage-migrate` (issue 28): the demo's photos go to a bucket (a real S3 server,
moto's) and back, resumably, each copy checked by SHA-256; every photo page still shows
its photos from wherever the app reads them."""

import hashlib
import re
import shutil

import pytest

from app.extensions import db
from app.models import Photo
from app.storage import LocalStorage
from tests.conftest import S3_KEYS, log_in_as


@pytest.fixture
def bucket_config(app, bucket, s3_endpoint):
    """S3_* settings naming `bucket` (the app still reads photos from its folder)."""
    kept, store = dict(app.config), app.extensions.pop("trygg_storage", None)
    app.config.update(S3_BUCKET=bucket.bucket, S3_PREFIX=bucket.prefix,
                      S3_ENDPOINT_URL=s3_endpoint, **S3_KEYS)
    app.extensions["trygg_storage"] = LocalStorage(app.config["UPLOAD_FOLDER"])
    yield bucket
    app.config.clear()
    app.config.update(kept)
    app.extensions.pop("trygg_storage")
    if store is not None:
        app.extensions["trygg_storage"] = store


def _photos(app) -> dict[int, tuple[int, str, str]]:
    with app.app_context():
        return {p.id: (p.finding_id, p.storage_key, p.thumb_key)
                for p in db.session.scalars(db.select(Photo))}


def _every_photo_page_shows_its_photos(client, photos, originals):
    for photo_id, (finding_id, key, thumb) in photos.items():
        page = client.get(f"/findings/{finding_id}").get_data(as_text=True)
        assert re.search(rf"/photos/{photo_id}/(thumb|full)\.jpg", page), finding_id
        for variant, stored in (("full", key), ("thumb", thumb)):
            served = client.get(f"/photos/{photo_id}/{variant}.jpg")
            assert served.status_code == 200, (photo_id, variant)
            assert hashlib.sha256(served.get_data()).hexdigest() == originals[stored]


def test_demo_photos_move_to_the_bucket_and_back(app, client, runner, bucket_config,
                                                 monkeypatch):
    # The demo with a photo on every eighth finding (~30 photos, 60 files with thumbnails;
    # `flask seed-demo` puts one on every third and has its own test in test_demo.py).
    from app.seeding import demo

    with app.app_context():
        demo.seed(db.session, photos_every=8)
        db.session.commit()
    photos = _photos(app)
    assert len(photos) > 10
    folder = app.config["UPLOAD_FOLDER"]
    local = LocalStorage(folder)
    originals = {key: local.sha256(key) for _, key, thumb in photos.values()
                 for key in (key, thumb)}
    assert None not in originals.values()

    # Interrupted after 7 files (a lost connection): the next run goes on from there.
    from app.storage import S3Storage

    real_save, saved = S3Storage.save, []

    def flaky_save(self, key, data, *args, **kwargs):
        if len(saved) == 7:
            raise OSError("connection reset")
        saved.append(key)
        return real_save(self, key, data, *args, **kwargs)

    monkeypatch.setattr(S3Storage, "save", flaky_save)
    broken = runner.invoke(args=["storage-migrate", "--to", "bucket"])
    assert broken.exit_code != 0
    monkeypatch.setattr(S3Storage, "save", real_save)
    assert len(list(bucket_config.stored_keys())) == 7

    done = runner.invoke(args=["storage-migrate", "--to", "bucket"])
    assert done.exit_code == 0, done.output
    assert f"Copied {len(originals) - 7}, already there 7, missing in the source 0" \
        in done.output
    assert {k: bucket_config.sha256(k) for k in bucket_config.stored_keys()} == originals
    again = runner.invoke(args=["storage-migrate", "--to", "bucket"])
    assert f"Copied 0, already there {len(originals)}" in again.output

    # The app on the bucket, the local folder gone: every photo page still shows them.
    shutil.rmtree(folder)
    app.extensions["trygg_storage"] = bucket_config
    log_in_as(client, "admin@example.org")
    _every_photo_page_shows_its_photos(client, photos, originals)
    app.extensions["trygg_storage"] = local

    # And back into an empty folder (the app on local disk again).
    back = runner.invoke(args=["storage-migrate", "--to", "local"])
    assert back.exit_code == 0, back.output
    assert f"Copied {len(originals)}, already there 0" in back.output
    assert {k: local.sha256(k) for k in local.stored_keys()} == originals
    _every_photo_page_shows_its_photos(client, photos, originals)


def test_a_damaged_file_in_the_target_is_replaced_and_missing_ones_are_named(
        app, runner, make, bucket_config):
    walk = make.walk()
    finding = make.finding(walk, make.user("walker"))
    local = LocalStorage(app.config["UPLOAD_FOLDER"])
    with app.app_context():
        for n in (1, 2):
            key = f"photos/{finding}/p{n}.jpg"
            if n == 1:
                local.save(key, b"photo one")
                local.save(key.replace(".jpg", "_thumb.jpg"), b"thumb one")
            db.session.add(Photo(finding_id=finding, storage_key=key,
                                 thumb_key=key.replace(".jpg", "_thumb.jpg"), width=1,
                                 height=1, bytes=9, sha256="x"))
        db.session.commit()
    # A half-finished copy by some other tool: different bytes under the same key.
    bucket_config.save(f"photos/{finding}/p1.jpg", b"photo o")
    result = runner.invoke(args=["storage-migrate", "--to", "bucket"])
    assert result.exit_code == 0, result.output
    assert "Copied 2, already there 0, missing in the source 2" in result.output
    assert f"missing: photos/{finding}/p2.jpg" in result.output
    assert bucket_config.read(f"photos/{finding}/p1.jpg") == b"photo one"


def test_storage_migrate_needs_a_bucket(runner):
    result = runner.invoke(args=["storage-migrate", "--to", "bucket"])
    assert result.exit_code != 0 and "S3_BUCKET" in result.output
