"""The writes of the tenant pages: a report sent from a building's page, and the tenant's
answer to "Is it fixed?". Like every operation: validated input in, add and flush, never
commit; files to delete after the commit are returned."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.operations.timeline import record_event
from app.findings.operations.workflow import transition
from app.media.photos import ProcessedPhoto, process_upload, save_photo_pair
from app.models import (
    Building,
    Category,
    Finding,
    FindingStatus,
    OutboxMail,
    TenantPlace,
    TenantReport,
    TimeOfDay,
    utcnow,
)
from app.places.geo import distance_m, valid_position
from app.policy import can_transition
from app.storage import Storage, delete_files
from app.tenants.mail import send_status_link
from app.tenants.queries import followed_finding, token_hash


@dataclass
class ReportInput:
    category_id: int
    place: str
    time_of_day: str
    description: str = ""
    language: str = "sv"
    contact_email: str = ""
    contact_phone: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class Sent:
    report: TenantReport
    token: str  # the status page's secret, shown once and mailed; only its hash is kept
    files: list[str] = field(default_factory=list)  # written: delete if the commit fails


def store_report_photo(storage: Storage, processed: ProcessedPhoto) -> dict:
    """Write a processed photo (upright, stripped, faces blurred) before any row is written:
    no write lock is held while files are saved. Returns what the report keeps of it."""
    key, thumb = save_photo_pair(storage, f"tenant-reports/{secrets.token_hex(16)}", processed)
    return {"key": key, "thumb": thumb, "width": processed.width, "height": processed.height,
            "bytes": processed.bytes, "sha256": processed.sha256,
            "faces_blurred": processed.faces_blurred}


def photo_files(photo: dict | None) -> list[str]:
    return [photo["key"], photo["thumb"]] if photo else []


def submit_report(session: Session, building: Building, data: ReportInput, *,
                  photo: dict | None = None) -> Sent:
    category = session.get(Category, data.category_id)
    if category is None or not category.active:
        raise DomainError(_l("Choose what it is about."), field="category")
    try:
        place, time_of_day = TenantPlace(data.place), TimeOfDay(data.time_of_day)
    except ValueError as error:
        raise DomainError(_l("Choose where."), field="place") from error
    latitude, longitude = _near_building(building, data.latitude, data.longitude)
    token = secrets.token_urlsafe(24)
    report = TenantReport(
        latitude=latitude, longitude=longitude,
        token_hash=token_hash(token), building=building, category=category, place=place,
        time_of_day=time_of_day, description=data.description.strip(),
        language=data.language, photo=photo, contact_email=data.contact_email.strip(),
        contact_phone=data.contact_phone.strip(),
    )
    session.add(report)
    session.flush()
    return Sent(report, token, photo_files(photo))


def send_report(session: Session, storage: Storage, building: Building, data: ReportInput, *,
                photo_upload: bytes | None, config) -> Sent:
    """A report from a building's page: the photo through the findings' pipeline (upright,
    stripped, faces blurred; PhotoRejected when it cannot be used), then the row, then the
    status link by mail when an address was given."""
    photo = store_report_photo(storage, process_upload(photo_upload)) if photo_upload else None
    try:
        sent = submit_report(session, building, data, photo=photo)
        if sent.report.contact_email:
            send_status_link(session, sent.report, sent.token, config)
    except BaseException:
        delete_files(photo_files(photo), storage)
        raise
    return sent


# A phone's position farther than this from the building is a GPS error or another place:
# the building (and the place chosen) says where, as without a position.
POSITION_NEAR_M = 300


def _near_building(building: Building, latitude: float | None,
                   longitude: float | None) -> tuple[float | None, float | None]:
    if not valid_position(latitude, longitude) or not valid_position(building.latitude,
                                                                     building.longitude):
        return None, None
    if distance_m(latitude, longitude, building.latitude, building.longitude) > POSITION_NEAR_M:
        return None, None
    return latitude, longitude


def time_of_day_now(local: datetime) -> TimeOfDay:
    """The default of "when does it feel unsafe?": the time the tenant is standing there."""
    if 6 <= local.hour < 18:
        return TimeOfDay.DAY
    if 18 <= local.hour < 22:
        return TimeOfDay.EVENING
    return TimeOfDay.NIGHT




def answer_fixed(session: Session, report: TenantReport, *, fixed: bool, note: str) -> None:
    """The tenant's answer to "Is it fixed?". Yes closes the report. No reopens the finding
    it follows, in the name of the manager who triaged the report (a tenant has no account),
    with the tenant's words as the reason; the timeline says the tenant answered."""
    finding = followed_finding(report)
    now = utcnow()
    note = note.strip()
    if fixed:
        report.confirmed_at = report.closed_at = now
        if finding is not None:
            record_event(session, finding, actor=None, field="tenant_report", old=None,
                         new="confirmed")
        session.flush()
        return
    if not note:
        raise DomainError(_l("Tell us what is still wrong."), field="note")
    report.reopened_at, report.reopen_note = now, note
    if finding is None:
        session.flush()
        return
    record_event(session, finding, actor=None, field="tenant_report", old=None,
                 new="not_fixed", note=note)
    target = FindingStatus.ASSIGNED if finding.assignee_id else FindingStatus.ACKNOWLEDGED
    actor = report.triaged_by
    if actor is not None and can_transition(actor, finding, target):
        transition(session, finding, actor=actor, to=target, reason=note)
    session.flush()


# A finding that ends in one of these closes the reports that follow it (a duplicate does
# not: its reports follow the original).
_FINDING_CLOSES = (FindingStatus.VERIFIED, FindingStatus.WONT_FIX, FindingStatus.NOT_OURS)


def purge_contacts(session: Session, *, now: datetime, days: int,
                   dry_run: bool = False) -> int:
    """Clear the e-mail addresses and phone numbers of reports closed more than `days` ago
    (declined or confirmed by the tenant, or their finding verified or closed without a
    fix), and delete the mail sent to those addresses (status link, "Is it fixed?",
    declined). Returns the count."""
    cutoff = now - timedelta(days=days)
    closed_findings = select(Finding.id).where(Finding.closed_at < cutoff,
                                              Finding.status.in_(_FINDING_CLOSES))
    expired = (
        or_(TenantReport.contact_email != "", TenantReport.contact_phone != ""),
        or_(TenantReport.closed_at < cutoff, TenantReport.finding_id.in_(closed_findings)),
    )
    emails = sorted({e for e in session.scalars(select(TenantReport.contact_email)
                                                .where(*expired)) if e})
    count = session.scalar(select(func.count()).select_from(TenantReport).where(*expired))
    if dry_run or not count:
        return count
    session.execute(update(TenantReport).where(*expired)
                    .values(contact_email="", contact_phone="", purged_at=now)
                    .execution_options(synchronize_session=False))
    # The mail that carried the link goes with the address, unless an open report still
    # has it. Tenants have no account: their mail is the mail with no user.
    kept = set(session.scalars(select(TenantReport.contact_email).where(
        TenantReport.contact_email.in_(emails)))) if emails else set()
    if gone := [e for e in emails if e not in kept]:
        session.execute(OutboxMail.__table__.delete().where(
            OutboxMail.to_address.in_(gone), OutboxMail.user_id.is_(None)))
    session.flush()
    return count
