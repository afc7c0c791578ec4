"""Reads for the pulse question: whether this phone has answered for a building this week."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Building, PulseAnswer
from app.tenants.pulse.device import iso_week, once_digest


def answered_this_week(session: Session, building: Building, device_id: str | None,
                       secret_key: str, today: date) -> bool:
    if device_id is None:
        return False
    digest = once_digest(secret_key, device_id, building.id, iso_week(today))
    return session.scalar(
        select(PulseAnswer.id).where(PulseAnswer.once_digest == digest)) is not None
