"""SQLite settings that keep it fast and free of "database is locked" under load.

WAL + synchronous=NORMAL + busy_timeout measured ~1,900 inserts/s with no errors (NOTES.md).
Transactions start with BEGIN IMMEDIATE: a deferred transaction that reads and then writes
cannot wait for the lock (SQLite answers "locked" at once, busy_timeout or not), and the
pysqlite driver's own BEGIN handling would also break SAVEPOINTs.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


def init_app(app) -> None:
    global _installed
    if _installed:
        return
    _installed = True

    @event.listens_for(Engine, "connect")
    def _sqlite_connect(dbapi_connection, connection_record):
        if not _is_sqlite(dbapi_connection):
            return
        # Let SQLAlchemy, not the driver, emit BEGIN (see the "begin" listener).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(connection):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
