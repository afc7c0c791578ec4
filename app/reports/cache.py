"""The dashboard, computed once per state of the data it is computed from.

A token in `data_versions` changes in every commit that writes to a table the dashboard reads
(WATCHED: an ORM object added, changed or deleted, or an UPDATE/DELETE/INSERT run through
the session). What `cached()` computes (the dashboard's content as HTML, per language and
query string) is kept in this process per (token, today, key): every gunicorn worker
recomputes once after a change and then answers from memory, and a page never shows numbers
older than the last commit. Today is part of the key because "overdue" and "this year" move
at midnight without any write.

The token is random, not a counter: a database restored from a backup has the token of the
moment it was copied, which names exactly the data it holds.

Code that writes WATCHED tables outside the session (Core statements on a connection, COPY)
calls `changed()` before the commit, as `rollups.rebuild()` does (seed-scale ends with it).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache

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
    RecurringRollup,
    RollupState,
    SurveyResult,
    Walk,
    WalkTarget,
)
from app.timeutil import local_today

NAME = "dashboard"
# Every table app.reports.queries.dashboard reads.
WATCHED = (Building, BuildingRollup, Category, District, Finding, FindingFact, FindingRollup,
           FixRollup, RecurringRollup, RollupState, SurveyResult, Walk, WalkTarget)
_FLAG = "data_changed"
_SIZE = 64  # entries per process: filters people actually choose, a few tokens

_kept: OrderedDict[Hashable, str] = OrderedDict()
_lock = threading.Lock()


def token(session: Session) -> str:
    return session.scalar(select(DataVersion.token).where(DataVersion.name == NAME)) or ""


@cache
def _upsert(dialect_name: str):
    """The token's upsert for a database, built once (building it took longer than running
    it, on every commit that changes the dashboard's data)."""
    statement = insert_with_conflicts(dialect_name, DataVersion).values(
        name=NAME, token=bindparam("token"))
    return statement.on_conflict_do_update(
        index_elements=["name"], set_={"token": statement.excluded.token})


def bump(session: Session) -> None:
    """A new token, written in the session's transaction (so it commits with the change).
    One upsert: concurrent first writers on an empty table cannot both insert."""
    session.execute(_upsert(session.get_bind().dialect.name), {"token": uuid.uuid4().hex})


def changed(session: Session) -> None:
    """For writes the listeners below cannot see: a new token when the session commits."""
    session.info[_FLAG] = True


def cached(session: Session, key: Hashable, compute: Callable[[], str]) -> str:
    """compute()'s text for `key` as of the data's current token."""
    full = (token(session), local_today(), key)
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


@event.listens_for(Session, "before_flush")
def _note_objects(session, flush_context, instances):
    if session.info.get(_FLAG):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WATCHED) and (obj not in session.dirty or session.is_modified(obj)):
            session.info[_FLAG] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState):
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if any(mapper.class_ in WATCHED for mapper in state.all_mappers):
        state.session.info[_FLAG] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session):
    session.flush()  # a pending change is noticed before the token is written
    if session.info.pop(_FLAG, False):
        bump(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    session.info.pop(_FLAG, None)
