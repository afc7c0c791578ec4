"""The numbers on the dashboard: walks, findings and fixes per district and period.

Every number is a SQL aggregate (GROUP BY, window functions), written so that SQLite (≥ 3.25)
and PostgreSQL give the same answer. Python only stitches a few rows per district together.

Definitions (shown on the dashboard too):
- A walk counts as *planned* in a period when its planned start lies in it (any status), and
  as *completed* when it was completed in it.
- A finding belongs to the period in which it was found (``created_at``). It is *fixed* when
  its status is fixed or verified; days to fix run from ``created_at`` to ``fixed_at``.
- *Overdue now* ignores the period: due date before today (Europe/Stockholm) and not done.
- Median: the middle value (mean of the two middle ones for an even count). 90th percentile:
  nearest rank (the smallest value at or above which 10 % of the values lie).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.models import (
    Building,
    BuildingRollup,
    Category,
    District,
    Finding,
    FindingFact,
    FindingRollup,
    FindingStatus,
    FixRollup,
    LightCondition,
    RecurringRollup,
    SurveyResult,
    Walk,
    WalkStatus,
    WalkTarget,
)
from app.reports import rollups
from app.timeutil import LOCAL, local_today

FIXED_STATUSES = rollups.FIXED_STATUSES


# --- SQL building blocks --------------------------------------------------------------------


class days_between(FunctionElement):  # noqa: N801  (used like a SQL function)
    """Days (fractional) from the first timestamp to the second, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


def fixed_clause() -> ColumnElement[bool]:
    return Finding.status.in_(FIXED_STATUSES)


def utc_bound(day: date) -> datetime:
    """The UTC instant at which a local (Europe/Stockholm) day starts."""
    return datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)


def bucket(column, edges: list[tuple[str, date, date]]):
    """A CASE that names the local-time bucket (month, year …) a UTC timestamp falls in.

    Time zones differ between the databases (SQLite has none), so the local bucket edges are
    computed here and compared as UTC instants, which both databases do alike.
    """
    return case(
        *[
            (and_(column >= utc_bound(start), column < utc_bound(end)), literal(key))
            for key, start, end in edges
        ],
        else_=None,
    )


# --- the period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # year | quarter | month | range
    start: date  # first local day
    end: date  # first local day after the period
    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def utc_start(self) -> datetime:
        return utc_bound(self.start)

    @property
    def utc_end(self) -> datetime:
        return utc_bound(self.end)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.last_day.year + 1))

    def contains(self, column) -> ColumnElement[bool]:
        return and_(column >= self.utc_start, column < self.utc_end)

    def months(self) -> list[tuple[str, date, date]]:
        edges = []
        cursor = date(self.start.year, self.start.month, 1)
        while cursor < self.end:
            nxt = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
            edges.append((f"{cursor:%Y-%m}", max(cursor, self.start), min(nxt, self.end)))
            cursor = nxt
        return edges

    def as_args(self) -> dict[str, str]:
        args = {"period": self.kind, "year": str(self.year)}
        if self.kind == "quarter":
            args["quarter"] = str(self.quarter)
        elif self.kind == "month":
            args["month"] = str(self.month)
        elif self.kind == "range":
            args = {"period": "range", "from": self.start.isoformat(),
                    "to": self.last_day.isoformat()}
        return args


def _int(value, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def period_from_args(args: Mapping, today: date | None = None) -> Period:
    """The period a query string asks for; this year when it asks for nothing sensible."""
    today = today or local_today()
    kind = args.get("period") or "year"
    year = _int(args.get("year"), 2000, 2100) or today.year
    if kind == "quarter":
        quarter = _int(args.get("quarter"), 1, 4) or (today.month - 1) // 3 + 1
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return Period("quarter", start, end, year, quarter=quarter)
    if kind == "month":
        month = _int(args.get("month"), 1, 12) or today.month
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return Period("month", date(year, month, 1), end, year, month=month)
    if kind == "range":
        first, last = _date(args.get("from")), _date(args.get("to"))
        if first and last and first <= last and (last - first).days <= 3660:
            return Period("range", first, last + timedelta(days=1), first.year)
    return Period("year", date(year, 1, 1), date(year + 1, 1, 1), year)


@dataclass
class Filters:
    period: Period
    district_id: int | None = None
    today: date = field(default_factory=local_today)
    # Where findings are read from (the facts table, or the same columns live); set once.
    facts: object = field(default=None, compare=False, repr=False)


# --- walks ---------------------------------------------------------------------------------


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
            func.count(Walk.id).filter(period.contains(Walk.planned_start)),
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


# --- findings ------------------------------------------------------------------------------
#
# Findings are read from their facts (app.reports.rollups): one narrow row per finding with
# its walk's district, its days to fix and whether it came back, kept in step on every write.
# While the facts are marked stale the same columns are computed live from the findings.


def _facts(session: Session, filters: Filters):
    if filters.facts is None:
        filters.facts = (
            rollups.facts_select().subquery("facts") if rollups.is_stale(session)
            else FindingFact.__table__
        )
    return filters.facts


def _months(session: Session, filters: Filters):
    """The monthly rollups when the period is whole months and they are current, else None."""
    if filters.period.kind == "range" or _facts(session, filters) is not FindingFact.__table__:
        return None
    return FindingRollup


def _month_scope(filters: Filters):
    period = filters.period
    conditions = [FindingRollup.month >= period.start, FindingRollup.month < period.end]
    if filters.district_id:
        conditions.append(FindingRollup.district_id == filters.district_id)
    return conditions


def _finding_scope(facts, filters: Filters, *, in_period: bool = True):
    conditions = []
    if in_period:
        conditions.append(filters.period.contains(facts.c.created_at))
    if filters.district_id:
        conditions.append(facts.c.district_id == filters.district_id)
    return conditions


def _fixed(facts) -> ColumnElement[bool]:
    return facts.c.status.in_(FIXED_STATUSES)


def finding_totals(session: Session, filters: Filters) -> dict:
    facts = _facts(session, filters)
    count = func.count(facts.c.finding_id)
    if _months(session, filters):
        total = func.coalesce(func.sum(FindingRollup.findings), 0)
        fixed = func.coalesce(func.sum(FindingRollup.findings).filter(
            FindingRollup.status.in_(FIXED_STATUSES)), 0)
        total, fixed = session.execute(select(total, fixed).where(*_month_scope(filters))).one()
    else:
        total, fixed = session.execute(
            select(count, count.filter(_fixed(facts))).where(*_finding_scope(facts, filters))
        ).one()
    overdue = session.scalar(
        select(count).where(facts.c.open_due < filters.today,
                            *_finding_scope(facts, filters, in_period=False))
    )
    return {
        "total": total,
        "fixed": fixed,
        "fixed_share": round(100.0 * fixed / total, 1) if total else None,
        "overdue": overdue,
    }


def findings_by_category(session: Session, filters: Filters) -> list[tuple[Category, int]]:
    facts = _facts(session, filters)
    if _months(session, filters):
        count = func.sum(FindingRollup.findings)
        query = (select(Category, count)
                 .join(FindingRollup, FindingRollup.category_id == Category.id)
                 .where(*_month_scope(filters)).having(count > 0))
    else:
        count = func.count(facts.c.finding_id)
        query = (select(Category, count)
                 .join(facts, facts.c.category_id == Category.id)
                 .where(*_finding_scope(facts, filters)))
    rows = session.execute(
        query.group_by(Category.id).order_by(count.desc(), Category.position, Category.id))
    return [(category, n) for category, n in rows]


def findings_by_status(session: Session, filters: Filters) -> list[tuple[FindingStatus, int]]:
    facts = _facts(session, filters)
    if _months(session, filters):
        query = (select(FindingRollup.status, func.sum(FindingRollup.findings))
                 .where(*_month_scope(filters)).group_by(FindingRollup.status))
    else:
        query = (select(facts.c.status, func.count(facts.c.finding_id))
                 .where(*_finding_scope(facts, filters)).group_by(facts.c.status))
    rows = dict(session.execute(query).all())
    return [(status, rows[status]) for status in FindingStatus if rows.get(status)]


def _days_to_fix_ranked(facts, filters: Filters, *, per_district: bool = False):
    """Each fixed finding's days to fix, ranked within its group by window functions."""
    days = facts.c.fix_days
    partition = [facts.c.district_id] if per_district else []
    return (
        select(
            facts.c.district_id.label("district_id"),
            days.label("days"),
            func.row_number().over(partition_by=partition, order_by=days).label("rn"),
            func.count(facts.c.finding_id).over(partition_by=partition).label("n"),
        )
        .where(days.is_not(None), *_finding_scope(facts, filters))
        .subquery()
    )


def _percentile_columns(ranked):
    # Integer division is the same in both databases: (n+1)/2 and (n+2)/2 are the middle
    # ranks (equal when n is odd). Nearest rank for p90: the first rank ≥ 0.9 · n.
    middle = or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    return (
        func.avg(case((middle, ranked.c.days), else_=None)).label("median"),
        func.min(case((ranked.c.rn >= 0.9 * ranked.c.n, ranked.c.days), else_=None)).label(
            "p90"
        ),
        func.count().label("n"),
    )


def _ranks(n: int) -> tuple[int, int, int]:
    """The middle ranks (equal when n is odd) and the nearest rank of the 90th percentile."""
    return (n + 1) // 2, (n + 2) // 2, (9 * n + 9) // 10


def _exact_values(session: Session, filters: Filters, reads: list[tuple]) -> dict:
    """The days to fix at given ranks, read from the facts of the whole days they lie in.

    Each read is (district or None for all, lowest day, highest day, rank of the lowest
    day's first fact, ranks); the answer maps (district, rank) to the value. The histogram
    found the days; ordering the facts of those days alone gives the exact values.
    """
    facts = _facts(session, filters)
    period = filters.period.contains(facts.c.created_at)
    values = {}
    per_district = [read for read in reads if read[0] is not None]
    for _all, low, high, first, ranks in (r for r in reads if r[0] is None):
        scope = [period, facts.c.fix_days >= low, facts.c.fix_days < high + 1]
        if filters.district_id:
            scope.append(facts.c.district_id == filters.district_id)
        start = min(ranks) - first
        rows = session.scalars(
            select(facts.c.fix_days).where(*scope).order_by(facts.c.fix_days)
            .offset(start).limit(max(ranks) - min(ranks) + 1)).all()
        values.update({(None, rank): rows[rank - first - start] for rank in ranks})
    if per_district:
        # All districts in one statement: each district's days, ranked within the district.
        ranked = (
            select(facts.c.district_id, facts.c.fix_days,
                   func.row_number().over(partition_by=facts.c.district_id,
                                          order_by=facts.c.fix_days).label("rn"))
            .where(period, or_(*[
                and_(facts.c.district_id == district_id, facts.c.fix_days >= low,
                     facts.c.fix_days < high + 1)
                for district_id, low, high, _first, _ranks in per_district]))
            .subquery()
        )
        positions = or_(*[
            and_(ranked.c.district_id == district_id,
                 ranked.c.rn.in_(sorted({rank - first + 1 for rank in ranks})))
            for district_id, _low, _high, first, ranks in per_district])
        firsts = {read[0]: read[3] for read in per_district}
        for district_id, days, rn in session.execute(select(ranked).where(positions)):
            values[(district_id, rn + firsts[district_id] - 1)] = days
    return values


def _percentiles_from_rollups(session: Session, filters: Filters, *, per_district: bool,
                              p90: bool = True) -> dict:
    """Median, 90th percentile and count of days to fix per district (or None: all), exact,
    from the whole-day histogram of the period's months and a few facts."""
    group = [FixRollup.district_id] if per_district else []
    scope = [FixRollup.month >= filters.period.start, FixRollup.month < filters.period.end]
    if filters.district_id:
        scope.append(FixRollup.district_id == filters.district_id)
    histogram: dict = {}
    for *key, day, n in session.execute(
        select(*group, FixRollup.whole_days, func.sum(FixRollup.fixed))
        .where(*scope).group_by(*group, FixRollup.whole_days)
        .order_by(*group, FixRollup.whole_days)
    ):
        if n:
            histogram.setdefault(key[0] if key else None, []).append((day, int(n)))
    reads, counts = [], {}
    for district_id, days in histogram.items():
        n = counts[district_id] = sum(count for _day, count in days)
        first, second, nearest = _ranks(n)
        wanted = [[first, second]] + ([[nearest]] if p90 else [])
        for ranks in wanted:  # the middle ranks are neighbours; p90 is read on its own
            below, low = 0, None
            for day, count in days:
                if low is None and below < min(ranks) <= below + count:
                    low, low_first = day, below + 1
                if below < max(ranks) <= below + count:
                    reads.append((district_id, low, day, low_first, ranks))
                    break
                below += count
    values = _exact_values(session, filters, reads)
    answer = {}
    for district_id, n in counts.items():
        first, second, nearest = _ranks(n)
        answer[district_id] = {
            "median": (values[(district_id, first)] + values[(district_id, second)]) / 2,
            "p90": values.get((district_id, nearest)),
            "count": n,
        }
    return answer


def days_to_fix(session: Session, filters: Filters) -> dict:
    if _months(session, filters):
        found = _percentiles_from_rollups(session, filters, per_district=False).get(None)
        if not found:
            return {"median": None, "p90": None, "count": 0}
        return {"median": _round(found["median"]), "p90": _round(found["p90"]),
                "count": found["count"]}
    ranked = _days_to_fix_ranked(_facts(session, filters), filters)
    median, p90, n = session.execute(select(*_percentile_columns(ranked))).one()
    return {"median": _round(median), "p90": _round(p90), "count": n}


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _whole_year(session: Session, filters: Filters) -> bool:
    """The yearly rollups (all districts) serve a whole year for all districts."""
    return (filters.period.kind == "year" and not filters.district_id
            and _months(session, filters) is not None)


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
    facts = _facts(session, filters)
    # Count per building on the narrow facts first, then join the few thousand counts.
    counted = (
        select(facts.c.building_id, func.count(facts.c.finding_id).label("n"))
        .where(facts.c.building_id.is_not(None), *_finding_scope(facts, filters))
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
    facts = _facts(session, filters)
    count = func.count(facts.c.finding_id)
    last = func.max(facts.c.created_at)
    top = (
        select(facts.c.building_id, facts.c.category_id, count.label("n"), last.label("last"))
        .where(facts.c.came_back == true(), facts.c.building_id.is_not(None),
               *_finding_scope(facts, filters))
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


# --- the safety survey ---------------------------------------------------------------------


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
        district_id: {"year": year, "safe_share": share, "change": _round(change)}
        for district_id, year, share, change in rows
    }


# --- the district table ----------------------------------------------------------------------


def district_comparison(session: Session, filters: Filters) -> list[dict]:
    period = filters.period
    districts = session.scalars(select(District).order_by(District.name)).all()
    # One district's dashboard computes that district only.
    walk_scope, target_scope = [], []
    if filters.district_id:
        districts = [d for d in districts if d.id == filters.district_id]
        walk_scope = [Walk.district_id == filters.district_id]
        target_scope = [WalkTarget.district_id == filters.district_id]

    walks = {
        district_id: (planned, completed)
        for district_id, planned, completed in session.execute(
            select(
                Walk.district_id,
                func.count(Walk.id).filter(period.contains(Walk.planned_start)),
                func.count(Walk.id).filter(
                    Walk.status == WalkStatus.COMPLETED, period.contains(Walk.completed_at)
                ),
            ).where(*walk_scope).group_by(Walk.district_id)
        )
    }
    targets = dict(
        session.execute(
            select(WalkTarget.district_id, func.sum(WalkTarget.target))
            .where(WalkTarget.year.in_(period.years), *target_scope)
            .group_by(WalkTarget.district_id)
        ).all()
    )
    facts = _facts(session, filters)
    fact_scope = [facts.c.district_id == filters.district_id] if filters.district_id else []
    count = func.count(facts.c.finding_id)
    if _months(session, filters):
        in_months = func.sum(FindingRollup.findings)
        query = (select(FindingRollup.district_id, in_months,
                        in_months.filter(FindingRollup.status.in_(FIXED_STATUSES)))
                 .where(*_month_scope(filters)).group_by(FindingRollup.district_id))
    else:
        query = (select(facts.c.district_id, count, count.filter(_fixed(facts)))
                 .where(period.contains(facts.c.created_at), *fact_scope)
                 .group_by(facts.c.district_id))
    findings = {
        district_id: (total or 0, fixed or 0)
        for district_id, total, fixed in session.execute(query)
    }
    overdue = dict(
        session.execute(
            select(facts.c.district_id, count)
            .where(facts.c.open_due < filters.today, *fact_scope)
            .group_by(facts.c.district_id)
        ).all()
    )
    if _months(session, filters):
        medians = {
            district_id: found["median"]
            for district_id, found in _percentiles_from_rollups(
                session, filters, per_district=True, p90=False).items()
        }
    else:
        ranked = _days_to_fix_ranked(facts, filters, per_district=True)
        median_col = _percentile_columns(ranked)[0]
        medians = dict(
            session.execute(
                select(ranked.c.district_id, median_col).group_by(ranked.c.district_id)
            ).all()
        )
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
            "median_days": _round(medians.get(district.id)),
            "overdue": overdue.get(district.id, 0),
            "score": scores.get(district.id),
        })
    return table


def dashboard(session: Session, filters: Filters) -> dict:
    """Everything the dashboard shows, for one period and district (or all)."""
    if session.get_bind().dialect.name == "postgresql":
        # The days-to-fix windows sort a year of fixed findings: in memory, not on disk.
        session.execute(text("SET LOCAL work_mem = '32MB'"))
    return {
        "walks": walk_counts(session, filters),
        "per_month": walks_per_month(session, filters),
        "totals": finding_totals(session, filters),
        "by_category": findings_by_category(session, filters),
        "by_status": findings_by_status(session, filters),
        "days_to_fix": days_to_fix(session, filters),
        "hotspots": hotspots(session, filters),
        "recurring": recurring(session, filters),
        "districts": district_comparison(session, filters),
    }


PERIOD_KINDS = {
    "year": _l("Year"),
    "quarter": _l("Quarter"),
    "month": _l("Month"),
    "range": _l("From – to"),
}
