"""Safety walks and who took part."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.personal import Kind, person
from app.models.places import District
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.users import User

if TYPE_CHECKING:
    from app.models.findings import Finding


class WalkStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    # Called off before it started (its leader or a manager): the invited are mailed the
    # calendar event's cancellation; it is never started, nor counted as planned or done.
    CANCELLED = "cancelled"


class LightCondition(StrEnum):
    DAYLIGHT = "daylight"
    DARK = "dark"


class ParticipantRole(StrEnum):
    STAFF = "staff"
    TENANT = "tenant"
    POLICE = "police"
    MUNICIPALITY = "municipality"
    OTHER = "other"


class Walk(db.Model):
    __tablename__ = "walks"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    route: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    # Where the group meets ("Albyvägen 12, by the laundry"): the calendar event's LOCATION.
    meeting_point: Mapped[str] = mapped_column(String(200), default="", server_default="")
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    light_condition: Mapped[LightCondition] = mapped_column(str_enum(LightCondition))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                  info=person(Kind.USER))
    status: Mapped[WalkStatus] = mapped_column(
        str_enum(WalkStatus), default=WalkStatus.PLANNED, index=True
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                        info=person(Kind.USER))
    # Why it was called off, as told to the invited in the cancellation mail (may be empty).
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="",
                                               info=person(Kind.TEXT))
    notes: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    # A follow-up walk re-checks the open findings of an earlier walk.
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("walks.id"), index=True)
    # The iCalendar SEQUENCE of the walk's event: one up each time its time or place moves,
    # so calendars that got an invitation take the newer one.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                      info=person(Kind.USER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    district: Mapped[District] = relationship(back_populates="walks")
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    participants: Mapped[list[WalkParticipant]] = relationship(
        back_populates="walk", cascade="all, delete-orphan", order_by="WalkParticipant.id"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="walk", order_by="Finding.created_at.desc()"
    )
    follow_up_of: Mapped[Walk | None] = relationship(remote_side=[id])
    checklist: Mapped[list[FollowUpItem]] = relationship(
        back_populates="walk", cascade="all, delete-orphan", order_by="FollowUpItem.id"
    )

    def __repr__(self) -> str:
        return f"<Walk {self.id} {self.status}>"


class WalkParticipant(db.Model):
    __tablename__ = "walk_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), info=person(Kind.NAME, of_row_user=True))
    role: Mapped[ParticipantRole] = mapped_column(str_enum(ParticipantRole))
    # Set when the participant has an account: they may then capture on the walk.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, info=person(Kind.USER)
    )

    # A guest joined on their own phone by the walk's code (app/guests), without an account:
    # their findings name them ("Namn (Polis), gäst"). The session ends with the walk or
    # GUEST_SESSION_HOURS after joining; only the hash of its secret is kept.
    guest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_hash: Mapped[str | None] = mapped_column(String(64), info=person(Kind.SECRET))

    walk: Mapped[Walk] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship()


class WalkJoinCode(db.Model):
    """The 6-character code (and QR) a walk's leader shows at the start: guests type it on
    their own phone to join the walk in progress (app/guests)."""

    __tablename__ = "walk_join_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"),
                                         unique=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                      info=person(Kind.USER))

    walk: Mapped[Walk] = relationship()


class FollowUpOutcome(StrEnum):
    OPEN = "open"
    FIXED = "fixed"
    NOT_FIXED = "not_fixed"


class FollowUpItem(db.Model):
    """One still-open finding carried into a follow-up walk as a checklist line."""

    __tablename__ = "follow_up_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    outcome: Mapped[FollowUpOutcome] = mapped_column(
        str_enum(FollowUpOutcome), default=FollowUpOutcome.OPEN
    )
    note: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),
                                                      info=person(Kind.USER))

    walk: Mapped[Walk] = relationship(back_populates="checklist")
    finding: Mapped[Finding] = relationship()


class WalkTarget(db.Model):
    """How many walks a district should do in a year."""

    __tablename__ = "walk_targets"
    __table_args__ = (UniqueConstraint("district_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)

    district: Mapped[District] = relationship()
