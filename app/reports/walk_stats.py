"""Walks in a period: planned, completed (daylight and evening) against the year's target.

The statements are built once per shape with bound parameters (:utc_from, :utc_to, :district,
:years; the months' edges): building them per request cost one district's dashboard ~2 ms of
CPU."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Integer, String, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import LightCondition, Walk, WalkStatus, WalkTarget
from app.periods import Filters, utc_bound


def _walk_scope(one_district: bool):
    return [Walk.district_id == bindparam("district", type_=Integer)] if one_district else []


def _in_period(column):
    return and_(column >= bindparam("utc_from", type_=column.type),
                column < bindparam("utc_to", type_=column.type))


@lru_cache(maxsize=2)
def _counts_statement(one_district: bool):
    """The walks' counts and the years' target, of :district if one_district: one statement
    (the target a scalar subquery; its own round trip cost ~1.8 ms of SQL wall per dashboard
    at 1 M)."""
    completed = and_(Walk.status == WalkStatus.COMPLETED, _in_period(Walk.completed_at))
    target = (select(func.sum(WalkTarget.target))
              .where(WalkTarget.year.in_(bindparam("years", expanding=True))))
    if one_district:
        target = target.where(WalkTarget.district_id == bindparam("district", type_=Integer))
    return select(
        # A cancelled walk was not planned to happen after all (nor done).
        func.count(Walk.id).filter(_in_period(Walk.planned_start),
                                   Walk.status != WalkStatus.CANCELLED),
        func.count(Walk.id).filter(completed),
        func.count(Walk.id).filter(completed, Walk.light_condition == LightCondition.DAYLIGHT),
        func.count(Walk.id).filter(completed, Walk.light_condition == LightCondition.DARK),
        target.scalar_subquery(),
    ).where(or_(_in_period(Walk.planned_start), _in_period(Walk.completed_at)),
            *_walk_scope(one_district))  # the walks that can count, through their indexes


def walk_counts(session: Session, filters: Filters) -> dict:
    """Planned and completed walks, daylight/evening split, and the year's target."""
    period = filters.period
    params = {"utc_from": period.utc_start, "utc_to": period.utc_end,
              "district": filters.district_id, "years": period.years}
    planned, completed, daylight, evening, target = session.execute(
        _counts_statement(bool(filters.district_id)), params).one()
    return {
        "planned": planned,
        "completed": completed,
        "daylight": daylight,
        "evening": evening,
        "target": int(target) if target is not None else None,
    }


@lru_cache(maxsize=16)
def _per_month_statement(months: int, one_district: bool):
    """Completed walks per month, the months named :key<i> from :from<i> to :to<i> (as
    app.periods.bucket, bound)."""
    column = Walk.completed_at
    month = case(
        *[
            (and_(column >= bindparam(f"from{i}", type_=column.type),
                  column < bindparam(f"to{i}", type_=column.type)),
             bindparam(f"key{i}", type_=String()))
            for i in range(months)
        ],
        else_=None,
    ).label("month")
    return (select(month, func.count(Walk.id))
            .where(Walk.status == WalkStatus.COMPLETED, _in_period(column),
                   *_walk_scope(one_district))
            .group_by(month))


def walks_per_month(session: Session, filters: Filters) -> list[tuple[str, int]]:
    """Completed walks per local month of the period (months without walks included)."""
    period = filters.period
    edges = period.months()
    params = {"utc_from": period.utc_start, "utc_to": period.utc_end,
              "district": filters.district_id}
    for i, (key, start, end) in enumerate(edges):
        params |= {f"key{i}": key, f"from{i}": utc_bound(start), f"to{i}": utc_bound(end)}
    statement = _per_month_statement(len(edges), bool(filters.district_id))
    rows = dict(session.execute(statement, params).all())
    return [(key, rows.get(key, 0)) for key, _start, _end in edges]


def walk_figures(session: Session, filters: Filters) -> tuple[dict, list[tuple[str, int]]]:
    """walk_counts and walks_per_month from one statement: the walks that can count grouped
    by the local month they were completed in (none for the rest), each group's counts
    summed here. Two round trips -> one for the dashboard."""
    period = filters.period
    edges = period.months()
    params = {"utc_from": period.utc_start, "utc_to": period.utc_end,
              "district": filters.district_id, "years": period.years}
    for i, (key, start, end) in enumerate(edges):
        params |= {f"key{i}": key, f"from{i}": utc_bound(start), f"to{i}": utc_bound(end)}
    rows = session.execute(_figures_statement(len(edges), bool(filters.district_id)),
                           params).all()
    if not rows:  # no walk can count: the target alone (the counts' statement has a row)
        rows = [(None, *session.execute(_counts_statement(bool(filters.district_id)),
                                        params).one())]
    target = rows[0][-1]  # the same in every row
    planned = completed = daylight = evening = 0
    per_month: dict[str, int] = {}
    for month, *n, _target in rows:
        planned += n[0]
        completed += n[1]
        daylight += n[2]
        evening += n[3]
        if month is not None:
            per_month[month] = n[1]
    counts = {
        "planned": planned,
        "completed": completed,
        "daylight": daylight,
        "evening": evening,
        "target": int(target) if target is not None else None,
    }
    return counts, [(key, per_month.get(key, 0)) for key, _start, _end in edges]


@lru_cache(maxsize=16)
def _figures_statement(months: int, one_district: bool):
    """_counts_statement's columns per local month of completion (as _per_month_statement's
    :key<i> from :from<i> to :to<i>; none when not completed in the period)."""
    counts = _counts_statement(one_district)
    month = _per_month_statement(months, one_district).selected_columns[0]
    return select(month, *counts.selected_columns).where(counts.whereclause).group_by(month)
