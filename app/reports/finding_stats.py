"""Findings in a period: how many, how many fixed, by category and status, where they cluster
(hotspots) and where they came back after a fix."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Integer, bindparam, func, select, true
from sqlalchemy.orm import Session

from app.models import (
    Building,
    BuildingPeriodRollup,
    BuildingRollup,
    Category,
    FindingFact,
    FindingStatus,
    RecurringPeriodRollup,
    RecurringRollup,
)
from app.periods import Filters
from app.reports.facts import (
    FIXED_STATUSES,
    facts_of,
    finding_rollups,
    finding_scope,
    is_fixed,
    month_rollups,
    overdue_now,
    rollup_params,
    rollup_scope,
)


def finding_totals(session: Session, filters: Filters) -> dict:
    facts = facts_of(session, filters)
    totals, overdue = _cached(facts, _totals_statements)(
        facts, finding_rollups(session, filters), bool(filters.district_id))
    params = _params(filters)
    total, fixed = session.execute(totals, params).one()
    overdue = session.scalar(overdue, params)
    return {
        "total": total,
        "fixed": fixed,
        "fixed_share": round(100.0 * fixed / total, 1) if total else None,
        "overdue": overdue,
    }


# Built once per shape with bound parameters (see _params), not per request: building them
# cost one district's dashboard ~2 ms of CPU. While the facts are stale, per request.


def _cached(facts, build):
    return build if facts is FindingFact.__table__ else build.__wrapped__


def _params(filters: Filters) -> dict:
    period = filters.period
    return {"utc_from": period.utc_start, "utc_to": period.utc_end,
            "today": filters.today, **rollup_params(filters)}


def _scope(facts, one_district: bool, *, in_period: bool = True) -> list:
    """As facts.finding_scope, bound: found from :utc_from to :utc_to, in :district."""
    conditions = []
    if in_period:
        created = facts.c.created_at
        conditions += [created >= bindparam("utc_from", type_=created.type),
                       created < bindparam("utc_to", type_=created.type)]
    if one_district:
        conditions.append(facts.c.district_id == bindparam("district", type_=Integer))
    return conditions


@lru_cache(maxsize=8)
def _totals_statements(facts, rollup, one_district: bool):
    """(found, fixed) in the period (from `rollup`, the monthly or yearly rollups, if not
    None), and overdue on :today (whenever found)."""
    if rollup is not None:
        total = func.coalesce(func.sum(rollup.findings), 0)
        fixed = func.coalesce(func.sum(rollup.findings).filter(
            rollup.status.in_(FIXED_STATUSES)), 0)
        totals = select(total, fixed).where(*rollup_scope(rollup, one_district=one_district))
    else:
        count = func.count(facts.c.finding_id)
        totals = (select(count, count.filter(is_fixed(facts)))
                  .where(*_scope(facts, one_district)))
    # count(*), not of a column: the index (open_due, district_id) answers it alone.
    overdue = select(func.count()).select_from(facts).where(
        *overdue_now(facts), *_scope(facts, one_district, in_period=False))
    return totals, overdue


def finding_breakdown(session: Session, filters: Filters) -> tuple[
        dict, list[tuple[Category, int]], list[tuple[FindingStatus, int]]]:
    """finding_totals, findings_by_category and findings_by_status from one statement: the
    period's findings per (category, status), with the overdue count as a column. The
    three read the same rollup (or facts) rows; one district's dashboard at 1 M asked for
    them in four round trips."""
    facts = facts_of(session, filters)
    statement = _cached(facts, _breakdown_statement)(
        facts, finding_rollups(session, filters), bool(filters.district_id))
    params = _params(filters)
    rows = session.execute(statement, params).all()
    if rows:
        overdue = rows[0][3]
    else:  # nothing found in the period: the overdue count came with no row
        overdue = session.scalar(_cached(facts, _totals_statements)(
            facts, finding_rollups(session, filters), bool(filters.district_id))[1], params)
    per_category: dict[Category, int] = {}
    per_status: dict[FindingStatus, int] = {}
    total = fixed = 0
    for category, status, n, _overdue in rows:
        n = int(n or 0)
        total += n
        if status in FIXED_STATUSES:
            fixed += n
        per_category[category] = per_category.get(category, 0) + n
        per_status[status] = per_status.get(status, 0) + n
    totals = {
        "total": total,
        "fixed": fixed,
        "fixed_share": round(100.0 * fixed / total, 1) if total else None,
        "overdue": overdue,
    }
    by_category = sorted(((category, n) for category, n in per_category.items() if n > 0),
                         key=lambda row: (-row[1], row[0].position, row[0].id))
    by_status = [(status, per_status[status]) for status in FindingStatus
                 if per_status.get(status)]
    return totals, by_category, by_status


@lru_cache(maxsize=8)
def _breakdown_statement(facts, rollup, one_district: bool):
    """(category, status, found, overdue on :today) of the period (from `rollup` if not None)."""
    _totals, overdue = _totals_statements.__wrapped__(facts, rollup, one_district)
    overdue = overdue.scalar_subquery().correlate(None)  # not with the outer facts
    if rollup is not None:
        return (select(Category, rollup.status, func.sum(rollup.findings), overdue)
                .join(rollup, rollup.category_id == Category.id)
                .where(*rollup_scope(rollup, one_district=one_district))
                .group_by(Category.id, rollup.status))
    return (select(Category, facts.c.status, func.count(facts.c.finding_id), overdue)
            .join(facts, facts.c.category_id == Category.id)
            .where(*_scope(facts, one_district))
            .group_by(Category.id, facts.c.status))


def findings_by_category(session: Session, filters: Filters) -> list[tuple[Category, int]]:
    facts = facts_of(session, filters)
    params = None
    if (rollup := finding_rollups(session, filters)) is not None:
        count = func.sum(rollup.findings)
        query = (select(Category, count)
                 .join(rollup, rollup.category_id == Category.id)
                 .where(*rollup_scope(rollup, one_district=bool(filters.district_id)))
                 .having(count > 0))
        params = rollup_params(filters)
    else:
        count = func.count(facts.c.finding_id)
        query = (select(Category, count)
                 .join(facts, facts.c.category_id == Category.id)
                 .where(*finding_scope(facts, filters)))
    rows = session.execute(
        query.group_by(Category.id).order_by(count.desc(), Category.position, Category.id),
        params)
    return [(category, n) for category, n in rows]


def findings_by_status(session: Session, filters: Filters) -> list[tuple[FindingStatus, int]]:
    facts = facts_of(session, filters)
    params = None
    if (rollup := finding_rollups(session, filters)) is not None:
        query = (select(rollup.status, func.sum(rollup.findings))
                 .where(*rollup_scope(rollup, one_district=bool(filters.district_id)))
                 .group_by(rollup.status))
        params = rollup_params(filters)
    else:
        query = (select(facts.c.status, func.count(facts.c.finding_id))
                 .where(*finding_scope(facts, filters)).group_by(facts.c.status))
    rows = dict(session.execute(query, params).all())
    return [(status, rows[status]) for status in FindingStatus if rows.get(status)]


def _whole_year(session: Session, filters: Filters) -> bool:
    """The yearly rollups (all districts) serve a whole year for all districts."""
    return (filters.period.kind == "year" and not filters.district_id
            and month_rollups(session, filters) is not None)


# The months a period of these kinds spans, for all districts read from the monthly and
# quarterly rollups of buildings and came-back pairs.
_PERIOD_MONTHS = {"month": 1, "quarter": 3}


def _period_rollups(session: Session, filters: Filters) -> dict | None:
    """The parameters of the period's rows in the monthly or quarterly rollups (all
    districts), when they serve it."""
    months = _PERIOD_MONTHS.get(filters.period.kind)
    if months is None or filters.district_id or month_rollups(session, filters) is None:
        return None
    return {"months": months, "start": filters.period.start}


def _of_period(table) -> list:
    return [table.months == bindparam("months", type_=Integer),
            table.start == bindparam("start", type_=table.start.type)]


def hotspots(session: Session, filters: Filters, limit: int = 10) -> list[tuple[Building, int]]:
    if (period := _period_rollups(session, filters)) is not None:
        rows = session.execute(_period_hotspots_statement(limit), period)
        return [(building, n) for building, n in rows]
    if _whole_year(session, filters):
        year = BuildingRollup.year == filters.period.year
        # Only buildings with at least the tenth-highest count can be in the top ten.
        tenth = (select(BuildingRollup.findings).where(year)
                 .order_by(BuildingRollup.findings.desc()).offset(limit - 1).limit(1)
                 .scalar_subquery())
        rows = session.execute(
            select(Building, BuildingRollup.findings)
            .join(BuildingRollup, BuildingRollup.building_id == Building.id)
            .where(year, BuildingRollup.findings >= func.coalesce(tenth, 1))
            .order_by(BuildingRollup.findings.desc(), Building.code)
            .limit(limit)
        )
        return [(building, n) for building, n in rows]
    facts = facts_of(session, filters)
    statement = _cached(facts, _hotspots_statement)(facts, bool(filters.district_id), limit)
    return [(building, n) for building, n in session.execute(statement, _params(filters))]


@lru_cache(maxsize=2)
def _period_hotspots_statement(limit: int):
    """The top buildings of :months from :start (a month's or quarter's rows)."""
    rollup = BuildingPeriodRollup
    # Only buildings with at least the tenth-highest count can be in the top ten.
    tenth = (select(rollup.findings).where(*_of_period(rollup))
             .order_by(rollup.findings.desc()).offset(limit - 1).limit(1).scalar_subquery())
    return (select(Building, rollup.findings)
            .join(rollup, rollup.building_id == Building.id)
            .where(*_of_period(rollup), rollup.findings >= func.coalesce(tenth, 1))
            .order_by(rollup.findings.desc(), Building.code)
            .limit(limit))


@lru_cache(maxsize=4)
def _hotspots_statement(facts, one_district: bool, limit: int):
    # Count per building on the narrow facts first. Only buildings with at least the
    # tenth-highest count can be in the top ten: their codes (the tie-break) are read one
    # by one, and only the top ten joined (joining all of a district's ~500 counts made
    # PostgreSQL hash all 50,000 buildings).
    counted = (
        select(facts.c.building_id, func.count(facts.c.finding_id).label("n"))
        .where(facts.c.building_id.is_not(None), *_scope(facts, one_district))
        .group_by(facts.c.building_id)
        .cte("counted")
    )
    tenth = (select(counted.c.n).order_by(counted.c.n.desc()).offset(limit - 1).limit(1)
             .scalar_subquery())
    code = (select(Building.code).where(Building.id == counted.c.building_id)
            .scalar_subquery())
    top = (select(counted.c.building_id, counted.c.n, code.label("code"))
           .where(counted.c.n >= func.coalesce(tenth, 1))
           .order_by(counted.c.n.desc(), code).limit(limit).subquery())
    return (
        select(Building, top.c.n)
        .join(top, top.c.building_id == Building.id)
        .order_by(top.c.n.desc(), top.c.code)
    )


def recurring(session: Session, filters: Filters, limit: int = 20) -> list[dict]:
    """Findings found again at the same building and category after an earlier one was fixed."""
    if (period := _period_rollups(session, filters)) is not None:
        return _recurring_rows(session, _period_recurring_statement(limit), period)
    if _whole_year(session, filters):
        top = (
            select(RecurringRollup.building_id, RecurringRollup.category_id,
                   RecurringRollup.findings.label("n"), RecurringRollup.last_at.label("last"))
            .where(RecurringRollup.year == filters.period.year, RecurringRollup.findings > 0)
            .order_by(RecurringRollup.findings.desc(), RecurringRollup.last_at.desc())
            .limit(limit)
            .subquery()
        )
        return _recurring_rows(session, _recurring_statement_of(top))
    facts = facts_of(session, filters)
    statement = _cached(facts, _recurring_statement)(facts, bool(filters.district_id), limit)
    return _recurring_rows(session, statement, _params(filters))


@lru_cache(maxsize=2)
def _period_recurring_statement(limit: int):
    """The pairs that came back most in :months from :start (a month's or quarter's rows)."""
    rollup = RecurringPeriodRollup
    top = (
        select(rollup.building_id, rollup.category_id, rollup.findings.label("n"),
               rollup.last_at.label("last"))
        .where(*_of_period(rollup), rollup.findings > 0)
        .order_by(rollup.findings.desc(), rollup.last_at.desc())
        .limit(limit)
        .subquery()
    )
    return _recurring_statement_of(top)


@lru_cache(maxsize=4)
def _recurring_statement(facts, one_district: bool, limit: int):
    count = func.count(facts.c.finding_id)
    last = func.max(facts.c.created_at)
    top = (
        select(facts.c.building_id, facts.c.category_id, count.label("n"), last.label("last"))
        .where(facts.c.came_back == true(), facts.c.building_id.is_not(None),
               *_scope(facts, one_district))
        .group_by(facts.c.building_id, facts.c.category_id)
        .order_by(count.desc(), last.desc())
        .limit(limit)
        .subquery()
    )
    return _recurring_statement_of(top)


def _recurring_statement_of(top):
    return (
        select(Building, Category, top.c.n, top.c.last)
        .join(top, top.c.building_id == Building.id)
        .join(Category, Category.id == top.c.category_id)
        .order_by(top.c.n.desc(), top.c.last.desc())
    )


def _recurring_rows(session: Session, statement, params=None) -> list[dict]:
    rows = session.execute(statement, params)
    return [
        {"building": b, "category": c, "count": n, "last": last} for b, c, n, last in rows
    ]
