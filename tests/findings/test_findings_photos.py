"""The one photo operation (app/findings/operations/photos.py): what every upload path relies on."""

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from app.findings.operations import photos
from app.findings.operations.photos import attach_photo, delete_photo, photo_keys
from app.media.photos import process_photo
from app.models import Finding, Photo, PhotoKind
from app.storage import LocalStorage


def _processed():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    return process_photo(buffer.getvalue(), max_bytes=10_000_000, max_pixels=40_000_000)


@pytest.fixture
def two_findings(app, ctx, make):
    walker = make.user("walker")
    walk = make.walk(leader_id=walker)
    ids = [make.finding(walk, walker) for _ in range(2)]
    return walker, [db.session.get(Finding, finding_id) for finding_id in ids]


def _count(finding) -> int:
    return db.session.scalar(select(func.count(Photo.id)).where(Photo.finding_id == finding.id))


def test_the_same_client_uuid_gives_the_same_photo(two_findings, tmp_path):
    walker, (finding, _other) = two_findings
    storage, client_uuid = LocalStorage(tmp_path), str(uuid.uuid4())
    first, created = attach_photo(db.session, storage, finding, _processed(),
                                  kind=PhotoKind.FINDING, uploaded_by_id=walker,
                                  client_uuid=client_uuid)
    again, created_again = attach_photo(db.session, storage, finding, _processed(),
                                        kind=PhotoKind.FINDING, uploaded_by_id=walker,
                                        client_uuid=client_uuid)
    assert (created, created_again) == (True, False)
    assert again.id == first.id and _count(finding) == 1
    assert all(storage.exists(key) for key in photo_keys(first))


def test_a_client_uuid_of_another_finding_is_refused(two_findings, tmp_path):
    walker, (finding, other) = two_findings
    storage, client_uuid = LocalStorage(tmp_path), str(uuid.uuid4())
    attach_photo(db.session, storage, finding, _processed(), kind=PhotoKind.FINDING,
                 uploaded_by_id=walker, client_uuid=client_uuid)
    with pytest.raises(DomainError) as refused:
        attach_photo(db.session, storage, other, _processed(), kind=PhotoKind.FINDING,
                     uploaded_by_id=walker, client_uuid=client_uuid)
    assert refused.value.field == "client_uuid" and _count(other) == 0


def test_losing_the_race_answers_with_the_winners_photo(two_findings, tmp_path, monkeypatch):
    walker, (finding, _other) = two_findings
    storage, client_uuid = LocalStorage(tmp_path), str(uuid.uuid4())
    winner, _ = attach_photo(db.session, storage, finding, _processed(), kind=PhotoKind.FINDING,
                             uploaded_by_id=walker, client_uuid=client_uuid)
    looked_up = []
    real_lookup = photos.photo_by_client_uuid

    def not_yet_there(session, finding, client_uuid):
        # The other request commits between our check and our insert.
        looked_up.append(client_uuid)
        return None if len(looked_up) == 1 else real_lookup(session, finding, client_uuid)

    monkeypatch.setattr(photos, "photo_by_client_uuid", not_yet_there)
    loser, created = attach_photo(db.session, storage, finding, _processed(),
                                  kind=PhotoKind.FINDING, uploaded_by_id=walker,
                                  client_uuid=client_uuid)
    assert created is False and loser.id == winner.id and _count(finding) == 1
    assert sorted(p.name for p in (tmp_path / "photos" / str(finding.id)).iterdir()) == sorted(
        key.rsplit("/", 1)[1] for key in photo_keys(winner))  # the loser's files are gone


def test_delete_photo_returns_its_files_for_after_the_commit(two_findings, tmp_path):
    walker, (finding, _other) = two_findings
    photo, _ = attach_photo(db.session, LocalStorage(tmp_path), finding, _processed(),
                            kind=PhotoKind.AFTER, uploaded_by_id=walker)
    keys = photo_keys(photo)
    assert delete_photo(db.session, photo) == keys and _count(finding) == 0
