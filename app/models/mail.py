"""E-mail Trygg sends, kept as rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.personal import Kind, OnErase, person
from app.models.types import UTCDateTime, utcnow


class OutboxMail(db.Model):
    """Every e-mail Trygg sends; without SMTP settings this is where mail stays."""

    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                info=person(Kind.USER, OnErase.DELETE))
    to_address: Mapped[str] = mapped_column(String(254),
                                            info=person(Kind.EMAIL, OnErase.DELETE))
    subject: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text, info=person(Kind.TEXT, OnErase.DELETE))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")

    attachments: Mapped[list[MailAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="MailAttachment.id")


class MailAttachment(db.Model):
    """A file sent with an outbox mail (a point's stored, face-blurred photo; a calendar
    invitation), kept with the mail so that sending later sends exactly what was meant."""

    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("outbox_mails.id", ondelete="CASCADE"),
                                         index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))  # "image/jpeg", "text/calendar"
    data: Mapped[bytes] = mapped_column(LargeBinary)
