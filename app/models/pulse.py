"""The tenants' safety pulse: one anonymous answer to "how safe do you feel here right now?"."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.afterwalk import TimeOfDay
from app.models.places import Building
from app.models.types import str_enum


class PulseAnswer(db.Model):
    """One answer, 1 (very unsafe) to 5 (very safe), for a building and a time of day.

    Anonymous by construction: no user, no IP address, no clock time (only the local day, so a
    row cannot be matched to a web server's access log line by its second). `once_digest` is
    an HMAC, under a server key, of (the device's random cookie, the building, the ISO week):
    it only makes a second answer from the same phone for the same building in the same week
    collide with the first. Two answers of one phone in different weeks or for different
    buildings have unrelated digests, so they cannot be linked; it is no credential, and no
    person's account lies behind it.
    """

    __tablename__ = "pulse_answers"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    time_of_day: Mapped[TimeOfDay] = mapped_column(str_enum(TimeOfDay))
    answered_on: Mapped[date] = mapped_column(Date, index=True)  # local (Europe/Stockholm) day
    week: Mapped[str] = mapped_column(String(8))  # ISO week of answered_on: "2026-W49"
    once_digest: Mapped[str] = mapped_column(String(64), unique=True)

    building: Mapped[Building] = relationship()
