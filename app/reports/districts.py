"""The district table: each district's walks, findings, fixes, overdue findings, median
days to fix and latest safety survey score, side by side."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    District,
    FindingFact,
    SurveyResult,
    Walk,
    WalkStatus,
    WalkTarget,
)
from app.periods import Filters
from app.reports.facts import (
    FIXED_STATUSES,
    facts_of,
    finding_rollups,
    is_fixed,
    overdue_now,
    rollup_params,
    rollup_scope,
)
from app.reports.time_to_fix import median_days_per_district, rounded


def latest_scores(session: Session, up_to_year: int,
                  district_id: int | None = None) -> dict[int, dict]:
    """Per district (or of one): the latest survey result up to a year, and its change from
    the one before."""
    rows = session.execute(_latest_scores_statement(district_id is not None),
                           {"up_to_year": up_to_year, "district": district_id})
    return {
        district_id: {"year": year, "safe_share": share, "change": rounded(change)}
        for district_id, year, share, change in rows
    }


@lru_cache(maxsize=2)
def _latest_scores_statement(one_district: bool):
    """The latest survey result per district (of :district if one_district) up to
    :up_to_year (built once)."""
    scope = [SurveyResult.district_id == _district()] if one_district else []
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
    ).where(SurveyResult.year <= bindparam("up_to_year", type_=Integer), *scope).subquery()
    return (select(ranked.c.district_id, ranked.c.year, ranked.c.safe_share, ranked.c.change)
            .where(ranked.c.newest == 1))


def district_comparison(session: Session, filters: Filters) -> list[dict]:
    """One row per district (only the filtered one, if any), by name.

    The districts with their walks, targets, findings, fixes and overdue findings come in one
    statement (from the monthly rollups for whole months); the medians in two and the survey
    scores in one: four statements for 100 districts, where there were nine."""
    facts = facts_of(session, filters)
    shape = (bool(filters.district_id), finding_rollups(session, filters))
    # Built once per shape with bound parameters (building it per request cost one
    # district's dashboard ~2 ms of CPU); while the facts are stale, per request.
    build = (_comparison_statement if facts is FindingFact.__table__
             else _comparison_statement.__wrapped__)
    period = filters.period
    rows = session.execute(build(facts, *shape), {
        "utc_from": period.utc_start, "utc_to": period.utc_end, "years": period.years,
        "today": filters.today, **rollup_params(filters),
    }).all()
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


def district_row(session: Session, filters: Filters, walks: dict, totals: dict,
                 days: dict) -> dict:
    """The district table's one row on one district's dashboard, from the figures the
    dashboard has already counted (its walks, findings and days to fix): the same
    definitions as district_comparison's, which for one district cost three statements more
    (the comparison, the medians' histogram and its exact reads: ~5 ms of SQL)."""
    district = session.get(District, filters.district_id)  # loaded by the view already
    scores = latest_scores(session, filters.period.last_day.year, district.id)
    return {
        "district": district,
        "planned": walks["planned"],
        "completed": walks["completed"],
        "target": walks["target"],
        "findings": totals["total"],
        "fixed": totals["fixed"],
        "fixed_share": totals["fixed_share"],
        "median_days": days["median"],
        "overdue": totals["overdue"],
        "score": scores.get(district.id),
    }


@lru_cache(maxsize=8)
def _comparison_statement(facts, one_district: bool, rollup):
    """The districts with their walks, targets, findings, fixes and overdue findings, of
    :district if one_district, for the period :utc_from-:utc_to (:month_from-:month_to in
    `rollup`, the monthly or yearly rollups, if not None; :years for the targets) and
    overdue on :today."""
    # Each part counted once (MATERIALIZED: SQLite otherwise ran the parts as subqueries
    # per district, 300-670 ms at 100 k findings).
    walks = _once(_walks_per_district(one_district), "walks_done")
    targets = _once(_targets_per_district(one_district), "targets_set")
    findings = _once(_findings_per_district(facts, one_district, rollup), "found")
    overdue = _once(_overdue_per_district(facts, one_district), "overdue")
    query = (
        select(District, walks.c.planned, walks.c.completed, targets.c.target,
               findings.c.total, findings.c.fixed, overdue.c.overdue)
        .outerjoin(walks, walks.c.district_id == District.id)
        .outerjoin(targets, targets.c.district_id == District.id)
        .outerjoin(findings, findings.c.district_id == District.id)
        .outerjoin(overdue, overdue.c.district_id == District.id)
        .order_by(District.name)
    )
    if one_district:  # one district's dashboard computes that district only
        query = query.where(District.id == _district())
    return query


def _once(query, name: str):
    return query.cte(name).prefix_with("MATERIALIZED")


def _district():
    return bindparam("district", type_=Integer)


def _in_period(column):
    return and_(column >= bindparam("utc_from", type_=column.type),
                column < bindparam("utc_to", type_=column.type))


def _walks_per_district(one_district: bool):
    """(planned, completed) walks of the period per district."""
    scope = [Walk.district_id == _district()] if one_district else []
    return (
        select(
            Walk.district_id,
            func.count(Walk.id).filter(
                _in_period(Walk.planned_start), Walk.status != WalkStatus.CANCELLED
            ).label("planned"),
            func.count(Walk.id).filter(
                Walk.status == WalkStatus.COMPLETED, _in_period(Walk.completed_at)
            ).label("completed"),
        )
        # Only walks planned or completed in the period count: read those through the
        # indexes on both dates, not all walks (20,000 at a million findings).
        .where(or_(_in_period(Walk.planned_start), _in_period(Walk.completed_at)), *scope)
        .group_by(Walk.district_id)
    )


def _targets_per_district(one_district: bool):
    """The walk targets of the period's years per district."""
    scope = [WalkTarget.district_id == _district()] if one_district else []
    return (
        select(WalkTarget.district_id, func.sum(WalkTarget.target).label("target"))
        .where(WalkTarget.year.in_(bindparam("years", expanding=True)), *scope)
        .group_by(WalkTarget.district_id)
    )


def _fact_scope(facts, one_district: bool) -> list:
    return [facts.c.district_id == _district()] if one_district else []


def _findings_per_district(facts, one_district: bool, rollup):
    """(found, fixed) findings of the period per district (from `rollup` if not None)."""
    count = func.count(facts.c.finding_id)
    if rollup is not None:
        in_rows = func.sum(rollup.findings)
        return (select(rollup.district_id.label("district_id"), in_rows.label("total"),
                       in_rows.filter(rollup.status.in_(FIXED_STATUSES)).label("fixed"))
                .where(*rollup_scope(rollup, one_district=one_district))
                .group_by(rollup.district_id))
    return (select(facts.c.district_id.label("district_id"), count.label("total"),
                   count.filter(is_fixed(facts)).label("fixed"))
            .where(_in_period(facts.c.created_at), *_fact_scope(facts, one_district))
            .group_by(facts.c.district_id))


def _overdue_per_district(facts, one_district: bool):
    """Findings overdue today per district, whenever they were found (count(*): the index
    (open_due, district) answers it alone)."""
    return (
        select(facts.c.district_id.label("district_id"), func.count().label("overdue"))
        .where(*overdue_now(facts), *_fact_scope(facts, one_district))
        .group_by(facts.c.district_id)
    )
