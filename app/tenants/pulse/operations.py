"""The only code that writes pulse answers."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.extensions import insert_with_conflicts
from app.models import Building, PulseAnswer, TimeOfDay
from app.tenants.pulse.device import iso_week, once_digest

SCORES = range(1, 6)


def record_answer(session: Session, building: Building, *, score: int,
                  time_of_day: TimeOfDay | str, device_id: str, secret_key: str,
                  today: date) -> bool:
    """Keep one answer; False (nothing kept) when this device already answered for this
    building this ISO week: the first answer counts.

    One INSERT … ON CONFLICT DO NOTHING on the unique digest, so two taps at once from the
    same phone keep one row on both databases, without a read before the write.
    """
    if score not in SCORES:
        raise DomainError(_l("Choose a number from 1 to 5."), field="score")
    week = iso_week(today)
    statement = (
        insert_with_conflicts(session.get_bind().dialect.name, PulseAnswer.__table__)
        .values(building_id=building.id, score=score, time_of_day=TimeOfDay(time_of_day),
                answered_on=today, week=week,
                once_digest=once_digest(secret_key, device_id, building.id, week))
        .on_conflict_do_nothing(index_elements=["once_digest"])
        .returning(PulseAnswer.id)  # rowcount is -1 for this statement on PostgreSQL
    )
    return session.execute(statement).scalar() is not None
