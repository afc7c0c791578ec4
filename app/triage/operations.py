"""Triage of tenant reports: accept as a finding, merge onto an open finding, decline.

Every finding belongs to a walk, and a finding's district is its walk's. Tenant reports have
no walk, so each district gets one intake walk for them on the first accepted report, as
Open311 requests do (app/open311/operations.py): status completed without a completion time,
so no walk count or report counts it and nobody captures onto it from a phone. The accepted
finding then goes the normal way (New findings, assignment, fix, verification), and the
tenant's status page follows it.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.duplicates import possible_duplicates
from app.findings.operations import insert_finding
from app.findings.operations.timeline import record_event
from app.findings.operations.workflow import transition
from app.findings.schemas import DESCRIPTION_MAX, FindingInput
from app.media.photos import ProcessedPhoto, save_photo
from app.models import (
    DeclineReason,
    District,
    Finding,
    FindingStatus,
    PhotoKind,
    PlaceType,
    ReportStatus,
    Severity,
    TenantPlace,
    TenantReport,
    TimeOfDay,
    User,
    Walk,
    utcnow,
)
from app.storage import Storage
from app.tenants.news import tell_declined
from app.tenants.operations import photo_files
from app.walks import operations as walks_operations

INTAKE_ROUTE = "tenants:intake"
INTAKE_TITLE = "Hyresgästernas anmälningar"

PLACE_TYPES = {
    TenantPlace.ENTRANCE: PlaceType.ENTRANCE,
    TenantPlace.STAIRWELL: PlaceType.STAIRWELL,
    TenantPlace.BASEMENT: PlaceType.BASEMENT,
    TenantPlace.COURTYARD: PlaceType.COURTYARD,
    TenantPlace.OUTSIDE: PlaceType.OTHER,
}


def intake_walk(session: Session, district: District) -> Walk:
    return walks_operations.intake_walk(
        session, district, route=INTAKE_ROUTE, title=INTAKE_TITLE,
        notes="Findings from tenants' reports (QR codes at the entrances).")


def _position(report: TenantReport) -> dict:
    """Where the report is: the phone's position when the tenant gave it, else the
    building's."""
    if report.latitude is not None and report.longitude is not None:
        return {"latitude": report.latitude, "longitude": report.longitude}
    return {"latitude": report.building.latitude, "longitude": report.building.longitude}


def _check_new(report: TenantReport) -> None:
    if report.status != ReportStatus.NEW:
        raise DomainError(_l("This report has already been handled."), field="report")


def _triaged(report: TenantReport, actor: User, status: ReportStatus) -> None:
    report.status, report.triaged_by, report.triaged_at = status, actor, utcnow()


def _move_photo(session: Session, storage: Storage, report: TenantReport,
                finding: Finding) -> None:
    """The report's photo becomes a photo of the finding (the same files, already upright,
    stripped and blurred)."""
    photo = report.photo
    if not photo:
        return
    processed = ProcessedPhoto(
        image=b"", thumb=b"", width=photo["width"], height=photo["height"],
        bytes=photo["bytes"], sha256=photo["sha256"], faces_blurred=photo["faces_blurred"])
    save_photo(session, storage, finding=finding, processed=processed, kind=PhotoKind.FINDING,
               stored=(photo["key"], photo["thumb"]))
    report.photo = None


def _description(report: TenantReport) -> str:
    when = {TimeOfDay.DAY: "dag", TimeOfDay.EVENING: "kväll", TimeOfDay.NIGHT: "natt"}
    prefix = f"Hyresgäst ({report.language}, otryggt {when[report.time_of_day]}): "
    return (prefix + report.description)[:DESCRIPTION_MAX]


def accept(session: Session, storage: Storage, report: TenantReport, actor: User, *,
           category_id: int, severity: str) -> Finding:
    _check_new(report)
    building = report.building
    data = FindingInput(
        category_id=category_id, severity=Severity(severity),
        place_type=PLACE_TYPES[report.place], building_id=building.id,
        description=_description(report), **_position(report))
    finding, _created = insert_finding(session, walk=intake_walk(session, building.district),
                                       author=actor, data=data, finding_uuid=None)
    record_event(session, finding, actor=actor, field="tenant_report", old=None,
                 new="accepted")
    transition(session, finding, actor=actor, to=FindingStatus.ACKNOWLEDGED)
    _move_photo(session, storage, report, finding)
    report.finding = finding
    _triaged(report, actor, ReportStatus.ACCEPTED)
    session.flush()
    return finding


def merge_candidates(session: Session, report: TenantReport) -> list:
    """Open findings of the report's category within 30 m of its position (the phone's,
    else the building's)."""
    where = _position(report)
    return possible_duplicates(session, where["latitude"], where["longitude"],
                               report.category_id)


def merge(session: Session, storage: Storage, report: TenantReport, actor: User, *,
          finding_id: int) -> Finding:
    _check_new(report)
    near = {n.finding.id: n.finding for n in merge_candidates(session, report)}
    finding = near.get(finding_id)
    if finding is None:
        raise DomainError(_l("Choose an open finding of the same category within 30 m."),
                          field="finding_id")
    record_event(session, finding, actor=actor, field="tenant_report", old=None,
                 new="merged", note=_description(report))
    _move_photo(session, storage, report, finding)
    report.finding = finding
    _triaged(report, actor, ReportStatus.MERGED)
    session.flush()
    return finding


def decline(session: Session, report: TenantReport, actor: User, *, reason: str,
            config: Mapping) -> list[str]:
    """Declined with a reason the tenant reads (and gets by mail when they gave an address);
    returns the photo's files to delete after the commit (nobody will see the photo again)."""
    _check_new(report)
    try:
        report.decline_reason = DeclineReason(reason)
    except ValueError as error:
        raise DomainError(_l("Choose a reason."), field="reason") from error
    files = photo_files(report.photo)
    report.photo = None
    _triaged(report, actor, ReportStatus.DECLINED)
    report.closed_at = report.triaged_at
    tell_declined(session, report, report.decline_reason, config=config)
    session.flush()
    return files
