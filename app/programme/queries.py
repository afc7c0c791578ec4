"""Reads for the safety programme: measures against the plan, and the district analysis.

Every number is a SQL aggregate; the walk and finding figures come from the dashboard's own
functions in `app.reports` (one year at a time), so the two pages always agree.
Python only stitches rows together and says whether a survey change exceeds the noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import (
    District,
    DistrictPlan,
    Measure,
    MeasureType,
    PlanTarget,
    SurveyResult,
    Walk,
    WalkStatus,
    WalkTarget,
)
from app.periods import Filters, Period, bucket, year_period
from app.reports.districts import district_comparison
from app.reports.finding_stats import finding_totals, findings_by_category, recurring
from app.reports.time_to_fix import days_to_fix
from app.reports.walk_stats import walk_counts
from app.timeutil import local_today

# The survey questions: (key, column). Labels live in app/programme/labels.py.
QUESTIONS = (
    ("overall", SurveyResult.safe_share),
    ("evening", SurveyResult.evening_safe_share),
    ("stairwell", SurveyResult.stairwell_safe_share),
    ("outdoors", SurveyResult.outdoor_safe_share),
)
Z_95 = 1.96  # two-sided, 5 % level


def _year_case(column, years: list[int]):
    """The calendar year a DATE column falls in, as a CASE over the given years."""
    return case(
        *[(and_(column >= date(y, 1, 1), column < date(y + 1, 1, 1)), literal(y))
          for y in years],
        else_=None,
    )


def year_share_elapsed(year: int, today: date | None = None) -> float:
    """How much of a year has gone: 0 before it, 1 after it, days so far / days in it."""
    today = today or local_today()
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    if today < start:
        return 0.0
    if today >= end:
        return 1.0
    return ((today - start).days + 1) / (end - start).days


def measure_types(session: Session, *, active_only: bool = False) -> list[MeasureType]:
    query = select(MeasureType).order_by(MeasureType.position, MeasureType.id)
    if active_only:
        query = query.where(MeasureType.active.is_(True))
    return list(session.scalars(query))


# --- measures done, targets ------------------------------------------------------------------


def recent_measures(session: Session, district_id: int | None = None) -> list[Measure]:
    """The 50 measures done last (in one district, given one)."""
    query = (select(Measure).join(District).order_by(Measure.done_on.desc(), Measure.id.desc())
             .limit(50))
    if district_id:
        query = query.where(Measure.district_id == district_id)
    return session.scalars(query).all()


def measures_done(
    session: Session, years: list[int], district_id: int | None = None
) -> dict[tuple[int, int, int], float]:
    """(district, measure type, year) → amount done: measures summed, walks counted."""
    if not years:
        return {}
    year = _year_case(Measure.done_on, years).label("year")
    query = (
        select(Measure.district_id, Measure.measure_type_id, year, func.sum(Measure.amount))
        .join(MeasureType, MeasureType.id == Measure.measure_type_id)
        .where(year.is_not(None), MeasureType.counts_walks.is_(False))
        .group_by(Measure.district_id, Measure.measure_type_id, year)
    )
    edges = [(str(y), date(y, 1, 1), date(y + 1, 1, 1)) for y in years]
    walk_year = bucket(Walk.completed_at, edges).label("year")
    walks = (
        select(Walk.district_id, MeasureType.id, walk_year, func.count(Walk.id))
        .join(MeasureType, MeasureType.counts_walks.is_(True))
        .where(Walk.status == WalkStatus.COMPLETED, walk_year.is_not(None))
        .group_by(Walk.district_id, MeasureType.id, walk_year)
    )
    if district_id:
        query = query.where(Measure.district_id == district_id)
        walks = walks.where(Walk.district_id == district_id)
    done: dict[tuple[int, int, int], float] = {}
    for d, t, y, amount in session.execute(query):
        done[(d, t, int(y))] = float(amount)
    for d, t, y, n in session.execute(walks):
        done[(d, t, int(y))] = float(n)
    return done


def targets(
    session: Session, years: list[int], district_id: int | None = None
) -> dict[tuple[int, int, int], float]:
    """(district, measure type, year) → target; walk types read the walk targets."""
    if not years:
        return {}
    planned = (
        select(DistrictPlan.district_id, PlanTarget.measure_type_id, DistrictPlan.year,
               PlanTarget.target)
        .join(PlanTarget, PlanTarget.plan_id == DistrictPlan.id)
        .where(DistrictPlan.year.in_(years))
    )
    walks = (
        select(WalkTarget.district_id, MeasureType.id, WalkTarget.year, WalkTarget.target)
        .join(MeasureType, MeasureType.counts_walks.is_(True))
        .where(WalkTarget.year.in_(years))
    )
    if district_id:
        planned = planned.where(DistrictPlan.district_id == district_id)
        walks = walks.where(WalkTarget.district_id == district_id)
    rows = session.execute(union_all(planned, walks))
    return {(d, t, y): float(target) for d, t, y, target in rows}


def survey_goals(session: Session, years: list[int], district_id: int | None = None
                 ) -> dict[tuple[int, int], float]:
    query = select(DistrictPlan.district_id, DistrictPlan.year, DistrictPlan.survey_goal).where(
        DistrictPlan.year.in_(years), DistrictPlan.survey_goal.is_not(None))
    if district_id:
        query = query.where(DistrictPlan.district_id == district_id)
    return {(d, y): goal for d, y, goal in session.execute(query)}


@dataclass
class Progress:
    measure_type: MeasureType
    done: float
    target: float | None
    elapsed: float  # share of the year gone, 0–1

    @property
    def expected(self) -> float | None:
        return None if self.target is None else self.target * self.elapsed

    @property
    def share(self) -> float | None:
        if not self.target:
            return None
        return round(100.0 * self.done / self.target, 1)

    @property
    def behind(self) -> bool:
        """Fewer done than the share of the year gone asks for."""
        return self.target is not None and self.elapsed > 0 and self.done < self.expected


def plan_progress(session: Session, district_id: int, year: int,
                  today: date | None = None) -> list[Progress]:
    """Each measure type with a target or anything done in the year: done against target."""
    done = measures_done(session, [year], district_id)
    goal = targets(session, [year], district_id)
    elapsed = year_share_elapsed(year, today)
    rows = []
    for measure_type in measure_types(session):
        key = (district_id, measure_type.id, year)
        if key in done or key in goal:
            rows.append(Progress(measure_type, done.get(key, 0.0), goal.get(key), elapsed))
    return rows


# --- the survey ------------------------------------------------------------------------------


@dataclass
class Change:
    """A change in a share between two survey years, with a two-proportion z-test."""

    points: float | None  # percentage points
    z: float | None

    @property
    def real(self) -> bool | None:
        return None if self.z is None else abs(self.z) >= Z_95


def two_proportion_z(share1: float, n1: int, share2: float, n2: int) -> float | None:
    """z for the difference of two shares (percent) answered by n1 and n2 people."""
    if not n1 or not n2:
        return None
    p1, p2 = share1 / 100.0, share2 / 100.0
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return None
    return (p2 - p1) / math.sqrt(variance)


def _change(now, before, n_now, n_before, difference) -> Change:
    if now is None or before is None or difference is None:
        return Change(None, None)
    return Change(round(float(difference), 1),
                  two_proportion_z(before, n_before, now, n_now))


def survey_rows(session: Session, district_id: int | None = None) -> list[dict]:
    """Per district and year: respondents, each question's share, and its change (LAG)."""
    partition = {"partition_by": SurveyResult.district_id, "order_by": SurveyResult.year}
    columns = [SurveyResult.district_id, SurveyResult.year, SurveyResult.respondents,
               func.lag(SurveyResult.respondents).over(**partition)]
    for _key, column in QUESTIONS:
        previous = func.lag(column).over(**partition)
        columns += [column, previous, column - previous]
    query = select(*columns).order_by(SurveyResult.district_id, SurveyResult.year)
    if district_id:
        query = query.where(SurveyResult.district_id == district_id)
    return [_survey_row(row) for row in session.execute(query)]


def _survey_row(row) -> dict:
    district_id, year, respondents, previous_n = row[:4]
    answers = {}
    for index, (key, _column) in enumerate(QUESTIONS):
        now, before, difference = row[4 + 3 * index: 7 + 3 * index]
        answers[key] = {
            "share": None if now is None else round(float(now), 1),
            "change": _change(now, before, respondents, previous_n, difference),
        }
    return {"district_id": district_id, "year": year, "respondents": respondents,
            "answers": answers}


def survey_combined(session: Session, district_ids: list[int] | None = None) -> list[dict]:
    """All districts together, per year: shares weighted by respondents, and the change."""
    columns = [SurveyResult.year, func.sum(SurveyResult.respondents)]
    for _key, column in QUESTIONS:
        answered = func.sum(case((column.is_not(None), SurveyResult.respondents), else_=0))
        columns += [func.sum(column * SurveyResult.respondents) / func.nullif(answered, 0),
                    answered]
    inner = select(*columns).group_by(SurveyResult.year)
    if district_ids:
        inner = inner.where(SurveyResult.district_id.in_(district_ids))
    inner = inner.subquery()
    c = list(inner.c)
    order = {"order_by": c[0]}
    outer = [c[0], c[1]]
    for index in range(len(QUESTIONS)):
        share, n = c[2 + 2 * index], c[3 + 2 * index]
        outer += [share, func.lag(share).over(**order), share - func.lag(share).over(**order),
                  n, func.lag(n).over(**order)]
    rows = []
    for row in session.execute(select(*outer).order_by(c[0])):
        year, respondents = row[0], row[1]
        answers = {}
        for index, (key, _column) in enumerate(QUESTIONS):
            now, before, difference, n_now, n_before = row[2 + 5 * index: 7 + 5 * index]
            answers[key] = {
                "share": None if now is None else round(float(now), 1),
                "change": _change(now, before, n_now, n_before, difference),
            }
        rows.append({"year": year, "respondents": int(respondents), "answers": answers})
    return rows


# --- walks and findings per year ------------------------------------------------------------


def walks_and_findings(session: Session, district_id: int, years: list[int]) -> list[dict]:
    """The dashboard's numbers for the district, one row per calendar year."""
    rows = []
    for year in years:
        filters = Filters(year_period(year), district_id)
        walks = walk_counts(session, filters)
        totals = finding_totals(session, filters)
        days = days_to_fix(session, filters)
        rows.append({
            "year": year,
            "walks": walks["completed"],
            "evening_walks": walks["evening"],
            "walk_target": walks["target"],
            "findings": totals["total"],
            "fixed": totals["fixed"],
            "fixed_share": totals["fixed_share"],
            "median_days": days["median"],
        })
    return rows


def categories_by_year(session: Session, district_id: int, years: list[int]) -> list[dict]:
    """Findings per category and year: [{"category", "counts": {year: n}, "total"}]."""
    table: dict[int, dict] = {}
    for year in years:
        for category, n in findings_by_category(
            session, Filters(year_period(year), district_id)
        ):
            entry = table.setdefault(category.id, {"category": category, "counts": {},
                                                   "total": 0})
            entry["counts"][year] = n
            entry["total"] += n
    return sorted(table.values(), key=lambda e: (-e["total"], e["category"].position))


def recurring_places(session: Session, district_id: int, years: list[int]) -> list[dict]:
    if not years:
        return []
    span = Period("range", date(years[0], 1, 1), date(years[-1] + 1, 1, 1), years[0])
    return recurring(session, Filters(span, district_id), limit=10)


def data_years(session: Session, district_id: int | None = None) -> list[int]:
    """The calendar years with anything to show: surveys, measures, plans, walks."""
    def scoped(query, column):
        return query.where(column == district_id) if district_id else query

    bounds = [
        session.execute(scoped(select(func.min(SurveyResult.year), func.max(SurveyResult.year)),
                               SurveyResult.district_id)).one(),
        session.execute(scoped(select(func.min(DistrictPlan.year), func.max(DistrictPlan.year)),
                               DistrictPlan.district_id)).one(),
        session.execute(scoped(select(func.min(Measure.done_on), func.max(Measure.done_on)),
                               Measure.district_id)).one(),
        session.execute(scoped(select(func.min(Walk.completed_at), func.max(Walk.completed_at)),
                               Walk.district_id)).one(),
    ]
    years = []
    for low, high in bounds:
        for value in (low, high):
            if value is not None:
                years.append(value if isinstance(value, int) else value.year)
    if not years:
        return [local_today().year]
    return list(range(min(years), max(years) + 1))


# --- pages ---------------------------------------------------------------------------------


def district_analysis(session: Session, district: District, year: int,
                      today: date | None = None) -> dict:
    """Everything the Djupanalys page and its PDF show for one district."""
    years = data_years(session, district.id)
    if year not in years:
        years = sorted(set(years) | {year})
        years = list(range(years[0], years[-1] + 1))
    done = measures_done(session, years, district.id)
    goal = targets(session, years, district.id)
    types = [t for t in measure_types(session)
             if any((district.id, t.id, y) in done or (district.id, t.id, y) in goal
                    for y in years)]
    return {
        "district": district,
        "year": year,
        "years": years,
        "elapsed": year_share_elapsed(year, today),
        "progress": plan_progress(session, district.id, year, today),
        "survey_goal": survey_goals(session, [year], district.id).get((district.id, year)),
        "measure_types": types,
        "measure_years": sorted({y for (_d, _t, y) in done} | {y for (_d, _t, y) in goal}),
        "done": {(t, y): v for (_d, t, y), v in done.items()},
        "targets": {(t, y): v for (_d, t, y), v in goal.items()},
        "walks": walks_and_findings(session, district.id, years),
        "categories": categories_by_year(session, district.id, years),
        "recurring": recurring_places(session, district.id, years),
        "survey": survey_rows(session, district.id),
    }


def comparison(session: Session, year: int, today: date | None = None) -> dict:
    """All districts side by side for one year: plan progress, walks, fixes, survey."""
    districts = list(session.scalars(select(District).order_by(District.name)))
    done = measures_done(session, [year])
    goal = targets(session, [year])
    types = [t for t in measure_types(session)
             if any((d.id, t.id, year) in done or (d.id, t.id, year) in goal for d in districts)]
    table = district_comparison(session, Filters(year_period(year), None))
    survey = {(r["district_id"], r["year"]): r for r in survey_rows(session)}
    combined = {r["year"]: r for r in survey_combined(session)}
    return {
        "year": year,
        "elapsed": year_share_elapsed(year, today),
        "districts": districts,
        "measure_types": types,
        "done": done,
        "targets": goal,
        "table": table,
        "survey": {d.id: survey.get((d.id, year)) for d in districts},
        "combined": combined.get(year),
    }
