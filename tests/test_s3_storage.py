"""Photos in an S3-compatible bucket (issue 28), against a real S3 server: moto's standalone
server on a local port, reached over HTTP by boto3 as a real bucket would be. Skipped where
moto[server] is not installed."""

import hashlib
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Photo
from app.storage import LocalStorage, S3Storage, StorageError
from tests.api.test_api import body, jpeg_bytes, post_photo
from tests.conftest import S3_KEYS, new_bucket


def _object(bucket: S3Storage, key: str) -> dict:
    return bucket.client.head_object(Bucket=bucket.bucket, Key=bucket.prefix + key)


# --- the store itself ------------------------------------------------------------------------


def test_bucket_store_writes_once_with_type_and_checksum_and_reads_streamed(bucket):
    data = jpeg_bytes()
    bucket.save("photos/1/a.jpg", data, "image/jpeg")
    head = _object(bucket, "photos/1/a.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert head["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert bucket.sha256("photos/1/a.jpg") == hashlib.sha256(data).hexdigest()
    assert bucket.read("photos/1/a.jpg") == data
    with bucket.open("photos/1/a.jpg") as stream:
        assert stream.read(10) + stream.read() == data
    assert bucket.exists("photos/1/a.jpg") and not bucket.exists("photos/1/b.jpg")
    # Keys are never reused: a second write under the same key is refused, not an overwrite.
    with pytest.raises(StorageError):
        bucket.save("photos/1/a.jpg", b"other")
    assert bucket.read("photos/1/a.jpg") == data
    bucket.save("photos/1/b.txt", b"x")
    assert _object(bucket, "photos/1/b.txt")["ContentType"] == "text/plain"
    assert sorted(bucket.stored_keys()) == ["photos/1/a.jpg", "photos/1/b.txt"]
    # Under the prefix: another app's objects in the same bucket are not ours.
    bucket.client.put_object(Bucket=bucket.bucket, Key="elsewhere/c.jpg", Body=b"c")
    assert sorted(bucket.stored_keys()) == ["photos/1/a.jpg", "photos/1/b.txt"]
    bucket.delete("photos/1/a.jpg")
    bucket.delete("photos/1/a.jpg")  # already gone: no error, as on disk
    assert not bucket.exists("photos/1/a.jpg")
    with pytest.raises(FileNotFoundError):
        bucket.read("photos/1/a.jpg")
    assert bucket.sha256("photos/1/a.jpg") is None


@pytest.mark.parametrize("key", ["", "/etc/passwd", "a/../../b", "a//b", "a\\b", "a/./b"])
def test_bucket_refuses_keys_the_app_never_writes(bucket, key):
    with pytest.raises(ValueError):
        bucket.save(key, b"x")


def test_unreachable_or_missing_bucket_is_a_storage_error(bucket, s3_endpoint):
    gone = S3Storage("no-such-bucket-here", endpoint_url=s3_endpoint,
                     region=S3_KEYS["S3_REGION"], access_key="k", secret_key="s")
    with pytest.raises(StorageError):
        gone.check()
    with pytest.raises(StorageError):
        gone.save("photos/1/a.jpg", b"x")
    closed = S3Storage("b", endpoint_url="http://127.0.0.1:9", region="us-east-1",
                       access_key="k", secret_key="s")
    with pytest.raises(StorageError):
        closed.check()
    bucket.check()


def test_local_store_lists_keys_and_checksums(tmp_path):
    store = LocalStorage(tmp_path)
    store.save("photos/2/b.jpg", b"bb")
    store.save("photos/1/a.jpg", b"a")
    (tmp_path / "photos" / "1" / ".tmp-x.part").write_bytes(b"half")
    assert list(store.stored_keys()) == ["photos/1/a.jpg", "photos/2/b.jpg"]
    assert store.sha256("photos/2/b.jpg") == hashlib.sha256(b"bb").hexdigest()
    assert store.sha256("photos/3/c.jpg") is None
    with store.open("photos/1/a.jpg") as stream:
        assert stream.read() == b"a"


# --- the app on a bucket ---------------------------------------------------------------------


@pytest.fixture
def walker_walk(login, make):
    walker = login("walker")
    district = make.district()
    return walker, district, make.walk(district, leader_id=walker)


def test_uploaded_photo_goes_to_the_bucket_and_is_served_only_to_who_may_see_it(
        s3_app, bucket, client, walker_walk, make, app):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    sent = post_photo(client, finding["id"], jpeg_bytes(), str(uuid.uuid4()))
    assert sent.status_code == 201, sent.json
    with app.app_context():
        photo = db.session.scalar(select(Photo))
        keys = [photo.storage_key, photo.thumb_key]
    assert sorted(bucket.stored_keys()) == sorted(keys)
    assert _object(bucket, keys[0])["ContentType"] == "image/jpeg"
    # Nothing on the app host's disk: another host serves the same photo.
    assert not list(LocalStorage(app.config["UPLOAD_FOLDER"]).stored_keys())

    full = client.get(sent.json["url"])
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    assert full.get_data() == bucket.read(keys[0])
    assert full.headers["Cache-Control"] == "private, no-cache"
    again = client.get(sent.json["url"], headers={"If-None-Match": full.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(sent.json["thumb_url"]).get_data() == bucket.read(keys[1])

    other = app.test_client()
    assert other.get(sent.json["url"]).status_code in (302, 401)  # not logged in
    from tests.conftest import log_in_as

    stranger = make.user("fixer")  # sees only what is assigned to them
    with app.app_context():
        from app.models import User

        email = db.session.get(User, stranger).email
    log_in_as(other, email)
    assert other.get(sent.json["url"]).status_code == 404  # not theirs to see


def test_deleting_a_photo_deletes_its_objects_after_the_commit(
        s3_app, bucket, client, walker_walk, make, app):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    photo = post_photo(client, finding["id"], jpeg_bytes()).json
    assert len(list(bucket.stored_keys())) == 2
    gone = client.post(f"/findings/{finding['id']}/photos/{photo['id']}/delete")
    assert gone.status_code == 303
    assert list(bucket.stored_keys()) == []
    assert client.get(photo["url"]).status_code == 404


def test_bucket_down_during_upload_answers_503_and_saves_nothing(
        s3_app, client, walker_walk, make, app, s3_endpoint):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    app.extensions["trygg_storage"] = S3Storage(
        "b", endpoint_url="http://127.0.0.1:9", region="us-east-1", access_key="k",
        secret_key="s")
    sent = post_photo(client, finding["id"], jpeg_bytes(), str(uuid.uuid4()))
    assert sent.status_code == 503 and sent.json["code"] == "busy"
    assert sent.headers["Retry-After"]
    with app.app_context():
        assert db.session.scalar(select(Photo)) is None


def test_a_masked_photo_is_written_under_new_keys_in_the_bucket(
        s3_app, bucket, client, walker_walk, make, app):
    from app.privacy.operations import redact_photo

    walker, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    photo = post_photo(client, finding["id"], jpeg_bytes()).json
    before = set(bucket.stored_keys())
    with app.app_context():
        from app.models import User
        from app.storage import delete_files

        row = db.session.get(Photo, photo["id"])
        replaced = redact_photo(db.session, bucket, row, [(0, 0, 50, 50)],
                                actor=db.session.get(User, walker))
        db.session.commit()
        delete_files(replaced.old_keys, bucket)
    after = set(bucket.stored_keys())
    assert after.isdisjoint(before) and len(after) == 2
    assert client.get(photo["url"]).status_code == 200


def test_storage_is_chosen_by_the_environment(app, tmp_path, s3_endpoint):
    from app.storage import storage_from_config

    assert isinstance(storage_from_config({"UPLOAD_FOLDER": str(tmp_path)}), LocalStorage)
    chosen = storage_from_config({"S3_BUCKET": "photos", "S3_PREFIX": "/trygg/prod/",
                                  "S3_ENDPOINT_URL": s3_endpoint, **S3_KEYS})
    assert isinstance(chosen, S3Storage) and chosen.prefix == "trygg/prod/"
    assert chosen.client.meta.endpoint_url == s3_endpoint
    assert new_bucket(s3_endpoint, prefix="").prefix == ""



@pytest.mark.committed  # the export is read on its own connection
def test_an_export_is_kept_in_the_bucket_so_any_host_can_hand_it_out(
        s3_app, bucket, client, login, make, app):
    """With several hosts the worker that writes an export and the host that serves its
    download may differ: the finished file goes to the bucket, not this host's disk."""
    from app.models import ExportJob
    from tests.conftest import export

    login("manager")
    walk = make.walk(status="completed")
    for n in range(3):
        make.finding(walk, make.user("walker"), description=f"Mörk gång {n}")
    response = export(client, "/exports/findings.csv")
    body = response.get_data(as_text=True)
    assert body.count("Mörk gång") == 3
    with app.app_context():
        job = db.session.scalar(select(ExportJob))
        token = job.token
        key = f"exports/{token}.csv"
    assert list(bucket.stored_keys()) == [key]
    assert _object(bucket, key)["ContentType"] == "text/csv"
    assert bucket.read(key).decode("utf-8-sig") == body.lstrip("\ufeff")
    # The folder is the worker's, shared with earlier export tests: this export's file only.
    assert not [p for p in Path(app.config["EXPORT_FOLDER"]).rglob(f"*{token}*") if p.is_file()]
