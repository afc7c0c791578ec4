"""Reports tenants send from a building's QR page (issue 25): what, where, when it feels
unsafe, an optional photo and an optional way to reach them; staff triage each one into a
finding, onto an open finding it repeats, or decline it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.afterwalk import TimeOfDay
from app.models.findings import Category, Finding
from app.models.personal import Kind, OnErase, person
from app.models.places import Building
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.users import User


class TenantPlace(StrEnum):
    """Where at the building: chosen from a few big buttons, no map needed."""

    ENTRANCE = "entrance"
    STAIRWELL = "stairwell"
    BASEMENT = "basement"
    COURTYARD = "courtyard"
    OUTSIDE = "outside"


class ReportStatus(StrEnum):
    """The triage: new in the inbox, accepted as a finding, merged onto an open finding it
    repeats, or declined. Accepted and merged reports then follow their finding."""

    NEW = "new"
    ACCEPTED = "accepted"
    MERGED = "merged"
    DECLINED = "declined"


class DeclineReason(StrEnum):
    NOT_OURS = "not_ours"
    FAULT_REPORT = "fault_report"
    ALREADY_FIXED = "already_fixed"
    UNCLEAR = "unclear"
    INAPPROPRIATE = "inappropriate"
    WONT_FIX = "wont_fix"


class TenantReport(db.Model):
    __tablename__ = "tenant_reports"
    __table_args__ = (
        # The inbox: new reports, oldest first.
        Index("ix_tenant_reports_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The status page's link is the secret; only its SHA-256 is kept.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True,
                                            info=person(Kind.SECRET, OnErase.KEEP))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    place: Mapped[TenantPlace] = mapped_column(str_enum(TenantPlace))
    time_of_day: Mapped[TimeOfDay] = mapped_column(str_enum(TimeOfDay))
    # The phone's position, when the tenant tapped "Use my position" (optional; only kept
    # near the building). Without it the place is the building and the choice above.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    # The page's language when it was sent: staff read the text as written.
    language: Mapped[str] = mapped_column(String(8), default="sv")
    # The stored photo (already upright, stripped and blurred): keys, size, checksum. It
    # moves to the finding when the report is accepted or merged.
    photo: Mapped[dict | None] = mapped_column(JSON)
    # How to reach the tenant, both optional; cleared 30 days after the report is closed
    # (flask purge-expired), never shown to fixers nor exported.
    contact_email: Mapped[str] = mapped_column(String(254), default="",
                                               info=person(Kind.EMAIL, OnErase.CLEAR))
    contact_phone: Mapped[str] = mapped_column(String(40), default="",
                                               info=person(Kind.NAME, OnErase.CLEAR))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus),
                                                 default=ReportStatus.NEW)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(str_enum(DeclineReason))
    # The finding it became (accepted) or repeats (merged).
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"), index=True)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                      info=person(Kind.USER))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The tenant's answer to "Is it fixed?": yes closes the report, no reopens its finding.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_note: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    # Declined, or confirmed fixed by the tenant (contact details go 30 days later).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The mail sent when it matters (app/tenants/news.py): when "Is it fixed?" was last
    # asked (asked again only after a later fix) and when the tenant was told it is declined.
    asked_fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The link in the latest such mail: a second key to the status page (the first one's
    # token is not kept, so it cannot be mailed again). A new one with each mail.
    mail_token_hash: Mapped[str | None] = mapped_column(
        String(64), unique=True, info=person(Kind.SECRET, OnErase.KEEP))

    building: Mapped[Building] = relationship()
    category: Mapped[Category] = relationship()
    finding: Mapped[Finding | None] = relationship()
    triaged_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<TenantReport {self.id} {self.status}>"
