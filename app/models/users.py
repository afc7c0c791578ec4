"""People who use Trygg."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.personal import Kind, OnErase, person
from app.models.places import District
from app.models.types import UTCDateTime, str_enum, utcnow


class Role(StrEnum):
    WALKER = "walker"
    FIXER = "fixer"
    MANAGER = "manager"
    ADMIN = "admin"


user_districts = Table(
    "user_districts",
    db.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
           info=person(Kind.USER, OnErase.DELETE)),
    Column(
        "district_id", Integer, ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True
    ),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, info=person(Kind.USER))
    email: Mapped[str] = mapped_column(String(254), unique=True, info=person(Kind.EMAIL))
    name: Mapped[str] = mapped_column(String(120), info=person(Kind.NAME, of_row_user=True))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.WALKER)
    password_hash: Mapped[str] = mapped_column(String(255), info=person(Kind.SECRET))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(5))
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True)
    # Off: this user logs in only through single sign-on (app/accounts/sso.py).
    password_login: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Two-factor (TOTP): the secret once confirmed, and the last time step used (no replay).
    totp_secret: Mapped[str | None] = mapped_column(String(64), info=person(Kind.SECRET))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last login (retention: an account unused for ACCOUNT_RETENTION_MONTHS is
    # anonymised), and when the account was anonymised (person-erase or retention).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    districts: Mapped[list[District]] = relationship(secondary=user_districts)

    # The login session this object was loaded through (set by the user loader), so that
    # Flask-Login stores and remembers the per-device token, never the user id.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
