"""Bulk rows into PostgreSQL tables without paying for their indexes row by row.

A million findings go into a table with ~20 indexes (three of them trigram GIN indexes) and
~10 foreign keys: each row copied updates every index in random places and looks up every
key. Dropped while the rows go in and made again after, each index is built once from sorted
rows and each key checked by one join. Used by `flask seed-scale` and the rebuild of the
dashboard's facts; SQLite is left as it is (its 100,000-row seed has no such cost).

The definitions are read from the catalogue, so an index a migration adds later is dropped
and made again the same way. Everything happens in the caller's transaction: if it fails,
the indexes come back with the rollback. The tables are locked (ACCESS EXCLUSIVE) until it
commits: for seeding and restores, not a live database under use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

# Sorting for an index build in memory rather than in temporary files (1 M rows).
MAINTENANCE_WORK_MEM = "256MB"


@contextmanager
def indexes_dropped(session: Session, tables: Iterable[str]) -> Iterator[None]:
    """Within the block, `tables` have only their primary keys (PostgreSQL)."""
    tables = list(tables)
    if not tables or session.get_bind().dialect.name != "postgresql":
        yield
        return
    connection = session.connection()
    # Unique and foreign-key constraints (their definitions, to add them again), then the
    # indexes that back no constraint. Primary keys stay: ids go in ascending order.
    constraints = connection.execute(text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype IN ('u', 'f') "
        "AND conrelid::regclass::text = ANY(:tables) ORDER BY contype DESC, conname"),
        {"tables": tables}).all()
    indexes = connection.execute(text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(:tables) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY 1"), {"tables": tables}).all()
    # All locks at once, in one order: taken one by one while readers come and go (a key's
    # drop locks the table it points to as well), a reader can deadlock the seed.
    locked = connection.scalars(text(
        "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:tables)"),
        {"tables": tables}).all()
    connection.exec_driver_sql(
        f"LOCK TABLE {', '.join(sorted(set(tables) | set(locked)))} IN ACCESS EXCLUSIVE MODE")
    for table, name, _definition in constraints:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    yield
    connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    for _name, definition in indexes:
        connection.exec_driver_sql(definition)
    # Unique first ('u' sorts after 'f', hence DESC above): a key may need its target's.
    for table, name, definition in constraints:
        connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def vacuum(engine, tables: Iterable[str]) -> bool:
    """PostgreSQL: VACUUM after a bulk load, outside any transaction. It marks the pages
    all-visible, so counts answered by an index alone (the dashboard's overdue findings)
    read no table pages; until autovacuum gets there they read thousands. Skipped (False)
    when another transaction holds the tables (the tests' outer transaction does)."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("SET lock_timeout = '2s'")
        try:
            connection.exec_driver_sql(f"VACUUM {', '.join(tables)}")
        except OperationalError:
            return False
    return True
