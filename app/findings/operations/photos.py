"""The one photo operation: a processed photo attached to a finding, or taken off it.

Used by the capture form, the fixer's after-photo, a comment's photo, the follow-up check
and the API. Processing (limits, decoding, face blurring) is media/photos.py's; this adds
the finding's rules: idempotency by the client's UUID, the race of two requests with the
same UUID, and a capture photo's GPS placing the finding.
"""

from __future__ import annotations

from contextlib import nullcontext

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.media.photos import ProcessedPhoto, save_photo
from app.models import Finding, Photo, PhotoKind, PositionSource
from app.places.geo import valid_position
from app.storage import Storage, delete_files


def photo_keys(photo: Photo) -> list[str]:
    """The stored files of a photo: to delete after a failed commit, or after its delete."""
    return [photo.storage_key, photo.thumb_key]


def photo_by_client_uuid(session: Session, finding: Finding,
                         client_uuid: str | None) -> Photo | None:
    """The photo already sent with this UUID, if any. A UUID used on another finding is
    refused rather than answered with someone else's photo."""
    if not client_uuid:
        return None
    existing = session.scalar(select(Photo).where(Photo.client_uuid == client_uuid))
    if existing is not None and existing.finding_id != finding.id:
        raise DomainError(_l("That photo id is already used."), field="client_uuid")
    return existing


def attach_photo(
    session: Session,
    storage: Storage,
    finding: Finding,
    processed: ProcessedPhoto,
    *,
    kind: PhotoKind,
    uploaded_by_id: int | None,
    client_uuid: str | None = None,
    comment_id: int | None = None,
    direction: float | None = None,
    stored: tuple[str, str] | None = None,
) -> tuple[Photo, bool]:
    """Save the photo's files and add its row (flushed, not committed): (photo, created).

    The same `client_uuid` again gives the first photo and created=False, also when another
    request with that UUID wins the race between the check and the insert. A capture photo
    with a GPS position places a finding that has none (or only a poor one). The caller
    commits with `commit_or_discard(session, photo_keys(photo))` when created. Files written
    beforehand (`stored`, from store_photo_files) are deleted when no photo is created.
    """
    try:
        existing = photo_by_client_uuid(session, finding, client_uuid)
    except BaseException:
        delete_files(stored or [], storage)
        raise
    if existing is not None:
        delete_files(stored or [], storage)
        return existing, False
    # Only a UUID can collide: then a savepoint keeps the rest of the request.
    guard = session.begin_nested() if client_uuid else nullcontext()
    try:
        with guard:
            photo = save_photo(
                session, storage, finding=finding, processed=processed, kind=kind,
                uploaded_by_id=uploaded_by_id, client_uuid=client_uuid, comment_id=comment_id,
                stored=stored,
            )
    except IntegrityError:
        existing = photo_by_client_uuid(session, finding, client_uuid)
        if existing is None:
            raise
        return existing, False
    photo.gps_direction = direction
    if kind == PhotoKind.FINDING:
        use_photo_position(finding, processed.gps_latitude, processed.gps_longitude)
    return photo, True


def delete_photo(session: Session, photo: Photo) -> list[str]:
    """Remove the photo's row; returns its files, for the caller to delete after commit."""
    keys = photo_keys(photo)
    session.delete(photo)
    session.flush()
    return keys


# A phone fix worse than this gives way to the position in a photo's EXIF.
POOR_ACCURACY_M = 100


def use_photo_position(finding: Finding, latitude: float | None, longitude: float | None) -> None:
    """A photo's EXIF GPS places the finding when the phone gave no position, or only a poor
    one. A good fix from the phone wins; the first photo with a position wins over later ones.
    """
    if not valid_position(latitude, longitude):
        return
    if finding.position_source == PositionSource.PHOTO:
        return
    poor = finding.accuracy_m is not None and finding.accuracy_m > POOR_ACCURACY_M
    if finding.latitude is None or poor:
        finding.latitude = latitude
        finding.longitude = longitude
        finding.accuracy_m = None
        finding.position_source = PositionSource.PHOTO
