"""Findings in a period: how many, how many fixed, by category and status, where they cluster
(hotspots) and where they came back after a fix."""

from __future__ import annotations

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from app.models import (
    Building,
    BuildingRollup,
    Category,
    FindingRollup,
    FindingStatus,
    RecurringRollup,
)
from app.periods import Filters
from app.reports.facts import (
    FIXED_STATUSES,
    facts_of,
    finding_scope,
    is_fixed,
    month_rollups,
    month_scope,
    overdue_now,
)


def finding_totals(session: Session, filters: Filters) -> dict:
    facts = facts_of(session, filters)
    count = func.count(facts.c.finding_id)
    if month_rollups(session, filters):
        total = func.coalesce(func.sum(FindingRollup.findings), 0)
        fixed = func.coalesce(func.sum(FindingRollup.findings).filter(
            FindingRollup.status.in_(FIXED_STATUSES)), 0)
        total, fixed = session.execute(select(total, fixed).where(*month_scope(filters))).one()
    else:
        total, fixed = session.execute(
            select(count, count.filter(is_fixed(facts))).where(*finding_scope(facts, filters))
        ).one()
    # count(*), not of a column: the index (open_due, district_id) answers it alone.
    overdue = session.scalar(
        select(func.count()).select_from(facts).where(*overdue_now(facts, filters),
                            *finding_scope(facts, filters, in_period=False))
    )
    return {
        "total": total,
        "fixed": fixed,
        "fixed_share": round(100.0 * fixed / total, 1) if total else None,
        "overdue": overdue,
    }


def findings_by_category(session: Session, filters: Filters) -> list[tuple[Category, int]]:
    facts = facts_of(session, filters)
    if month_rollups(session, filters):
        count = func.sum(FindingRollup.findings)
        query = (select(Category, count)
                 .join(FindingRollup, FindingRollup.category_id == Category.id)
                 .where(*month_scope(filters)).having(count > 0))
    else:
        count = func.count(facts.c.finding_id)
        query = (select(Category, count)
                 .join(facts, facts.c.category_id == Category.id)
                 .where(*finding_scope(facts, filters)))
    rows = session.execute(
        query.group_by(Category.id).order_by(count.desc(), Category.position, Category.id))
    return [(category, n) for category, n in rows]


def findings_by_status(session: Session, filters: Filters) -> list[tuple[FindingStatus, int]]:
    facts = facts_of(session, filters)
    if month_rollups(session, filters):
        query = (select(FindingRollup.status, func.sum(FindingRollup.findings))
                 .where(*month_scope(filters)).group_by(FindingRollup.status))
    else:
        query = (select(facts.c.status, func.count(facts.c.finding_id))
                 .where(*finding_scope(facts, filters)).group_by(facts.c.status))
    rows = dict(session.execute(query).all())
    return [(status, rows[status]) for status in FindingStatus if rows.get(status)]


def _whole_year(session: Session, filters: Filters) -> bool:
    """The yearly rollups (all districts) serve a whole year for all districts."""
    return (filters.period.kind == "year" and not filters.district_id
            and month_rollups(session, filters) is not None)


def hotspots(session: Session, filters: Filters, limit: int = 10) -> list[tuple[Building, int]]:
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
    # Count per building on the narrow facts first, then join the few thousand counts.
    counted = (
        select(facts.c.building_id, func.count(facts.c.finding_id).label("n"))
        .where(facts.c.building_id.is_not(None), *finding_scope(facts, filters))
        .group_by(facts.c.building_id)
        .subquery()
    )
    rows = session.execute(
        select(Building, counted.c.n)
        .join(counted, counted.c.building_id == Building.id)
        .order_by(counted.c.n.desc(), Building.code)
        .limit(limit)
    )
    return [(building, n) for building, n in rows]


def recurring(session: Session, filters: Filters, limit: int = 20) -> list[dict]:
    """Findings found again at the same building and category after an earlier one was fixed."""
    if _whole_year(session, filters):
        top = (
            select(RecurringRollup.building_id, RecurringRollup.category_id,
                   RecurringRollup.findings.label("n"), RecurringRollup.last_at.label("last"))
            .where(RecurringRollup.year == filters.period.year, RecurringRollup.findings > 0)
            .order_by(RecurringRollup.findings.desc(), RecurringRollup.last_at.desc())
            .limit(limit)
            .subquery()
        )
        return _recurring_rows(session, top)
    facts = facts_of(session, filters)
    count = func.count(facts.c.finding_id)
    last = func.max(facts.c.created_at)
    top = (
        select(facts.c.building_id, facts.c.category_id, count.label("n"), last.label("last"))
        .where(facts.c.came_back == true(), facts.c.building_id.is_not(None),
               *finding_scope(facts, filters))
        .group_by(facts.c.building_id, facts.c.category_id)
        .order_by(count.desc(), last.desc())
        .limit(limit)
        .subquery()
    )
    return _recurring_rows(session, top)


def _recurring_rows(session: Session, top) -> list[dict]:
    rows = session.execute(
        select(Building, Category, top.c.n, top.c.last)
        .join(top, top.c.building_id == Building.id)
        .join(Category, Category.id == top.c.category_id)
        .order_by(top.c.n.desc(), top.c.last.desc())
    )
    return [
        {"building": b, "category": c, "count": n, "last": last} for b, c, n, last in rows
    ]
