"""Walks in a period: planned, completed (daylight and evening) against the year's target."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import LightCondition, Walk, WalkStatus, WalkTarget
from app.periods import Filters, bucket


def _walk_scope(filters: Filters):
    conditions = []
    if filters.district_id:
        conditions.append(Walk.district_id == filters.district_id)
    return conditions


def walk_counts(session: Session, filters: Filters) -> dict:
    """Planned and completed walks, daylight/evening split, and the year's target."""
    period = filters.period
    completed = and_(Walk.status == WalkStatus.COMPLETED, period.contains(Walk.completed_at))
    row = session.execute(
        select(
            # A cancelled walk was not planned to happen after all (nor done).
            func.count(Walk.id).filter(period.contains(Walk.planned_start),
                                       Walk.status != WalkStatus.CANCELLED),
            func.count(Walk.id).filter(completed),
            func.count(Walk.id).filter(
                completed, Walk.light_condition == LightCondition.DAYLIGHT
            ),
            func.count(Walk.id).filter(completed, Walk.light_condition == LightCondition.DARK),
        ).where(*_walk_scope(filters))
    ).one()
    target_query = select(func.sum(WalkTarget.target)).where(WalkTarget.year.in_(period.years))
    if filters.district_id:
        target_query = target_query.where(WalkTarget.district_id == filters.district_id)
    target = session.scalar(target_query)
    return {
        "planned": row[0],
        "completed": row[1],
        "daylight": row[2],
        "evening": row[3],
        "target": int(target) if target is not None else None,
    }


def walks_per_month(session: Session, filters: Filters) -> list[tuple[str, int]]:
    """Completed walks per local month of the period (months without walks included)."""
    edges = filters.period.months()
    month = bucket(Walk.completed_at, edges).label("month")
    rows = dict(
        session.execute(
            select(month, func.count(Walk.id))
            .where(Walk.status == WalkStatus.COMPLETED,
                   filters.period.contains(Walk.completed_at), *_walk_scope(filters))
            .group_by(month)
        ).all()
    )
    return [(key, rows.get(key, 0)) for key, _start, _end in edges]
