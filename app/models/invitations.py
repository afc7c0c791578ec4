"""Before the walk (issue 24): the people a walk's leader invites (with or without an account,
each sent the invitation with a calendar file when an e-mail address is given), and each
user's secret calendar feed address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mail import OutboxMail
from app.models.personal import Kind, OnErase, person
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.users import User
from app.models.walks import ParticipantRole, Walk


class WalkInvitation(db.Model):
    """Someone invited to a planned walk. Erasing the person deletes the row (their name or
    address names them; the phone number goes with it); the retention rule empties name,
    e-mail and phone with the participants' names."""

    __tablename__ = "walk_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), info=person(Kind.NAME, OnErase.DELETE))
    role: Mapped[ParticipantRole] = mapped_column(str_enum(ParticipantRole))
    email: Mapped[str] = mapped_column(String(254), default="",
                                       info=person(Kind.EMAIL, OnErase.DELETE))
    phone: Mapped[str] = mapped_column(String(40), default="",
                                       info=person(Kind.TEXT, OnErase.CLEAR))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, info=person(Kind.USER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last invitation (or update) mailed, to show whether it went.
    mail_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_mails.id", ondelete="SET NULL"), index=True)

    walk: Mapped[Walk] = relationship()
    mail: Mapped[OutboxMail | None] = relationship()


class CalendarFeed(db.Model):
    """A user's secret calendar address (/calendar/<token>.ics): only the token's SHA-256
    is kept, so the address is shown once; a new one replaces it, removing it ends it."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True, info=person(Kind.USER, OnErase.DELETE))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=person(Kind.SECRET))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
