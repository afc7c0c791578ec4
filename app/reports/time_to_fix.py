"""Time to fix: median and 90th percentile of the days from finding to fix.

Median: the middle value (mean of the two middle ones for an even count). 90th percentile:
nearest rank (the smallest value at or above which 10 % of the values lie). Ranked by window
functions over the facts, or read exactly from the monthly (or, for whole years, yearly)
whole-day histogram (FixRollup, FixYearRollup) and the few facts of the days the ranks fall
in.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Float, Integer, and_, bindparam, case, cast, func, or_, select, text
from sqlalchemy.orm import Session

from app.models import FindingFact
from app.periods import Filters
from app.reports.facts import (
    facts_of,
    finding_scope,
    fix_rollups,
    is_yearly,
    rollup_params,
    rollup_scope,
)


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
        .where(days.is_not(None), *finding_scope(facts, filters))
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
    found the days; ordering the facts of those days alone gives the exact values. All reads
    in one statement, each an index range (district, days, found) cut by OFFSET/LIMIT, read
    from the index alone: for 100 districts and a year, 93-145 ms at load ~25 where ranking
    the same facts in one window took 307-347 ms. Only called while the facts are current
    (fix_rollups), so it reads the facts table.
    """
    if reads and session.get_bind().dialect.name == "postgresql" and all(
            read[0] for read in reads):
        return _exact_values_lateral(session, filters, reads)
    values = {}
    for start in range(0, len(reads), _READS_PER_STATEMENT):
        chunk = reads[start:start + _READS_PER_STATEMENT]
        params = {"found_from": filters.period.utc_start, "found_to": filters.period.utc_end}
        shape = []
        for number, (district_id, low, high, first, ranks) in enumerate(chunk):
            district_id = district_id or filters.district_id
            shape.append(bool(district_id))
            params.update({f"low_{number}": low, f"high_{number}": high + 1,
                           f"skip_{number}": min(ranks) - first,
                           f"take_{number}": max(ranks) - min(ranks) + 1})
            if district_id:
                params[f"district_{number}"] = district_id
        found: dict[int, list] = {}
        for number, days in session.execute(_reads_statement(tuple(shape)), params):
            found.setdefault(number, []).append(days)
        for number, (district_id, _low, _high, _first, ranks) in enumerate(chunk):
            rows = sorted(found.get(number, []))
            values.update({(district_id, rank): rows[rank - min(ranks)] for rank in ranks})
    return values


@lru_cache(maxsize=64)
def _reads_statement(shape: tuple[bool, ...]):
    """_exact_values' statement on the facts table, written once per shape (how many reads,
    which with a district): built as SQLAlchemy expressions per request, the 100 reads of
    the all-districts dashboard took ~35 ms of CPU to build and compile, more than the
    database took to answer them."""
    parts = []
    for number, with_district in enumerate(shape):
        district = f" AND district_id = :district_{number}" if with_district else ""
        parts.append(
            f"SELECT {number} AS read, days FROM (SELECT fix_days AS days FROM finding_facts"
            f" WHERE created_at >= :found_from AND created_at < :found_to"
            f" AND fix_days >= :low_{number} AND fix_days < :high_{number}{district}"
            f" ORDER BY fix_days LIMIT :take_{number} OFFSET :skip_{number}) AS read_{number}")
    created_at = FindingFact.__table__.c.created_at.type
    return (text(" UNION ALL ".join(parts))
            .bindparams(bindparam("found_from", type_=created_at),
                        bindparam("found_to", type_=created_at))
            .columns(read=Integer, days=Float))


def _exact_values_lateral(session: Session, filters: Filters, reads: list[tuple]) -> dict:
    """_exact_values for reads that each name a district, on PostgreSQL: the reads go in as
    arrays and each is one index range of a LATERAL subquery. The UNION ALL of one subquery
    per read took PostgreSQL 8-20 ms to plan for 100 districts, more than running it."""
    columns = {"districts": [], "lows": [], "highs": [], "takes": [], "skips": []}
    for district_id, low, high, first, ranks in reads:
        columns["districts"].append(district_id)
        columns["lows"].append(low)
        columns["highs"].append(high + 1)
        columns["takes"].append(max(ranks) - min(ranks) + 1)
        columns["skips"].append(min(ranks) - first)
    found: dict[int, list] = {}
    for number, days in session.execute(_LATERAL_READS, {
            "found_from": filters.period.utc_start, "found_to": filters.period.utc_end,
            **columns}):
        found.setdefault(number, []).append(days)
    values = {}
    for number, (district_id, _low, _high, _first, ranks) in enumerate(reads, start=1):
        rows = sorted(found.get(number, []))
        values.update({(district_id, rank): rows[rank - min(ranks)] for rank in ranks})
    return values


_LATERAL_READS = (
    text("SELECT r.read, d.days FROM unnest(CAST(:districts AS integer[]),"
         " CAST(:lows AS double precision[]), CAST(:highs AS double precision[]),"
         " CAST(:takes AS integer[]), CAST(:skips AS integer[]))"
         " WITH ORDINALITY AS r(district, low, high, take, skip, read)"
         " CROSS JOIN LATERAL (SELECT fix_days AS days FROM finding_facts"
         " WHERE district_id = r.district AND fix_days >= r.low AND fix_days < r.high"
         " AND created_at >= :found_from AND created_at < :found_to"
         " ORDER BY fix_days LIMIT r.take OFFSET r.skip) AS d")
    .bindparams(bindparam("found_from", type_=FindingFact.__table__.c.created_at.type),
                bindparam("found_to", type_=FindingFact.__table__.c.created_at.type))
    .columns(read=Integer, days=Float))


# SQLite allows 500 terms in a compound SELECT.
_READS_PER_STATEMENT = 400


@lru_cache(maxsize=16)
def _rank_days(rollup, per_district: bool, one_district: bool, p90: bool):
    """The whole days of the histogram (the period's rows of `rollup`, FixRollup's months
    or FixYearRollup's years, :month_from to :month_to, of :district if one_district) that
    the middle ranks (and the 90th percentile's) fall in, per district or for all:
    (district…, day, fixed that day, fixed up to and with that day, fixed in all). Found by
    running sums in the database: reading the whole histogram (~10,000 rows for 100
    districts and a year) and summing in Python took ~10 ms of CPU per dashboard. Built
    once per shape: building it per request cost one district's dashboard ~1 ms."""
    group = [rollup.district_id] if per_district else []
    scope = rollup_scope(rollup, one_district=one_district)
    if is_yearly(rollup) and (per_district or one_district):
        # A year's rows are one per district and day already (its key): nothing to sum.
        # PostgreSQL 1 M, 100 districts' year: 18.8 -> 14.6 ms (no GroupAggregate).
        per_day = (select(*group, rollup.whole_days.label("day"), rollup.fixed.label("fixed"))
                   .where(*scope).subquery())
    else:
        per_day = (select(*group, rollup.whole_days.label("day"),
                          cast(func.sum(rollup.fixed), Integer).label("fixed"))
                   .where(*scope).group_by(*group, rollup.whole_days).subquery())
    keys = [per_day.c.district_id] if group else []
    running = select(
        *keys, per_day.c.day, per_day.c.fixed,
        cast(func.sum(per_day.c.fixed).over(partition_by=keys, order_by=per_day.c.day),
             Integer).label("upto"),
        cast(func.sum(per_day.c.fixed).over(partition_by=keys), Integer).label("n"),
    ).subquery()
    below, upto, n = running.c.upto - running.c.fixed, running.c.upto, running.c.n
    # _ranks in SQL: integer division in both databases.
    ranks = [(n + 1) // 2, (n + 2) // 2] + ([(9 * n + 9) // 10] if p90 else [])
    return (select(*[running.c.district_id] if group else [], running.c.day,
                   running.c.fixed, upto, n)
            .where(running.c.fixed > 0, or_(*(and_(below < rank, rank <= upto)
                                               for rank in ranks)))
            .order_by(*[running.c.district_id] if group else [], running.c.day))


def _percentiles_from_rollups(session: Session, filters: Filters, *, per_district: bool,
                              p90: bool = True) -> dict:
    """Median, 90th percentile and count of days to fix per district (or None: all), exact,
    from the whole-day histogram of the period's months (years) and a few facts."""
    reads, counts, lows = [], {}, {}
    statement = _rank_days(fix_rollups(session, filters), per_district,
                           bool(filters.district_id), p90)
    for *key, day, count, upto, n in session.execute(statement, rollup_params(filters)):
        district_id = key[0] if key else None
        n = counts[district_id] = int(n)
        below = int(upto) - count
        first, second, nearest = _ranks(n)
        wanted = [[first, second]] + ([[nearest]] if p90 else [])
        for ranks in wanted:  # the middle ranks are neighbours; p90 is read on its own
            if below < min(ranks) <= below + count:
                lows[district_id, ranks[0]] = (day, below + 1)
            if below < max(ranks) <= below + count:
                low, low_first = lows[district_id, ranks[0]]
                reads.append((district_id, low, day, low_first, ranks))
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
    if fix_rollups(session, filters) is not None:
        found = _percentiles_from_rollups(session, filters, per_district=False).get(None)
        if not found:
            return {"median": None, "p90": None, "count": 0}
        return {"median": rounded(found["median"]), "p90": rounded(found["p90"]),
                "count": found["count"]}
    ranked = _days_to_fix_ranked(facts_of(session, filters), filters)
    median, p90, n = session.execute(select(*_percentile_columns(ranked))).one()
    return {"median": rounded(median), "p90": rounded(p90), "count": n}


def median_days_per_district(session: Session, filters: Filters) -> dict:
    """Each district's median days to fix in the period (districts without a fix left out)."""
    if fix_rollups(session, filters) is not None:
        return {
            district_id: found["median"]
            for district_id, found in _percentiles_from_rollups(
                session, filters, per_district=True, p90=False).items()
        }
    ranked = _days_to_fix_ranked(facts_of(session, filters), filters, per_district=True)
    median_col = _percentile_columns(ranked)[0]
    return dict(
        session.execute(
            select(ranked.c.district_id, median_col).group_by(ranked.c.district_id)
        ).all()
    )


def rounded(value) -> float | None:
    """A figure as shown: one decimal, or None."""
    return None if value is None else round(float(value), 1)
