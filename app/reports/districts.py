"""The district table: each district's walks, findings, fixes, overdue findings, median
days to fix and latest safety survey score, side by side."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import District, FindingRollup, SurveyResult, Walk, WalkStatus, WalkTarget
from app.periods import Filters
from app.reports.facts import FIXED_STATUSES, facts_of, is_fixed, month_rollups, month_scope
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
    """One row per district (only the filtered one, if any), by name."""
    period = filters.period
    districts = session.scalars(select(District).order_by(District.name)).all()
    if filters.district_id:  # one district's dashboard computes that district only
        districts = [d for d in districts if d.id == filters.district_id]
    walks = _walks_per_district(session, filters)
    targets = _targets_per_district(session, filters)
    findings = _findings_per_district(session, filters)
    overdue = _overdue_per_district(session, filters)
    medians = median_days_per_district(session, filters)
    scores = latest_scores(session, period.last_day.year)

    table = []
    for district in districts:
        planned, completed = walks.get(district.id, (0, 0))
        total, fixed = findings.get(district.id, (0, 0))
        target = targets.get(district.id)
        table.append({
            "district": district,
            "planned": planned,
            "completed": completed,
            "target": int(target) if target is not None else None,
            "findings": total,
            "fixed": fixed,
            "fixed_share": round(100.0 * fixed / total, 1) if total else None,
            "median_days": rounded(medians.get(district.id)),
            "overdue": overdue.get(district.id, 0),
            "score": scores.get(district.id),
        })
    return table


def _walks_per_district(session: Session, filters: Filters) -> dict[int, tuple[int, int]]:
    """(planned, completed) walks of the period per district."""
    period = filters.period
    scope = [Walk.district_id == filters.district_id] if filters.district_id else []
    return {
        district_id: (planned, completed)
        for district_id, planned, completed in session.execute(
            select(
                Walk.district_id,
                func.count(Walk.id).filter(period.contains(Walk.planned_start)),
                func.count(Walk.id).filter(
                    Walk.status == WalkStatus.COMPLETED, period.contains(Walk.completed_at)
                ),
            ).where(*scope).group_by(Walk.district_id)
        )
    }


def _targets_per_district(session: Session, filters: Filters) -> dict:
    """The walk targets of the period's years per district."""
    scope = [WalkTarget.district_id == filters.district_id] if filters.district_id else []
    return dict(
        session.execute(
            select(WalkTarget.district_id, func.sum(WalkTarget.target))
            .where(WalkTarget.year.in_(filters.period.years), *scope)
            .group_by(WalkTarget.district_id)
        ).all()
    )


def _fact_scope(facts, filters: Filters) -> list:
    return [facts.c.district_id == filters.district_id] if filters.district_id else []


def _findings_per_district(session: Session, filters: Filters) -> dict[int, tuple[int, int]]:
    """(found, fixed) findings of the period per district."""
    facts = facts_of(session, filters)
    count = func.count(facts.c.finding_id)
    if month_rollups(session, filters):
        in_months = func.sum(FindingRollup.findings)
        query = (select(FindingRollup.district_id, in_months,
                        in_months.filter(FindingRollup.status.in_(FIXED_STATUSES)))
                 .where(*month_scope(filters)).group_by(FindingRollup.district_id))
    else:
        query = (select(facts.c.district_id, count, count.filter(is_fixed(facts)))
                 .where(filters.period.contains(facts.c.created_at),
                        *_fact_scope(facts, filters))
                 .group_by(facts.c.district_id))
    return {
        district_id: (total or 0, fixed or 0)
        for district_id, total, fixed in session.execute(query)
    }


def _overdue_per_district(session: Session, filters: Filters) -> dict:
    """Findings overdue today per district, whenever they were found."""
    facts = facts_of(session, filters)
    return dict(
        session.execute(
            select(facts.c.district_id, func.count(facts.c.finding_id))
            .where(facts.c.open_due < filters.today, *_fact_scope(facts, filters))
            .group_by(facts.c.district_id)
        ).all()
    )
