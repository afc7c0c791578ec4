"""Keeps the dashboard's facts and rollups in step with the findings, and rebuilds them.

One SELECT (`facts_select`) says what a fact is. The dashboard reads the facts and rollups,
or, while they are marked stale (after the migration on a database that already had
findings, until `flask rollups-rebuild`), computes the same columns live from the findings.

A session listener refreshes, after each flush and in the same transaction, the facts of
every finding added, changed or deleted and of every finding whose walk moved to another
district, recomputes "came back" for the (building, category) pairs involved, adds the
changes to the monthly rollups and their yearly sums (and to the buildings' monthly and
quarterly counts) and recounts the touched yearly rows of buildings and came-back rows of
months and quarters. Bulk SQL that bypasses the ORM (seed-scale's COPY, a restore) is
followed by `rebuild()`.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime
from functools import cache

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, aliased

from app import page_cache
from app.bulk import indexes_dropped
from app.extensions import insert_with_conflicts
from app.models import (
    DOC_SEPARATOR,
    OPEN_STATUSES,
    BuildingPeriodRollup,
    BuildingRollup,
    Finding,
    FindingFact,
    FindingRollup,
    FindingStatus,
    FindingYearRollup,
    FixRollup,
    FixYearRollup,
    RecurringPeriodRollup,
    RecurringRollup,
    RollupState,
    Walk,
)
from app.periods import bucket, days_between, utc_bound
from app.timeutil import LOCAL, local_today

FIXED_STATUSES = (FindingStatus.FIXED, FindingStatus.VERIFIED)
STATE = "finding_facts"
_CHUNK = 500


@cache
def _earlier():
    # Made once: building an ORM alias costs milliseconds, and every flush that touches a
    # finding asks for this clause.
    return aliased(Finding, name="earlier")


def came_back_clause(building_id, category_id, created_at, finding_id):
    """SQL: an earlier finding at the same building and category was fixed before this one
    was found."""
    earlier = _earlier()
    return exists().where(
        earlier.building_id == building_id,
        earlier.category_id == category_id,
        earlier.id != finding_id,
        earlier.fixed_at.is_not(None),
        earlier.fixed_at < created_at,
    )


def facts_select(*where):
    """The facts of the findings matching `where`, in the columns of `finding_facts`."""
    fixed = and_(Finding.status.in_(FIXED_STATUSES), Finding.fixed_at.is_not(None))
    return (
        select(
            Finding.id.label("finding_id"),
            Walk.district_id.label("district_id"),
            Finding.category_id.label("category_id"),
            Finding.building_id.label("building_id"),
            Finding.status.label("status"),
            Finding.created_at.label("created_at"),
            case((fixed, days_between(Finding.created_at, Finding.fixed_at)),
                 else_=None).label("fix_days"),
            came_back_clause(Finding.building_id, Finding.category_id, Finding.created_at,
                             Finding.id).label("came_back"),
            case((Finding.status.in_(OPEN_STATUSES), Finding.due_date),
                 else_=None).label("open_due"),
            (func.coalesce(Finding.description, "") + DOC_SEPARATOR
             + func.coalesce(Finding.responsible_party, "") + DOC_SEPARATOR
             + func.coalesce(Finding.planned_action, "")).label("doc"),
        )
        .join(Walk, Walk.id == Finding.walk_id)
        .where(*where)
    )


_COLUMNS = [c.name for c in FindingFact.__table__.columns]


def is_stale(session: Session) -> bool:
    return session.scalar(
        select(RollupState.stale).where(RollupState.name == STATE)) is True


def rebuild(session: Session, *, bulk: bool = False) -> int:
    """Recompute every fact from the findings (idempotent); returns how many there are.

    `bulk`: the facts' indexes are dropped while a million facts go in and made again after
    (seed-scale): faster, but the facts are locked until the commit, dashboards wait."""
    session.flush()
    page_cache.changed(session)  # it follows bulk writes (COPY, a restore): every scope
    connection = session.connection()
    connection.execute(delete(FindingFact))
    with indexes_dropped(session, ["finding_facts"] if bulk else []):
        connection.execute(insert(FindingFact).from_select(_COLUMNS, facts_select()))
    _rebuild_months(connection)
    _rebuild_fixes(connection)
    _rebuild_year_sums(connection)
    _rebuild_years(connection)
    with indexes_dropped(session, _PERIOD_TABLES if bulk else []):
        _rebuild_periods(connection)
    connection.execute(delete(RollupState).where(RollupState.name == STATE))
    if connection.dialect.name == "postgresql":
        for table in ("finding_facts", "finding_rollups", "fix_rollups", *_YEAR_SUM_TABLES,
                      *_PERIOD_TABLES):
            connection.exec_driver_sql(f"ANALYZE {table}")  # the planner's row estimates
    return connection.scalar(select(func.count()).select_from(FindingFact))


def month_of(moment: datetime) -> date:
    """The first local (Europe/Stockholm) day of the month a UTC instant falls in."""
    return moment.astimezone(LOCAL).date().replace(day=1)


def quarter_of(month: date) -> date:
    """The first day of the quarter a month's first day lies in."""
    return month.replace(month=month.month - (month.month - 1) % 3)


def months_after(start: date, months: int) -> date:
    """The first day of the month `months` after `start` (a first day)."""
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_edges(connection, months: int = 1) -> list[tuple[date, date, date]] | None:
    """The local months (or quarters: `months` 3) the facts fall in, each (its first day as
    the key, start, end)."""
    first, last = connection.execute(
        select(func.min(FindingFact.created_at), func.max(FindingFact.created_at))).one()
    if first is None:
        return None
    edges, cursor = [], month_of(first)
    if months == 3:
        cursor = quarter_of(cursor)
    while cursor <= month_of(last):
        following = months_after(cursor, months)
        edges.append((cursor, cursor, following))
        cursor = following
    return edges


def _rebuild_months(connection) -> None:
    # Counted and written by the database in one statement (through Python, 120,000 rows
    # took seconds at a million findings).
    connection.execute(delete(FindingRollup))
    edges = _month_edges(connection)
    if edges is None:
        return
    month = bucket(FindingFact.created_at, edges).label("month")
    connection.execute(insert(FindingRollup).from_select(
        ["month", "district_id", "category_id", "status", "findings"],
        select(month, FindingFact.district_id, FindingFact.category_id, FindingFact.status,
               func.count())
        .group_by(month, FindingFact.district_id, FindingFact.category_id, FindingFact.status)))


_KEY = (FindingFact.created_at, FindingFact.district_id, FindingFact.category_id,
        FindingFact.status, FindingFact.fix_days, FindingFact.building_id,
        FindingFact.came_back)


def _keys(row) -> list[tuple]:
    """The rollup rows a fact counts in: ("finding", month, district, category, status) and
    the same of its year ("finding_y", 1 January, …), with a building its year's, quarter's
    and month's rows of buildings (and of came-back pairs, when it came back), and when
    fixed ("fix", month, district, whole days) and its year's ("fix_y", …)."""
    created_at, district_id, category_id, status, fix_days, building_id, came_back = row
    month = month_of(created_at)
    year = month.replace(month=1)
    keys = [("finding", month, district_id, category_id, status),
            ("finding_y", year, district_id, category_id, status)]
    if building_id is not None:
        keys.append(("building", month.year, building_id))
        if came_back:
            keys.append(("recurring", month.year, building_id, category_id))
        for months, start in ((1, month), (3, quarter_of(month))):
            keys.append(("building_p", months, start, building_id))
            if came_back:
                keys.append(("recurring_p", months, start, building_id, category_id))
    if fix_days is not None:
        whole_days = math.floor(fix_days)
        keys += [("fix", month, district_id, whole_days), ("fix_y", year, district_id, whole_days)]
    return keys


def _month_keys(connection, ids) -> Counter:
    keys = Counter()
    for chunk in _chunks(ids):
        for row in connection.execute(_statements()["keys"], {"ids": chunk}):
            keys.update(_keys(row))
    return keys


@cache
def _adding(dialect_name: str, table, key: tuple[str, ...], column: str):
    statement = insert_with_conflicts(dialect_name, table)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={column: getattr(table, column) + getattr(statement.excluded, column)})


def _upsert(connection, table, key: list[str], column: str, rows: list[dict]) -> None:
    if rows:
        connection.execute(_adding(connection.dialect.name, table, tuple(key), column), rows)


# The rows added to (see _apply), by the first part of _keys' keys: (table, the key's
# columns in the key's order, the counted column). Written in this order.
_ADDED = {
    "finding": (FindingRollup, ("month", "district_id", "category_id", "status"), "findings"),
    "finding_y": (FindingYearRollup, ("year", "district_id", "category_id", "status"),
                  "findings"),
    "fix": (FixRollup, ("month", "district_id", "whole_days"), "fixed"),
    "fix_y": (FixYearRollup, ("year", "district_id", "whole_days"), "fixed"),
    "building_p": (BuildingPeriodRollup, ("months", "start", "building_id"), "findings"),
}


def _apply(connection, deltas: Counter) -> None:
    """Adds each change to its rollup row; concurrent writers add, never overwrite."""
    rows: dict[str, list[dict]] = {kind: [] for kind in _ADDED}
    for key, n in sorted(deltas.items(), key=lambda item: tuple(map(str, item[0]))):
        if not n:
            continue
        if key[0] in _RECOUNTED:
            continue  # recounted, not added: see _recount
        _table, columns, counted = _ADDED[key[0]]
        rows[key[0]].append(dict(zip(columns, key[1:], strict=True)) | {counted: n})
    for kind, (table, columns, counted) in _ADDED.items():
        _upsert(connection, table, list(columns), counted, rows[kind])


# The rows counted again from the facts after a change rather than added to: the came-back
# rows (a fix can change "came back" for other findings; their last_at is a maximum) and the
# yearly buildings' (as they always were).
_RECOUNTED = ("building", "recurring", "recurring_p")


def _rebuild_fixes(connection) -> None:
    connection.execute(delete(FixRollup))
    edges = _month_edges(connection)
    if edges is None:
        return
    month = bucket(FindingFact.created_at, edges).label("month")
    whole_days = _floor(connection, FindingFact.fix_days).label("whole_days")
    connection.execute(insert(FixRollup).from_select(
        ["month", "district_id", "whole_days", "fixed"],
        select(month, FindingFact.district_id, whole_days, func.count())
        .where(FindingFact.fix_days.is_not(None))
        .group_by(month, FindingFact.district_id, whole_days)))


def _period_start(month_column, firsts, months: int):
    """SQL: the first day of the period (`months` long, starting on one of `firsts`) that a
    month's first day lies in."""
    return case(*[(and_(month_column >= first, month_column < months_after(first, months)),
                   literal(first)) for first in sorted(firsts)], else_=None)


# The yearly rows of findings and fixes: (table, the monthly table summed, the other key
# columns, the counted column).
_YEAR_SUMS = (
    (FindingYearRollup, FindingRollup, ("district_id", "category_id", "status"), "findings"),
    (FixYearRollup, FixRollup, ("district_id", "whole_days"), "fixed"),
)
_YEAR_SUM_TABLES = [table.__tablename__ for table, *_ in _YEAR_SUMS]


def _rebuild_year_sums(connection) -> None:
    """The yearly rows of findings and fixes, summed from the monthly rows (a twelfth as
    many rows to read as facts, no time zone edges per fact)."""
    for table, months, keys, counted in _YEAR_SUMS:
        connection.execute(delete(table))
        first, last = connection.execute(
            select(func.min(months.month), func.max(months.month))).one()
        if first is None:
            continue
        year = _period_start(months.month, [date(y, 1, 1) for y in
                                            range(first.year, last.year + 1)], 12)
        columns = [getattr(months, key) for key in keys]
        connection.execute(insert(table).from_select(
            ["year", *keys, counted],
            select(year, *columns, func.sum(getattr(months, counted)))
            .group_by(year, *columns)))


def _floor(connection, value):
    """math.floor() in SQL, as _keys() counts whole days (PostgreSQL's CAST rounds, SQLite's
    truncates and has no floor() unless built with its math functions)."""
    if connection.dialect.name == "postgresql":
        return cast(func.floor(value), Integer)
    whole = cast(value, Integer)
    return whole - cast(value < whole, Integer)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return utc_bound(date(year, 1, 1)), utc_bound(date(year + 1, 1, 1))


def _recount(connection, buildings: set, recurring: set, recurring_periods: set) -> None:
    """Recount the yearly rows of some (year, building) and (year, building, category), and
    the monthly and quarterly rows of some (months, start, building, category).

    Each row is first touched (created or locked), then recounted by a later statement,
    whose snapshot includes whatever another writer committed while this one waited for the
    lock: two transactions recounting the same row cannot lose each other's findings.
    One UPDATE per year (month, quarter) recounts all of its rows (a correlated count per
    row).
    """
    for table, keys, key_names in (
        (BuildingRollup, sorted(buildings), ["year", "building_id"]),
        (RecurringRollup, sorted(recurring), ["year", "building_id", "category_id"]),
        (RecurringPeriodRollup, sorted(recurring_periods),
         ["months", "start", "building_id", "category_id"]),
    ):
        if not keys:
            continue
        rows = [dict(zip(key_names, key, strict=True)) | {"findings": 0} for key in keys]
        touch = insert_with_conflicts(connection.dialect.name, table)
        connection.execute(touch.on_conflict_do_update(
            index_elements=key_names, set_={"findings": table.findings}), rows)
        yearly = table is not RecurringPeriodRollup
        by_period: dict[tuple, list[tuple]] = {}
        for key in keys:
            cut = 1 if yearly else 2
            by_period.setdefault(key[:cut], []).append(key[cut:])
        for period, rest in by_period.items():
            if yearly:
                start, end = _year_bounds(period[0])
                of_period = [table.year == period[0]]
            else:
                months, first = period
                start, end = utc_bound(first), utc_bound(months_after(first, months))
                of_period = [table.months == months, table.start == first]
            scope = [FindingFact.building_id == table.building_id,
                     FindingFact.created_at >= start, FindingFact.created_at < end]
            if table is not BuildingRollup:
                scope += [FindingFact.category_id == table.category_id,
                          FindingFact.came_back == true()]
                where = [*of_period,
                         tuple_(table.building_id, table.category_id).in_(rest)]
                values = {
                    "findings": select(func.count()).where(*scope).scalar_subquery(),
                    "last_at": select(func.max(FindingFact.created_at)).where(*scope)
                    .scalar_subquery(),
                }
            else:
                where = [*of_period, table.building_id.in_([b for (b,) in rest])]
                values = {"findings": select(func.count()).where(*scope).scalar_subquery()}
            connection.execute(update(table).where(*where).values(values))
            connection.execute(delete(table).where(*where, table.findings == 0))


def _rebuild_years(connection) -> None:
    connection.execute(delete(BuildingRollup))
    connection.execute(delete(RecurringRollup))
    first, last = connection.execute(
        select(func.min(FindingFact.created_at), func.max(FindingFact.created_at))).one()
    if first is None:
        return
    edges = [(year, *map(lambda b: b.astimezone(LOCAL).date(), _year_bounds(year)))
             for year in range(month_of(first).year, month_of(last).year + 1)]
    year = bucket(FindingFact.created_at, edges).label("year")
    has_building = FindingFact.building_id.is_not(None)
    for table, columns, query in (
        (BuildingRollup, ["year", "building_id", "findings"],
         select(year, FindingFact.building_id, func.count()).where(has_building)
         .group_by(year, FindingFact.building_id)),
        (RecurringRollup, ["year", "building_id", "category_id", "findings", "last_at"],
         select(year, FindingFact.building_id, FindingFact.category_id, func.count(),
                func.max(FindingFact.created_at))
         .where(has_building, FindingFact.came_back == true())
         .group_by(year, FindingFact.building_id, FindingFact.category_id)),
    ):
        connection.execute(insert(table).from_select(columns, query))


_PERIOD_TABLES = ["building_period_rollups", "recurring_period_rollups"]


def _rebuild_periods(connection) -> None:
    """The monthly and quarterly rows of buildings and of came-back pairs, all districts:
    the months' from the facts, the quarters' from the months' rows (a third of the rows,
    no time zone edges per fact)."""
    connection.execute(delete(BuildingPeriodRollup))
    connection.execute(delete(RecurringPeriodRollup))
    edges = _month_edges(connection)
    if edges is None:
        return
    month = bucket(FindingFact.created_at, edges).label("start")
    has_building = FindingFact.building_id.is_not(None)
    one = literal(1, Integer).label("months")
    connection.execute(insert(BuildingPeriodRollup).from_select(
        ["months", "start", "building_id", "findings"],
        select(one, month, FindingFact.building_id, func.count()).where(has_building)
        .group_by(month, FindingFact.building_id)))
    connection.execute(insert(RecurringPeriodRollup).from_select(
        ["months", "start", "building_id", "category_id", "findings", "last_at"],
        select(one, month, FindingFact.building_id, FindingFact.category_id, func.count(),
               func.max(FindingFact.created_at))
        .where(has_building, FindingFact.came_back == true())
        .group_by(month, FindingFact.building_id, FindingFact.category_id)))
    three = literal(3, Integer).label("months")
    for table, columns, values in (
        (BuildingPeriodRollup, ["findings"], lambda t: [func.sum(t.findings)]),
        (RecurringPeriodRollup, ["category_id", "findings", "last_at"],
         lambda t: [t.category_id, func.sum(t.findings), func.max(t.last_at)]),
    ):
        months = aliased(table, name="of_months")
        quarter = _period_start(months.start, {quarter_of(m) for m, *_ in edges},
                                3).label("start")
        keys = [months.building_id] + ([months.category_id] if "category_id" in columns else [])
        connection.execute(insert(table).from_select(
            ["months", "start", "building_id", *columns],
            select(three, quarter, months.building_id, *values(months))
            .where(months.months == 1).group_by(quarter, *keys)))


def mark_stale(session: Session) -> None:
    """The dashboard reads the findings directly until the next rebuild."""
    if session.get(RollupState, STATE) is None:
        session.add(RollupState(name=STATE, stale=True))


# --- kept in step with each flush ----------------------------------------------------------


@cache
def _statements() -> dict:
    """The listener's statements, built once with a list parameter `ids`: building them
    (and their cache keys) on every flush cost more than running them."""
    ids = bindparam("ids", expanding=True)
    return {
        "keys": select(*_KEY).where(FindingFact.finding_id.in_(ids)),
        "of_walks": select(Finding.id).where(Finding.walk_id.in_(ids)),
        "drop": delete(FindingFact).where(FindingFact.finding_id.in_(ids)),
        # Returns what _month_keys would read back: one statement less on every write.
        "add": insert(FindingFact).from_select(_COLUMNS, facts_select(Finding.id.in_(ids)))
        .returning(*_KEY),
    }


def _chunks(ids):
    ids = sorted(i for i in ids if i is not None)
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _pairs(obj, *, before: bool) -> set:
    """(building, category) of a finding: as it was before this flush, or as it is now."""
    if not before:
        return {(obj.building_id, obj.category_id)}
    state = inspect(obj)
    old = {}
    for attr in ("building_id", "category_id"):
        history = state.attrs[attr].history
        old[attr] = (history.deleted or history.unchanged or [None])[0]
    return {(old["building_id"], old["category_id"])}


# What "came back" depends on: a change to anything else (status alone, assignee, due
# date, text) leaves every fact's came_back and the yearly recurring rows as they were.
_CAME_BACK_INPUTS = ("building_id", "category_id", "created_at", "fixed_at")


def _moves_came_back(obj) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in _CAME_BACK_INPUTS)


def _before(obj, name: str):
    """An attribute's value before this flush (its value now when unchanged)."""
    history = inspect(obj).attrs[name].history
    return (history.deleted or history.unchanged or [getattr(obj, name)])[0]


def _overdue(due: date | None, status) -> bool:
    return due is not None and status in OPEN_STATUSES and due < local_today()


def _note_reach(session: Session, obj: Finding) -> None:
    """Which dashboards a finding's change can reach, for their kept bodies
    (page_cache.period_token): "overdue now" ignores the period, so a finding that was or is
    overdue reaches every period's; otherwise the periods after its facts' months (named
    after the flush, from the facts' rows) and after the time it was found before, when that
    moved (a finding whose fact is missing is still seen)."""
    if _overdue(obj.due_date, obj.status) or _overdue(_before(obj, "due_date"),
                                                      _before(obj, "status")):
        page_cache.dashboard_everywhere(session)
    for created_at in (obj.created_at, _before(obj, "created_at")):
        if created_at is not None:
            page_cache.dashboard_from(session, month_of(created_at))


def _collect(session: Session) -> None:
    pending = session.info.setdefault(
        "rollups_pending",
        {"findings": set(), "new": set(), "moved": set(), "deleted": set(), "pairs": set(),
         "walks": set()})
    for obj in session.new | session.dirty:
        if isinstance(obj, Finding):
            _note_reach(session, obj)
            pending["findings"].add(obj)
            if obj in session.new:
                pending["new"].add(obj)
                # Only a fixed finding can make others of its building and category "come
                # back"; an unfixed new one's own came_back is computed with its fact.
                if obj.fixed_at is not None:
                    pending["moved"].add(obj)
            elif _moves_came_back(obj):
                pending["moved"].add(obj)
                pending["pairs"] |= _pairs(obj, before=True)
        elif isinstance(obj, Walk) and inspect(obj).attrs["district_id"].history.has_changes():
            pending["walks"].add(obj)
    deleted = {obj for obj in session.deleted if isinstance(obj, Finding)}
    for obj in deleted:
        _note_reach(session, obj)
        pending["deleted"].add(obj.id)
        pending["pairs"] |= _pairs(obj, before=True)
    if deleted:
        # Read now: PostgreSQL drops a deleted finding's fact with it (ON DELETE CASCADE).
        pending.setdefault("gone", Counter()).update(
            _month_keys(session.connection(), {obj.id for obj in deleted}))


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances):
    _collect(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    session.info.pop("rollups_pending", None)


@event.listens_for(Session, "after_flush_postexec")
def _after_flush(session, flush_context):
    pending = session.info.pop("rollups_pending", None)
    if not pending or not any(pending.values()):
        return
    deleted = pending["deleted"]
    connection = session.connection()
    changed = set()
    for finding in pending["findings"]:
        if finding.id is not None and finding.id not in deleted:
            changed.add(finding.id)
            if finding in pending["moved"]:
                pending["pairs"] |= _pairs(finding, before=False)
    walk_ids = {walk.id for walk in pending["walks"]}
    statements = _statements()
    for chunk in _chunks(walk_ids):
        changed |= set(connection.scalars(statements["of_walks"], {"ids": chunk}))
    # A finding inserted by this flush has no facts yet: nothing of it to take away.
    had_facts = changed - {finding.id for finding in pending["new"]}
    deltas = Counter()
    deltas.subtract(pending.get("gone", Counter()))
    deltas.subtract(_month_keys(connection, had_facts))
    for chunk in _chunks(had_facts | deleted):
        connection.execute(statements["drop"], {"ids": chunk})
    for chunk in _chunks(changed):
        for row in connection.execute(statements["add"], {"ids": chunk}):
            deltas.update(_keys(row))
    _apply(connection, deltas)
    # A yearly row whose count this flush left as it was needs no recount.
    years = {key for key, n in deltas.items() if n and key[0] in _RECOUNTED}
    pairs = sorted(p for p in pending["pairs"] if None not in p)
    for start in range(0, len(pairs), _CHUNK):
        of_pairs = or_(*[and_(FindingFact.building_id == b, FindingFact.category_id == c)
                         for b, c in pairs[start:start + _CHUNK]])
        connection.execute(
            update(FindingFact).where(of_pairs)
            .values(came_back=came_back_clause(
                FindingFact.building_id, FindingFact.category_id, FindingFact.created_at,
                FindingFact.finding_id)))
        # "Came back" may have changed for any fact of these pairs, in any year.
        for building_id, category_id, created_at in connection.execute(
            select(FindingFact.building_id, FindingFact.category_id, FindingFact.created_at)
            .where(of_pairs)
        ):
            month = month_of(created_at)
            years.add(("recurring", month.year, building_id, category_id))
            years.add(("recurring_p", 1, month, building_id, category_id))
            years.add(("recurring_p", 3, quarter_of(month), building_id, category_id))
    # The months of every fact this flush took away, added or whose "came back" it moved.
    months = [key[1] for key in deltas if key[0] == "finding"]
    months += [key[2] for key in years if key[0] == "recurring_p" and key[1] == 1]
    if months:
        page_cache.dashboard_from(session, min(months))
    _recount(connection,
             {key[1:] for key in years if key[0] == "building"},
             {key[1:] for key in years if key[0] == "recurring"},
             {key[1:] for key in years if key[0] == "recurring_p"})
