"""The only code that changes privacy data: redaction, flags, retention.

Each function takes validated input, flushes, never commits, and returns the storage keys
to delete once the caller has committed (files go only after their rows are gone).
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.operations.timeline import record_event
from app.media.photos import MIN_REGION_PIXELS, redact_stored
from app.models import Finding, FindingAnswer, MailAttachment, Photo, User
from app.models.types import utcnow
from app.policy import can
from app.privacy import queries
from app.storage import Storage, delete_files

MAX_REGIONS = 20
# How far (as a share of the side) a rectangle may reach past the photo's edge and be cut
# to it: a finger dragged to the edge, fractions rounded to four decimals by the page.
EDGE_SLACK = 0.01

Region = tuple[float, float, float, float]


def parse_regions(raw: str | None, width: int, height: int) -> list[Region]:
    """Rectangles as JSON [[x, y, width, height], …] in 0..1 of the photo's width/height,
    cut to the photo, each at least MIN_REGION_PIXELS on each side of the stored photo
    (`width` × `height` pixels)."""
    try:
        data = json.loads(raw or "")
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, list) or not data:
        raise DomainError(_l("Draw at least one rectangle over what should be hidden."),
                          field="regions")
    if len(data) > MAX_REGIONS:
        raise DomainError(_l("At most %(n)d rectangles at a time.", n=MAX_REGIONS),
                          field="regions")
    regions = []
    for item in data:
        if (
            not isinstance(item, list)
            or len(item) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in item)
            or not all(math.isfinite(v) for v in item)
        ):
            raise DomainError(_l("The rectangles could not be read. Draw them again."),
                              field="regions")
        x, y, w, h = (float(v) for v in item)
        if x < -EDGE_SLACK or y < -EDGE_SLACK or x + w > 1 + EDGE_SLACK or \
                y + h > 1 + EDGE_SLACK:
            raise DomainError(_l("A rectangle lies outside the photo. Draw it again."),
                              field="regions")
        left, top = max(0.0, x), max(0.0, y)
        right, bottom = min(1.0, x + w), min(1.0, y + h)
        if (right - left) * width < MIN_REGION_PIXELS or \
                (bottom - top) * height < MIN_REGION_PIXELS:
            raise DomainError(_l("A rectangle is too small: at least %(n)d pixels on each "
                                 "side. Draw it larger.", n=MIN_REGION_PIXELS),
                              field="regions")
        regions.append((left, top, right - left, bottom - top))
    return regions


@dataclass
class Replaced:
    photo: Photo
    new_keys: list[str]
    old_keys: list[str]


def redact_photo(session: Session, storage: Storage, photo: Photo, regions: list[Region], *,
                 actor: User) -> Replaced:
    """Fill the regions solid in the stored photo and its thumbnail, under new keys.

    The old files are returned for deletion after the commit: a reader holding the old
    URL gets the new image (same photo id), and a failed commit leaves the old one intact.
    """
    processed = redact_stored(storage.read(photo.storage_key), regions)
    stem = f"photos/{photo.finding_id}/{uuid.uuid4().hex}"
    storage_key, thumb_key = f"{stem}.jpg", f"{stem}_thumb.jpg"
    storage.save(storage_key, processed.image, "image/jpeg")
    new_keys = [storage_key]
    try:
        storage.save(thumb_key, processed.thumb, "image/jpeg")
        new_keys.append(thumb_key)
        old_keys = [photo.storage_key, photo.thumb_key]
        photo.storage_key, photo.thumb_key = storage_key, thumb_key
        photo.width, photo.height = processed.width, processed.height
        photo.bytes, photo.sha256 = processed.bytes, processed.sha256
        photo.regions_masked = (photo.regions_masked or 0) + len(regions)
        # Who, when and how many regions: never what was under them.
        record_event(session, photo.finding, actor=actor, field="photo_redacted",
                     old=None, new=len(regions))
        # A manager masking a flagged photo answers the flag; the walker who took it may
        # mask it too, but what they missed is still for a manager to judge.
        if can(actor, "clear_photo_flag", photo):
            clear_flag(session, photo, actor=actor)
        session.flush()
    except BaseException:
        delete_files(new_keys, storage)
        raise
    return Replaced(photo=photo, new_keys=new_keys, old_keys=old_keys)


def flag_photo(session: Session, photo: Photo, *, actor: User) -> bool:
    """Ask a manager to look at a photo; False when it was already flagged."""
    if photo.blur_flagged_at is not None:
        return False
    photo.blur_flagged_at = utcnow()
    photo.blur_flagged_by_id = actor.id
    record_event(session, photo.finding, actor=actor, field="photo_flagged", old=None,
                 new=photo.id)
    session.flush()
    return True


def clear_flag(session: Session, photo: Photo, *, actor: User) -> None:
    """A manager looked and found the photo fine as it is (or masked it): the caller checks
    the clear_photo_flag policy."""
    if photo.blur_flagged_at is None:
        return
    photo.blur_flagged_at = None
    photo.blur_flagged_by_id = None
    record_event(session, photo.finding, actor=actor, field="photo_flag_cleared", old=None,
                 new=photo.id)
    session.flush()


# --- retention ------------------------------------------------------------------------------


@dataclass
class PurgeResult:
    photo_findings: list[Finding] = field(default_factory=list)
    photos: int = 0
    text_findings: list[Finding] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


def purge_expired(session: Session, *, now: datetime, photo_months: int | None,
                  text_months: int | None, dry_run: bool = False) -> PurgeResult:
    """Delete the photos (rows; files via the returned keys) of findings closed longer ago
    than `photo_months`, and the free text of confidential ones past `text_months`.

    The findings themselves stay, with category, position, status and dates, so every
    report counts the same before and after.
    """
    result = PurgeResult()
    if photo_months:
        cutoff = queries.months_before(now, photo_months)
        for finding, photos in queries.expired_photos(session, cutoff):
            result.photo_findings.append(finding)
            result.photos += len(photos)
            if dry_run:
                continue
            for photo in photos:
                result.keys += [photo.storage_key, photo.thumb_key]
                session.delete(photo)
            # The copies mailed to the point's owner after the walk (app/afterwalk) go too.
            session.execute(delete(MailAttachment).where(MailAttachment.mail_id.in_(
                select(FindingAnswer.mail_id).where(FindingAnswer.finding_id == finding.id))))
            finding.photos_purged_at = now
            # The finding's timeline says what went and when (not who: a rule did it).
            record_event(session, finding, actor=None, field="retention", old=None,
                         new="photos")
    if text_months:
        cutoff = queries.months_before(now, text_months)
        for finding in queries.expired_confidential_text(session, cutoff):
            result.text_findings.append(finding)
            if not dry_run:
                finding.description = ""
                finding.text_purged_at = now
                record_event(session, finding, actor=None, field="retention", old=None,
                             new="text")
    session.flush()
    return result
