"""Reads of the tenant pages: the building behind a QR code, the categories to choose from,
a report by its secret link, and what its status page says."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Building,
    Category,
    DeclineReason,
    Finding,
    FindingStatus,
    ReportStatus,
    TenantReport,
)
from app.places.geo import bounding_box, flat_distance_m

FIXED_STATUSES = frozenset({FindingStatus.FIXED, FindingStatus.VERIFIED})
# A finding closed without a fix: the tenant sees it declined, with this reason.
CLOSED_AS = {FindingStatus.WONT_FIX: DeclineReason.WONT_FIX,
             FindingStatus.NOT_OURS: DeclineReason.NOT_OURS}
# How far a chain of duplicates is followed to the finding that is worked on.
MAX_DUPLICATE_HOPS = 5


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def building_or_404(code: str) -> Building:
    building = db.session.scalar(select(Building).where(Building.code == code))
    if building is None:
        abort(404)
    return building


def neighbours(building: Building, radius_m: float, limit: int = 40) -> list[tuple[float, float]]:
    """The positions of the other buildings around a building, nearest first: drawn on the
    report page's map, so that it shows where one is without map tiles."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(building.latitude, building.longitude,
                                                      radius_m)
    rows = db.session.execute(select(Building.latitude, Building.longitude).where(
        Building.latitude.between(min_lat, max_lat),
        Building.longitude.between(min_lon, max_lon), Building.id != building.id))
    near = sorted(rows, key=lambda row: flat_distance_m(building.latitude, building.longitude,
                                                         row.latitude, row.longitude))
    return [(row.latitude, row.longitude) for row in near[:limit]]


def categories() -> list[Category]:
    return list(db.session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.position,
                                                                  Category.id)))


def report_or_404(token: str) -> TenantReport:
    if not token or len(token) > 64:
        abort(404)
    # The link shown after sending, or the one in the latest mail about the report.
    hashed = token_hash(token)
    report = db.session.scalar(select(TenantReport).where(
        or_(TenantReport.token_hash == hashed, TenantReport.mail_token_hash == hashed)))
    if report is None:
        abort(404)
    return report


def original_of(finding: Finding | None) -> Finding | None:
    """The finding itself, or the original it was marked a duplicate of."""
    for _hop in range(MAX_DUPLICATE_HOPS):
        if finding is None or finding.status != FindingStatus.DUPLICATE \
                or finding.duplicate_of is None:
            break
        finding = finding.duplicate_of
    return finding


def followed_finding(report: TenantReport) -> Finding | None:
    """The finding the report follows: its own, or the original it was marked a duplicate of."""
    return original_of(report.finding)


def reports_through(session: Session, finding: Finding) -> list[TenantReport]:
    """The triaged reports of `finding` and of the findings marked duplicates of it (as far
    as `followed_finding` goes): every status page a change of `finding` can move."""
    ids = frontier = {finding.id}
    for _hop in range(MAX_DUPLICATE_HOPS):
        frontier = set(session.scalars(select(Finding.id).where(
            Finding.duplicate_of_id.in_(frontier),
            Finding.status == FindingStatus.DUPLICATE))) - ids
        if not frontier:
            break
        ids = ids | frontier
    return list(session.scalars(select(TenantReport).where(
        TenantReport.finding_id.in_(ids),
        TenantReport.status.in_((ReportStatus.ACCEPTED, ReportStatus.MERGED)))
        .order_by(TenantReport.id)))


@dataclass(frozen=True)
class TenantStatus:
    """What the status page shows: one of received, handled, fixed, declined, closed."""

    step: str
    reason: DeclineReason | None = None
    ask_fixed: bool = False  # "Is it fixed?" with yes and no
    merged: bool = False


def tenant_status(report: TenantReport) -> TenantStatus:
    merged = report.status == ReportStatus.MERGED
    if report.status == ReportStatus.DECLINED:
        return TenantStatus("declined", reason=report.decline_reason)
    if report.confirmed_at is not None:
        return TenantStatus("closed", merged=merged)
    finding = followed_finding(report)
    if report.status == ReportStatus.NEW or finding is None:
        return TenantStatus("received")
    if finding.status in FIXED_STATUSES:
        # Asked again after each fix: a "no" reopened it, and it was fixed once more.
        asked_before = report.reopened_at is not None and finding.fixed_at is not None \
            and report.reopened_at >= finding.fixed_at
        return TenantStatus("fixed", ask_fixed=not asked_before, merged=merged)
    if finding.status in CLOSED_AS:
        return TenantStatus("declined", reason=CLOSED_AS[finding.status], merged=merged)
    return TenantStatus("handled", merged=merged)
