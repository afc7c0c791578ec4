"""What other systems use to talk to Trygg: API keys, webhook endpoints and their deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.personal import Kind, OnErase, person
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.users import User


class ApiScope(StrEnum):
    READ_FINDINGS = "findings:read"
    CREATE_FINDINGS = "findings:create"
    OPEN311 = "open311"
    SITUATION_FEED = "feed:situation"


class ApiKey(db.Model):
    """One integration's key. Only the SHA-256 of the token is stored: the token is 256
    random bits, so no dictionary or brute force gets from the hash back to it, and a slow
    password hash (scrypt) would only cost time on every API call."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The token's first characters, shown in lists so an admin can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    # A credential of the integration, not of its creator: left out of a register extract,
    # kept when the creator is erased (the integration goes on working).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True,
                                            info=person(Kind.SECRET, OnErase.KEEP))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Findings the integration creates are recorded as this (never logged in) user.
    service_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True,
                                                 info=person(Kind.USER))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, info=person(Kind.USER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service_user: Mapped[User] = relationship(foreign_keys=[service_user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: ApiScope) -> bool:
        return self.active and scope.value in (self.scopes or [])


class WebhookEvent(StrEnum):
    FINDING_CREATED = "finding.created"
    FINDING_ASSIGNED = "finding.assigned"
    FINDING_STATUS_CHANGED = "finding.status_changed"
    FINDING_VERIFIED = "finding.verified"
    WALK_COMPLETED = "walk.completed"


class WebhookEndpoint(db.Model):
    """A URL that receives events. The secret signs each delivery (HMAC-SHA256), so it must
    be kept readable here; it is shown once, when the endpoint is added."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128), info=person(Kind.SECRET, OnErase.KEEP))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, info=person(Kind.USER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="endpoint", order_by="WebhookDelivery.id.desc()",
        cascade="all, delete-orphan", lazy="dynamic")


class DeliveryStatus(StrEnum):
    PENDING = "pending"      # waiting for its first or next try
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"        # given up: 24 h of tries, or refused before sending


class WebhookDelivery(db.Model):
    """One event for one endpoint, written in the same transaction as the change it tells
    of (so an event exists exactly when the change is committed), sent afterwards."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    # A finding's description travels in it (never a name the app adds itself).
    body: Mapped[str] = mapped_column(Text, info=person(Kind.TEXT))
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_status: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(String(300), default="")

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")
