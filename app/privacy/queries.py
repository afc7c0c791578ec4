"""Reads for privacy: flagged photos, what the retention rule would delete."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Finding, FindingStatus, Photo

# Closed for good: verified, or closed without a fix. "Fixed" still waits for a manager.
CLOSED_STATUSES = (
    FindingStatus.VERIFIED,
    FindingStatus.WONT_FIX,
    FindingStatus.NOT_OURS,
    FindingStatus.DUPLICATE,
)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError("unreachable")


def closed_at():
    # Demo data and older rows may carry only verified_at.
    return func.coalesce(Finding.closed_at, Finding.verified_at)


def expired_photos(session: Session, cutoff: datetime) -> list[tuple[Finding, list[Photo]]]:
    """Findings closed before `cutoff` that still have photos (all kinds), with them."""
    photos = session.scalars(
        select(Photo)
        .join(Finding, Photo.finding_id == Finding.id)
        .where(Finding.status.in_(CLOSED_STATUSES), closed_at() < cutoff)
        .options(selectinload(Photo.finding))
        .order_by(Photo.finding_id, Photo.id)
    ).all()
    grouped: dict[int, list[Photo]] = defaultdict(list)
    findings: dict[int, Finding] = {}
    for photo in photos:
        grouped[photo.finding_id].append(photo)
        findings[photo.finding_id] = photo.finding
    return [(findings[fid], grouped[fid]) for fid in grouped]


def expired_confidential_text(session: Session, cutoff: datetime) -> list[Finding]:
    return list(session.scalars(
        select(Finding)
        .where(
            Finding.confidential.is_(True),
            Finding.status.in_(CLOSED_STATUSES),
            closed_at() < cutoff,
            Finding.text_purged_at.is_(None),
            Finding.description != "",
        )
        .order_by(Finding.id)
    ))


def flagged_photos(session: Session) -> list[Photo]:
    return list(session.scalars(
        select(Photo)
        .where(Photo.blur_flagged_at.is_not(None))
        .options(selectinload(Photo.finding))
        .order_by(Photo.blur_flagged_at.desc())
    ))
