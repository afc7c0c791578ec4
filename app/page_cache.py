"""Parts of pages computed once per state of the data they are computed from.

A scope names a set of tables: `dashboard` what app.reports.dashboard.dashboard reads,
`filters` what the findings list's filter form and bulk actions offer (districts, buildings,
walks, categories, people, priorities), `buildings` the buildings alone, `settings` the
admin's settings (read on every request). A token per scope in `data_versions` changes in
every commit that writes to one of its tables (an ORM object added, changed or deleted, or
an UPDATE/DELETE/INSERT run through the session). What `cached()` computes is kept in this
process per (scope's token, today, key): every gunicorn worker recomputes once after a
change and then answers from memory, and a page never shows data older than the last commit.
Each process keeps at most PAGE_CACHE_BYTES (16 MiB; the least recently used go first) and
256 entries; an answer that used something kept names it in its Server-Timing header
(`kept;desc="dashboard"`), so a benchmark can tell kept parts from computed ones. Today is
part of the key because "overdue" and "this year" move at midnight without any write. The
dashboard's bodies are kept per state of their period (period_token): a finding changed
through the ORM changes the token of the earliest month its facts were in, and a period's
state is made of the tokens of the months before its end, so today's findings leave the
bodies of earlier periods kept.

Only parts that many users and URLs share are kept: the filter form's options, the bulk
actions' choices, the dashboard's bodies, the settings. Whole pages are computed for every
request (issue 22: over the distinct URLs managers ask, kept whole pages were hardly ever
asked for again, and the computed pages meet the targets on their own; docs/performance.md).
No HTTP validators either: a logged-in user's pages are `no-store` (app/security.py), so no
browser keeps one to revalidate.

The token is random, not a counter: a database restored from a backup has the token of the
moment it was copied, which names exactly the data it holds.

Code that writes these tables outside the session (Core statements on a connection, COPY)
calls `changed()` before the commit, as `rollups.rebuild()` does (seed-scale ends with it).
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, timedelta
from functools import cache
from typing import TypeVar

from flask import after_this_request, current_app, g, has_app_context, has_request_context
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import insert_with_conflicts
from app.models import (
    AppSetting,
    Building,
    BuildingPeriodRollup,
    BuildingRollup,
    Category,
    DataVersion,
    District,
    Finding,
    FindingFact,
    FindingRollup,
    FindingYearRollup,
    FixRollup,
    FixYearRollup,
    Priority,
    RecurringPeriodRollup,
    RecurringRollup,
    RollupState,
    SurveyResult,
    User,
    Walk,
    WalkTarget,
)
from app.timeutil import local_today

SCOPES: dict[str, tuple[type, ...]] = {
    "dashboard": (Building, BuildingPeriodRollup, BuildingRollup, Category, District, Finding,
                  FindingFact, FindingRollup, FindingYearRollup, FixRollup, FixYearRollup,
                  RecurringPeriodRollup, RecurringRollup, RollupState, SurveyResult, Walk,
                  WalkTarget),
    "filters": (Building, Category, District, Priority, User, Walk),
    "settings": (AppSetting,),
    # The buildings alone (app.search's index of their addresses and codes), which change
    # far less often than the walks and people in "filters".
    "buildings": (Building,),
    # What the dashboard reads, changed in a way that may reach any period: everything but
    # a finding changed through the ORM (see period_token).
    "dashboard_all_periods": (Building, BuildingPeriodRollup, BuildingRollup, Category,
                              District, FindingFact, FindingRollup, FindingYearRollup,
                              FixRollup, FixYearRollup, RecurringPeriodRollup,
                              RecurringRollup, RollupState, SurveyResult, Walk, WalkTarget),
}
# A finding changed through the ORM reaches the dashboards of the periods that end after the
# earliest month its facts were (or are) in: app.reports.rollups names that month
# (dashboard_from), and the commit changes the token of that month, "dashboard_from_YYYY-MM",
# instead of every period's.
_FROM = "dashboard_from_"
_FROM_MONTH = "dashboard_from_month"  # session.info: the earliest such month in this transaction
_FLAGS = "data_changed"  # session.info: the scopes this transaction changed
_SIZE = 256  # entries per process: the filter options, dashboard bodies and settings in use
# Bytes per process (PAGE_CACHE_BYTES): 256 entries of ~100 KiB dashboards and whole pages
# and ~50 KiB filter forms grew each worker by ~100 MiB under varied reads (issue 22).
_BYTES = 16 * 1024 * 1024

_kept: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()  # value, its size_of()
_bytes = 0
T = TypeVar("T")
_lock = threading.Lock()


_TOKENS = "data_tokens"  # session.info: the tokens read in this transaction
# Every request reads it (the 2FA setting is kept per token): built once, and from the table's
# plain columns, so the session runs it without the ORM's result setup.
_ALL_TOKENS = select(DataVersion.__table__.c.name, DataVersion.__table__.c.token)


def token(session: Session, scope: str) -> str:
    """The scope's token, read once per transaction (a list page asks for it for its filter
    form, its bulk actions and its search, every request for the settings)."""
    tokens = session.info.get(_TOKENS)
    if tokens is None:  # all scopes' in one query: a page reads two or three
        tokens = session.info[_TOKENS] = dict(
            session.execute(_ALL_TOKENS).all())
    return tokens.get(scope, "")


@cache
def _upsert(dialect_name: str):
    """The token's upsert for a database, built once (building it took longer than running
    it, on every commit that changes a scope's data)."""
    statement = insert_with_conflicts(dialect_name, DataVersion).values(
        name=bindparam("scope"), token=bindparam("token"))
    return statement.on_conflict_do_update(
        index_elements=["name"], set_={"token": statement.excluded.token})


def bump(session: Session, *scopes: str) -> None:
    """New tokens, written in the session's transaction (so they commit with the change).
    An upsert: concurrent first writers on an empty table cannot both insert. One
    statement for all scopes (a new finding changes three)."""
    session.execute(_upsert(session.get_bind().dialect.name),
                    [{"scope": scope, "token": uuid.uuid4().hex} for scope in scopes])


def changed(session: Session, *scopes: str) -> None:
    """For writes the listeners below cannot see: new tokens (every scope's, unless named)
    when the session commits."""
    session.info.setdefault(_FLAGS, set()).update(scopes or SCOPES)


def period_token(session: Session, end: date) -> str:
    """The dashboard's state for a period that ends (its first day after) on `end`: what
    changed in any period, and each finding change whose earliest month began before `end`.
    A walker's finding today leaves last year's, last quarter's and last month's dashboards
    as they were kept; a change to an older finding, a walk, a target or "overdue now"
    (which ignores the period) reaches them all."""
    token(session, "dashboard")  # every scope's token, read once per transaction
    tokens = session.info[_TOKENS]
    last = f"{_FROM}{end - timedelta(days=1):%Y-%m}"
    return "|".join([tokens.get("dashboard_all_periods", ""), *(
        value for name, value in sorted(tokens.items())
        if name.startswith(_FROM) and name <= last)])


def dashboard_from(session: Session, month: date) -> None:
    """A finding change in this transaction reached the dashboard's facts of `month` (a first
    day) and none earlier (app.reports.rollups says so after each flush)."""
    known = session.info.get(_FROM_MONTH)
    if known is None or month < known:
        session.info[_FROM_MONTH] = month


def dashboard_everywhere(session: Session) -> None:
    """A finding change in this transaction reaches every period's dashboard ("overdue now")."""
    session.info.setdefault(_FLAGS, set()).add("dashboard_all_periods")


def cached(session: Session, scope: str, key: Hashable, compute: Callable[[], T], *,
           state: str | None = None) -> T:
    """compute()'s value for `key` as of the scope's current token (HTML, or a value that
    nobody changes afterwards); `state` in place of that token (period_token)."""
    full = (scope, token(session, scope) if state is None else state, local_today(), key)
    with _lock:
        kept = _kept.get(full)
        if kept is not None:
            _kept.move_to_end(full)
    if kept is not None:
        _say_kept(scope)
        return kept[0]
    value = compute()
    size = size_of(value)
    budget = _budget()
    if size > budget // 8:
        return value  # one huge page would push out dozens of others
    global _bytes
    with _lock:
        previous = _kept.pop(full, None)
        _bytes -= previous[1] if previous else 0
        _kept[full] = (value, size)
        _bytes += size
        while _bytes > budget or len(_kept) > _SIZE:
            _old, (_value, old_size) = _kept.popitem(last=False)
            _bytes -= old_size
    return value


def kept_bytes() -> int:
    """What this process keeps, in bytes as size_of() counts them."""
    return _bytes


def _budget() -> int:
    return (current_app.config.get("PAGE_CACHE_BYTES", _BYTES) if has_app_context()
            else _BYTES)


def size_of(value, depth: int = 0) -> int:
    """Roughly the bytes a kept value holds: its strings (most of it: HTML), containers and
    their items, dataclasses' fields. Shared objects are counted once per place."""
    size = sys.getsizeof(value)
    if depth > 6 or isinstance(value, str | bytes | int | float | bool) or value is None:
        return size
    if isinstance(value, dict):
        return size + sum(size_of(k, depth + 1) + size_of(v, depth + 1)
                          for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return size + sum(size_of(item, depth + 1) for item in value)
    if dataclasses.is_dataclass(value):
        return size + sum(size_of(getattr(value, f.name), depth + 1)
                          for f in dataclasses.fields(value))
    return size + sum(size_of(v, depth + 1) for v in getattr(value, "__dict__", {}).values())


_KEPT_HEADER = "_kept_parts"


def _say_kept(scope: str) -> None:
    """Name what this answer took from memory in its Server-Timing header ("kept";
    desc="dashboard", "filters"): a benchmark can then say which of its figures are cache
    hits. Settings, read on every request, are not named."""
    if scope == "settings" or not has_request_context():
        return
    parts = g.get(_KEPT_HEADER)
    if parts is None:
        parts = g.setdefault(_KEPT_HEADER, [])

        def header(response):
            response.headers.add("Server-Timing", f'kept;desc="{",".join(sorted(set(parts)))}"')
            return response

        after_this_request(header)

    parts.append(scope)


def clear() -> None:
    """Forget everything kept in this process (tests: each starts from its own data)."""
    global _bytes
    with _lock:
        _kept.clear()
        _bytes = 0
    for forget in _ALSO_CLEARED:
        forget()


# What other modules keep per token outside this cache (app.search's building texts), to
# be forgotten by clear() too.
_ALSO_CLEARED: list[Callable[[], None]] = []


def also_clear(forget: Callable[[], None]) -> None:
    _ALSO_CLEARED.append(forget)


# --- noticing changes ----------------------------------------------------------------------


def _scopes_of(class_: type) -> set[str]:
    return {scope for scope, watched in SCOPES.items() if issubclass(class_, watched)}


@event.listens_for(Session, "before_flush")
def _note_objects(session, flush_context, instances):
    flags = session.info.setdefault(_FLAGS, set())
    if len(flags) == len(SCOPES):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        scopes = _scopes_of(type(obj)) - flags
        if scopes and (obj not in session.dirty or session.is_modified(obj)):
            flags |= scopes


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState):
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    flags = state.session.info.setdefault(_FLAGS, set())
    for mapper in state.all_mappers:
        flags.update(_scopes_of(mapper.class_))
    if "dashboard" in flags:  # a statement's rows are not known: any period
        flags.add("dashboard_all_periods")


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session):
    session.flush()  # a pending change is noticed before the tokens are written
    scopes = set(session.info.pop(_FLAGS, ()))
    month = session.info.pop(_FROM_MONTH, None)
    if "dashboard" in scopes and "dashboard_all_periods" not in scopes:
        # Findings alone, changed through the ORM: from their earliest month on (not named:
        # something the rollups did not see, so every period).
        scopes.add(f"{_FROM}{month:%Y-%m}" if month else "dashboard_all_periods")
    if scopes:
        bump(session, *sorted(scopes))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    session.info.pop(_FLAGS, None)
    session.info.pop(_FROM_MONTH, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_tokens(session, transaction):
    session.info.pop(_TOKENS, None)  # the next transaction may see others' commits
