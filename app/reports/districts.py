"""The district table: each district's walks, findings, fixes, overdue findings, median
days to fix and latest safety survey score, side by side."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import District, FindingRollup, SurveyResult, Walk, WalkStatus, WalkTarget
from app.periods import Filters
from app.reports.facts import (
    FIXED_STATUSES,
    facts_of,
    is_fixed,
    month_rollups,
    month_scope,
    overdue_now,
)
from app.reports.time_to_fix import median_days_per_district, rounded


def latest_scores(session: Session, up_to_year: int) -> dict[int, dict]:
    """Per district: the latest survey result up to a year, and its change from the one before."""
    ranked = select(
        SurveyResult.district_id,
        SurveyResult.year,
        SurveyResult.safe_share,
        (
            SurveyResult.safe_share
            - func.lag(SurveyResult.safe_share).over(
                partition_by=SurveyResult.district_id, order_by=SurveyResult.year
            )
        ).label("change"),
        func.row_number()
        .over(partition_by=SurveyResult.district_id, order_by=SurveyResult.year.desc())
        .label("newest"),
    ).where(SurveyResult.year <= up_to_year).subquery()
    rows = session.execute(
        select(ranked.c.district_id, ranked.c.year, ranked.c.safe_share, ranked.c.change)
        .where(ranked.c.newest == 1)
    )
    return {
        district_id: {"year": year, "safe_share": share, "change": rounded(change)}
        for district_id, year, share, change in rows
    }


def district_comparison(session: Session, filters: Filters) -> list[dict]:
    """One row per district (only the filtered one, if any), by name.

    The districts with their walks, targets, findings, fixes and overdue findings come in one
    statement (from the monthly rollups for whole months); the medians in two and the survey
    scores in one: four statements for 100 districts, where there were nine."""
    # Each part counted once (MATERIALIZED: SQLite otherwise ran the parts as subqueries
    # per district, 300-670 ms at 100 k findings).
    walks = _once(_walks_per_district(filters), "walks_done")
    targets = _once(_targets_per_district(filters), "targets_set")
    findings = _once(_findings_per_district(session, filters), "found")
    overdue = _once(_overdue_per_district(session, filters), "overdue")
    query = (
        select(District, walks.c.planned, walks.c.completed, targets.c.target,
               findings.c.total, findings.c.fixed, overdue.c.overdue)
        .outerjoin(walks, walks.c.district_id == District.id)
        .outerjoin(targets, targets.c.district_id == District.id)
        .outerjoin(findings, findings.c.district_id == District.id)
        .outerjoin(overdue, overdue.c.district_id == District.id)
        .order_by(District.name)
    )
    if filters.district_id:  # one district's dashboard computes that district only
        query = query.where(District.id == filters.district_id)
    rows = session.execute(query).all()
    medians = median_days_per_district(session, filters)
    scores = latest_scores(session, filters.period.last_day.year)

    table = []
    for district, planned, completed, target, total, fixed, late in rows:
        total, fixed = total or 0, fixed or 0
        table.append({
            "district": district,
            "planned": planned or 0,
            "completed": completed or 0,
            "target": int(target) if target is not None else None,
            "findings": total,
            "fixed": fixed,
            "fixed_share": round(100.0 * fixed / total, 1) if total else None,
            "median_days": rounded(medians.get(district.id)),
            "overdue": late or 0,
            "score": scores.get(district.id),
        })
    return table


def _once(query, name: str):
    return query.cte(name).prefix_with("MATERIALIZED")


def _walks_per_district(filters: Filters):
    """(planned, completed) walks of the period per district."""
    period = filters.period
    scope = [Walk.district_id == filters.district_id] if filters.district_id else []
    return (
        select(
            Walk.district_id,
            func.count(Walk.id).filter(
                period.contains(Walk.planned_start), Walk.status != WalkStatus.CANCELLED
            ).label("planned"),
            func.count(Walk.id).filter(
                Walk.status == WalkStatus.COMPLETED, period.contains(Walk.completed_at)
            ).label("completed"),
        ).where(*scope).group_by(Walk.district_id)
    )


def _targets_per_district(filters: Filters):
    """The walk targets of the period's years per district."""
    scope = [WalkTarget.district_id == filters.district_id] if filters.district_id else []
    return (
        select(WalkTarget.district_id, func.sum(WalkTarget.target).label("target"))
        .where(WalkTarget.year.in_(filters.period.years), *scope)
        .group_by(WalkTarget.district_id)
    )


def _fact_scope(facts, filters: Filters) -> list:
    return [facts.c.district_id == filters.district_id] if filters.district_id else []


def _findings_per_district(session: Session, filters: Filters):
    """(found, fixed) findings of the period per district."""
    facts = facts_of(session, filters)
    count = func.count(facts.c.finding_id)
    if month_rollups(session, filters):
        in_months = func.sum(FindingRollup.findings)
        return (select(FindingRollup.district_id.label("district_id"),
                       in_months.label("total"),
                       in_months.filter(FindingRollup.status.in_(FIXED_STATUSES))
                       .label("fixed"))
                .where(*month_scope(filters)).group_by(FindingRollup.district_id))
    return (select(facts.c.district_id.label("district_id"), count.label("total"),
                   count.filter(is_fixed(facts)).label("fixed"))
            .where(filters.period.contains(facts.c.created_at), *_fact_scope(facts, filters))
            .group_by(facts.c.district_id))


def _overdue_per_district(session: Session, filters: Filters):
    """Findings overdue today per district, whenever they were found (count(*): the index
    (open_due, district) answers it alone)."""
    facts = facts_of(session, filters)
    return (
        select(facts.c.district_id.label("district_id"), func.count().label("overdue"))
        .where(*overdue_now(facts, filters), *_fact_scope(facts, filters))
        .group_by(facts.c.district_id)
    )
