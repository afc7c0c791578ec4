"""Pages (or parts of pages) computed once per state of the data they are computed from.

A scope names a set of tables: `dashboard` what app.reports.queries.dashboard reads,
`filters` what the findings list's filter form and bulk actions offer (districts,
buildings, walks, categories, people, priorities). A token per scope in `data_versions`
changes in every commit that writes to one of its tables (an ORM object added, changed or
deleted, or an UPDATE/DELETE/INSERT run through the session). What `cached()` computes is
kept in this process per (scope's token, today, key): every gunicorn worker recomputes once after a
change and then answers from memory, and a page never shows data older than the last
commit. Today is part of the key because "overdue" and "this year" move at midnight without
any write.

The token is random, not a counter: a database restored from a backup has the token of the
moment it was copied, which names exactly the data it holds.

Code that writes these tables outside the session (Core statements on a connection, COPY)
calls `changed()` before the commit, as `rollups.rebuild()` does (seed-scale ends with it).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from typing import TypeVar

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import insert_with_conflicts
from app.models import (
    Building,
    BuildingRollup,
    Category,
    DataVersion,
    District,
    Finding,
    FindingFact,
    FindingRollup,
    FixRollup,
    Priority,
    RecurringRollup,
    RollupState,
    SurveyResult,
    User,
    Walk,
    WalkTarget,
)
from app.timeutil import local_today

SCOPES: dict[str, tuple[type, ...]] = {
    "dashboard": (Building, BuildingRollup, Category, District, Finding, FindingFact,
                  FindingRollup, FixRollup, RecurringRollup, RollupState, SurveyResult, Walk,
                  WalkTarget),
    "filters": (Building, Category, District, Priority, User, Walk),
}
_FLAGS = "data_changed"  # session.info: the scopes this transaction changed
_SIZE = 128  # entries per process: filters people actually choose, a few tokens

_kept: OrderedDict[Hashable, object] = OrderedDict()
T = TypeVar("T")
_lock = threading.Lock()


_TOKENS = "data_tokens"  # session.info: the tokens read in this transaction


def token(session: Session, scope: str) -> str:
    """The scope's token, read once per transaction (a list page asks for it for its filter
    form, its bulk actions and its search)."""
    tokens = session.info.setdefault(_TOKENS, {})
    if scope not in tokens:
        tokens[scope] = session.scalar(
            select(DataVersion.token).where(DataVersion.name == scope)) or ""
    return tokens[scope]


@cache
def _upsert(dialect_name: str):
    """The token's upsert for a database, built once (building it took longer than running
    it, on every commit that changes a scope's data)."""
    statement = insert_with_conflicts(dialect_name, DataVersion).values(
        name=bindparam("scope"), token=bindparam("token"))
    return statement.on_conflict_do_update(
        index_elements=["name"], set_={"token": statement.excluded.token})


def bump(session: Session, scope: str) -> None:
    """A new token, written in the session's transaction (so it commits with the change).
    One upsert: concurrent first writers on an empty table cannot both insert."""
    session.execute(_upsert(session.get_bind().dialect.name),
                    {"scope": scope, "token": uuid.uuid4().hex})


def changed(session: Session, *scopes: str) -> None:
    """For writes the listeners below cannot see: new tokens (every scope's, unless named)
    when the session commits."""
    session.info.setdefault(_FLAGS, set()).update(scopes or SCOPES)


def cached(session: Session, scope: str, key: Hashable, compute: Callable[[], T]) -> T:
    """compute()'s value for `key` as of the scope's current token (HTML, or a value that
    nobody changes afterwards)."""
    full = (scope, token(session, scope), local_today(), key)
    with _lock:
        kept = _kept.get(full)
        if kept is not None:
            _kept.move_to_end(full)
            return kept
    value = compute()
    with _lock:
        _kept[full] = value
        while len(_kept) > _SIZE:
            _kept.popitem(last=False)
    return value


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
    for mapper in state.all_mappers:
        state.session.info.setdefault(_FLAGS, set()).update(_scopes_of(mapper.class_))


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session):
    session.flush()  # a pending change is noticed before the tokens are written
    for scope in sorted(session.info.pop(_FLAGS, ())):
        bump(session, scope)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    session.info.pop(_FLAGS, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_tokens(session, transaction):
    session.info.pop(_TOKENS, None)  # the next transaction may see others' commits
