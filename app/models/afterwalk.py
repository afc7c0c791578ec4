"""After the walk (issue 24): who owns each point and what they will do about it, the public
links a walk opens (its live protocol, the residents' "pin a place" page), the pins residents
leave."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.findings import Finding
from app.models.personal import Kind, OnErase, person
from app.models.places import Building
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.walks import Walk


class OwnerKind(StrEnum):
    OURS = "ours"
    MUNICIPALITY = "municipality"
    TRANSIT = "transit"
    LANDLORD = "landlord"
    POLICE = "police"
    OTHER = "other"


class Owner(db.Model):
    """Who may own a point of a walk: our company, the municipality, the transit company…
    A list the admin keeps; an owner other than our company is sent its points by e-mail."""

    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), info=person(Kind.NAME))
    kind: Mapped[OwnerKind] = mapped_column(str_enum(OwnerKind))
    email: Mapped[str] = mapped_column(String(254), default="", info=person(Kind.EMAIL))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_ours(self) -> bool:
        return self.kind == OwnerKind.OURS


class FindingAnswer(db.Model):
    """The after-meeting's answer to one point: an owner with a planned action and a due
    date, or "no action" with the reason; and, for an outside owner, the mail sent to them
    and their reply as staff recorded it."""

    __tablename__ = "finding_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owners.id"), index=True)
    action: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    due_date: Mapped[date | None] = mapped_column(Date)
    no_action: Mapped[bool] = mapped_column(Boolean, default=False)
    no_action_reason: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                       info=person(Kind.USER))
    # The outbox row that told the owner (None: ours, or not sent yet).
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_mails.id"), index=True)
    owner_reply: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    owner_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    finding: Mapped[Finding] = relationship()
    owner: Mapped[Owner | None] = relationship()


class AfterMeeting(db.Model):
    """The walk's after-meeting, once finished: every point answered, the re-walk planned."""

    __tablename__ = "after_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"),
                                         unique=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                        info=person(Kind.USER))
    rewalk_id: Mapped[int | None] = mapped_column(ForeignKey("walks.id"), index=True)

    rewalk: Mapped[Walk | None] = relationship(foreign_keys=[rewalk_id])


class LinkKind(StrEnum):
    PROTOCOL = "protocol"
    PINS = "pins"


class PublicLink(db.Model):
    """A secret link a walk opens to people without an account: its live protocol, or the
    residents' page to pin places. Closing it deletes the row: a new link when reopened."""

    __tablename__ = "public_links"
    __table_args__ = (UniqueConstraint("walk_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LinkKind] = mapped_column(str_enum(LinkKind))
    token: Mapped[str] = mapped_column(String(64), unique=True,
                                       info=person(Kind.SECRET, OnErase.KEEP))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                      info=person(Kind.USER))

    walk: Mapped[Walk] = relationship()


class TimeOfDay(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"


class PinStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ResidentPin(db.Model):
    """A place a resident says feels unsafe, left on the walk's public page before the walk;
    staff approve it (a route suggestion on the walk's map) or reject it."""

    __tablename__ = "resident_pins"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, info=person(Kind.TEXT))
    time_of_day: Mapped[TimeOfDay] = mapped_column(str_enum(TimeOfDay))
    status: Mapped[PinStatus] = mapped_column(str_enum(PinStatus), default=PinStatus.PENDING,
                                              index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                        info=person(Kind.USER))

    building: Mapped[Building | None] = relationship()
