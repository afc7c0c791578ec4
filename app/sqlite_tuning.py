"""SQLite settings that keep it fast and free of "database is locked" under load.

WAL + synchronous=NORMAL + busy_timeout measured ~1,900 inserts/s with no errors (NOTES.md).
Requests that may write start with BEGIN IMMEDIATE: a deferred transaction that reads and
then writes cannot wait for the lock (SQLite answers "locked" at once, busy_timeout or not).
GET and HEAD requests read only, so they BEGIN deferred and never hold the write lock (a
streamed export would otherwise block every upload for its whole download). SQLAlchemy, not
the pysqlite driver, emits BEGIN, which SAVEPOINTs need.

The write lock is held only while a request writes (issue 21: a photo upload held it through
decoding and blurring, and the next POST's login loader waited 5 s for it and answered 500):
- `reading(session)`: what it reads begins deferred and is ended at once (the login loader: a
  POST's view then begins its own transaction with the lock, at its first statement);
- `reads_first` (a view decorator): the request reads deferred until it calls
  `begin_writes(session)`; `end_reads(session)` before slow work leaves no transaction open;
- `short_wait()`: a write that may be skipped (the "last used" time) waits 100 ms, not 5 s.
A write that still finds the lock taken after busy_timeout is `is_busy()`: app/errors.py
answers it 503 with Retry-After.

SQLite's lower() folds only ASCII; `unicode_lower()` folds Å, Ä, Ö like Python and
PostgreSQL do, for case-insensitive search.
"""

import functools
import sqlite3
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

_installed = False
BUSY_TIMEOUT_MS = 5000
SHORT_WAIT_MS = 100
# SQLITE_BUSY and SQLITE_LOCKED (the primary codes; extended ones such as BUSY_SNAPSHOT too).
_BUSY_CODES = (5, 6)


def is_busy(error: BaseException) -> bool:
    """Whether `error` (SQLAlchemy's or the driver's) is SQLite's "database is locked"."""
    original = getattr(error, "orig", error)
    if not isinstance(original, sqlite3.OperationalError):
        return False
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(original)


def _own(session: Session | scoped_session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def _is_sqlite_session(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _reads_deferred() -> bool:
    return has_request_context() and (
        request.method in ("GET", "HEAD") or bool(g.get("trygg_reads")))


@contextmanager
def reading(session: Session | scoped_session):
    """What is read inside begins deferred (no write lock) and, on SQLite, the transaction it
    began is ended on leaving, keeping what it loaded: a write that follows begins its own
    transaction with the lock. Inside a transaction already open, it changes nothing."""
    session = _own(session)
    if session.in_transaction() or not has_request_context() or _reads_deferred():
        yield
        return
    g.trygg_reads = True
    try:
        yield
    finally:
        g.trygg_reads = False
    if _is_sqlite_session(session):
        end_reads(session)


def end_reads(session: Session | scoped_session) -> None:
    """End a transaction that only read, keeping the objects it loaded (no query to read them
    again), so no transaction is open during slow work such as processing a photo."""
    session = _own(session)
    if not session.in_transaction():
        return
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def reads_first(view):
    """The view's request reads deferred (no write lock) until it calls begin_writes()."""

    @functools.wraps(view)
    def deferred(*args, **kwargs):
        g.trygg_reads = True
        return view(*args, **kwargs)

    return deferred


def begin_writes(session: Session | scoped_session) -> None:
    """From here the request writes: the reads so far end, what they loaded is read again
    when next used, and the next statement begins the transaction with the write lock."""
    end_reads(session)
    session.expire_all()
    g.trygg_reads = False


@contextmanager
def short_wait():
    """A write that may be skipped when SQLite is busy waits SHORT_WAIT_MS for the lock."""
    g.trygg_short_wait = True
    try:
        yield
    finally:
        g.trygg_short_wait = False


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


def _from_hint_text(compiler, table, text: str) -> str:
    """A statement's `with_hint(table, "INDEXED BY …", "sqlite")`, written after the table's
    name: SQLAlchemy's SQLite compiler writes no hints of its own (see
    filters.chosen_first's `many`)."""
    return text


def init_app(app) -> None:
    global _installed
    if _installed:
        return
    _installed = True
    SQLiteCompiler.get_from_hint_text = _from_hint_text

    @event.listens_for(Engine, "connect")
    def _sqlite_connect(dbapi_connection, connection_record):
        if not _is_sqlite(dbapi_connection):
            return
        # Let SQLAlchemy, not the driver, emit BEGIN (see the "begin" listener).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        dbapi_connection.create_function(
            "unicode_lower", 1, lambda v: v.lower() if isinstance(v, str) else v,
            deterministic=True,
        )

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(connection):
        if connection.dialect.name == "sqlite":
            if has_request_context() and g.get("trygg_short_wait"):
                # A write of its own, also after a GET: the lock at once, or busy after 100 ms.
                connection.exec_driver_sql(f"PRAGMA busy_timeout={SHORT_WAIT_MS}")
                try:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                finally:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            elif connection.get_execution_options().get("trygg_read_only") or _reads_deferred():
                # An export job reads on its own connection marked read-only, so the progress
                # it writes (on another connection) is not locked out for the whole export.
                connection.exec_driver_sql("BEGIN")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
