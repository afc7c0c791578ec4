"""Backup and restore of a whole Trygg instance: the database and the photo store.

A backup is a folder:

    manifest.json        what is in it, with a SHA-256 for every file
    database.sqlite3     SQLite: a consistent copy made with the online backup API
    database.dump        PostgreSQL: `pg_dump -Fc`
    photos/…             the photo store (UPLOAD_FOLDER, or the bucket), same layout

The database is copied first, then only the photo files its rows name: a photo's file is
written before its row is committed, so every photo row in the copy has its file on disk by
the time the photos are copied, and a file written after the copy (its row not in it) is left
out, not carried along as an orphan. (A plain file copy of a live SQLite database loses what
is still in its WAL.) PostgreSQL: the photo keys are read in the same snapshot pg_dump uses.
A restore likewise copies only the files the restored rows name (a backup made before this
rule may hold others).

The photo store is the local folder or the S3 bucket (app/storage.py): a backup of an
instance on a bucket holds its photos as files too, and a restore writes them into an
empty bucket (or folder), whichever the restoring instance uses.

No Flask in here: the CLI commands in app/cli.py pass the database URL, the store and the
folder in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.storage import LocalStorage, Storage

FORMAT = 1
MANIFEST = "manifest.json"
PHOTOS = "photos"
COUNTED = ("users", "walks", "findings", "photos")


class BackupError(Exception):
    """Something that stops a backup or a restore; the message says what to do."""


@dataclass
class Result:
    manifest: dict
    missing_photos: list[str]


@dataclass
class Restored:
    manifest: dict
    skipped_files: list[str]  # in the backup, but named by no restored photo row


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _kind(database_url: str) -> str:
    backend = make_url(database_url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Unsupported database: {backend}")
    return backend


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq_url(database_url: str) -> str:
    """postgresql+psycopg://… → postgresql://… for pg_dump and pg_restore."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)


def _major(version: str) -> int:
    match = re.search(r"(\d+)(?:\.(\d+))?", version)
    if not match:
        raise BackupError(f"Cannot read a PostgreSQL version from {version!r}")
    return int(match.group(1))


def pg_tool(name: str, server_version: str) -> str:
    """The path of pg_dump/pg_restore, refusing one older than the server (it would fail or
    write a dump the server's own tools cannot read)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools of the server's "
            f"version {server_version} (Debian: apt-get install postgresql-client-"
            f"{_major(server_version)})."
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    tool = _major(out.stdout.split("(PostgreSQL)")[-1])  # "pg_dump (PostgreSQL) 15.20 (…)"
    if tool < _major(server_version):
        raise BackupError(
            f"{name} is version {tool}, the server is {server_version}: install "
            f"postgresql-client-{_major(server_version)} or newer."
        )
    return path


def _store(store: Storage | str | os.PathLike) -> Storage:
    """A folder given by its path is a LocalStorage."""
    return LocalStorage(store) if isinstance(store, str | os.PathLike) else store


def _copy_photos(store: Storage, target: Path, keys: set[str]) -> dict[str, str]:
    """The files of the photo store named by `keys` → their SHA-256 (a key without a file is
    left out: the caller reports it missing)."""
    files: dict[str, str] = {}
    for key in sorted(keys):
        try:
            data = store.read(key)
        except (ValueError, FileNotFoundError):  # not a key the app writes, or gone
            continue
        destination = target / key
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        files[key] = _sha256(destination)
    return files


def _stored_files(store: Storage) -> int:
    """How many photo files the store holds (not half-written temporary ones, nor the
    finished exports a bucket also holds)."""
    return sum(1 for key in store.stored_keys() if key.startswith(f"{PHOTOS}/"))


def _sqlite_facts(path: Path) -> tuple[dict[str, int], list[str], str | None]:
    """Row counts, photo keys and the schema revision of a SQLite file."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in COUNTED}
        keys = [k for row in connection.execute("SELECT storage_key, thumb_key FROM photos")
                for k in row if k]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    return counts, keys, revision[0] if revision else None


def _facts(connection) -> tuple[dict[str, int], list[str], str | None]:
    counts = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
              for t in COUNTED}
    keys = [k for row in connection.execute(text("SELECT storage_key, thumb_key FROM photos"))
            for k in row if k]
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return counts, keys, revision


def backup(database_url: str, photo_store: Storage | str | os.PathLike,
           destination: str | os.PathLike) -> Result:
    target = Path(destination)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new folder for the backup.")
    target.mkdir(parents=True, exist_ok=True)
    kind = _kind(database_url)
    started = datetime.now(UTC)
    snapshot = (_snapshot_sqlite if kind == "sqlite" else _snapshot_postgres)(database_url,
                                                                              target)
    keys = set(snapshot.keys)
    store = _store(photo_store)
    photos = _copy_photos(store, target / PHOTOS, keys)
    missing = sorted(k for k in keys if k not in photos)
    # Files no row of the snapshot names: written for photos committed after it (or left by a
    # failed write). Restored, they would be orphans.
    left_out = max(0, _stored_files(store) - len(photos))
    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "database": {
            "kind": kind,
            "file": snapshot.file.name,
            "sha256": _sha256(snapshot.file),
            "bytes": snapshot.file.stat().st_size,
            "server_version": snapshot.server_version,
            "schema_revision": snapshot.revision,
        },
        "counts": snapshot.counts,
        "photos": photos,
        "missing_photos": missing,
        "files_left_out": left_out,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return Result(manifest, missing)


@dataclass
class _Snapshot:
    """The database copied into the backup, and what its rows said at that moment."""

    file: Path
    counts: dict[str, int]
    keys: list[str]
    revision: str | None
    server_version: str


def _snapshot_sqlite(database_url: str, target: Path) -> _Snapshot:
    source_path = _sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"The database {source_path} does not exist.")
    db_file = target / "database.sqlite3"
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(db_file)
    try:
        source.backup(copy)  # one step: a consistent snapshot, WAL included
    finally:
        copy.close()
        source.close()
    counts, keys, revision = _sqlite_facts(db_file)
    return _Snapshot(db_file, counts, keys, revision, sqlite3.sqlite_version)


def _snapshot_postgres(database_url: str, target: Path) -> _Snapshot:
    db_file = target / "database.dump"
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            server_version = connection.execute(text("SHOW server_version")).scalar_one()
        pg_dump = pg_tool("pg_dump", server_version)
        # Count and list the photo keys in the very snapshot pg_dump copies.
        repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with repeatable as connection:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts, keys, revision = _facts(connection)
            done = subprocess.run(
                [pg_dump, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 "-f", str(db_file), "-d", _libpq_url(database_url)],
                capture_output=True, text=True,
            )
            connection.rollback()
    finally:
        engine.dispose()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return _Snapshot(db_file, counts, keys, revision, server_version)


# --- restore -----------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: is it a Trygg backup?")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def verify(source: Path, manifest: dict) -> list[str]:
    """The files whose checksum is wrong or that are missing (empty: all good)."""
    bad = []
    database = source / manifest["database"]["file"]
    if not database.is_file() or _sha256(database) != manifest["database"]["sha256"]:
        bad.append(manifest["database"]["file"])
    for relative, digest in manifest["photos"].items():
        path = source / PHOTOS / relative
        if not path.is_file() or _sha256(path) != digest:
            bad.append(f"{PHOTOS}/{relative}")
    return bad


def _non_empty_tables(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
            return [t for t in tables
                    if connection.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first()]
    finally:
        engine.dispose()


def restore(database_url: str, photo_store: Storage | str | os.PathLike,
            source: str | os.PathLike) -> Restored:
    """Restore a backup into an empty instance: the database, then the photo files its rows
    name (any other file in the backup is skipped)."""
    source = Path(source)
    manifest = read_manifest(source)
    kind = _kind(database_url)
    store = _store(photo_store)
    _check_restorable(source, manifest, kind, store)
    database_file = source / manifest["database"]["file"]
    if kind == "sqlite":
        _restore_sqlite(database_url, database_file)
    else:
        _restore_postgres(database_url, database_file)
    keys = set(_restored_keys(database_url, kind))
    skipped = []
    for relative in manifest["photos"]:
        if relative not in keys:
            skipped.append(relative)
            continue
        store.save(relative, (source / PHOTOS / relative).read_bytes())
    return Restored(manifest, sorted(skipped))


def _check_restorable(source: Path, manifest: dict, kind: str, store: Storage) -> None:
    """The backup is of this kind of database, undamaged, and the photo folder is empty."""
    if manifest["database"]["kind"] != kind:
        raise BackupError(
            f"This backup is of a {manifest['database']['kind']} database; the instance "
            f"uses {kind}."
        )
    bad = verify(source, manifest)
    if bad:
        raise BackupError("Checksums do not match (damaged or changed backup): "
                          + ", ".join(bad[:10]) + (" …" if len(bad) > 10 else ""))
    if next(iter(store.stored_keys()), None) is not None:
        where = store.root if isinstance(store, LocalStorage) else repr(store)
        raise BackupError(f"The photo store {where} is not empty: restore only into an "
                          "empty instance.")


def _restore_sqlite(database_url: str, database_file: Path) -> None:
    target = _sqlite_path(database_url)
    if target.exists() and _non_empty_tables(database_url):
        raise BackupError(f"The database {target} is not empty: restore only into an "
                          "empty instance.")
    target.parent.mkdir(parents=True, exist_ok=True)
    backup_copy = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        backup_copy.backup(destination)  # replaces whatever (empty) schema was there
    finally:
        destination.close()
        backup_copy.close()


def _restore_postgres(database_url: str, database_file: Path) -> None:
    not_empty = _non_empty_tables(database_url)
    if not_empty:
        raise BackupError("The database is not empty (" + ", ".join(not_empty[:5])
                          + "): restore only into an empty instance.")
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            server_version = connection.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    pg_restore = pg_tool("pg_restore", server_version)
    done = subprocess.run(
        [pg_restore, "--no-owner", "--no-privileges", "--clean", "--if-exists",
         "--single-transaction", "-d", _libpq_url(database_url), str(database_file)],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _restored_keys(database_url: str, kind: str) -> list[str]:
    """The photo keys the restored database names."""
    if kind == "sqlite":
        return _sqlite_facts(_sqlite_path(database_url))[1]
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return _facts(connection)[1]
    finally:
        engine.dispose()
