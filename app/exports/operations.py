"""Exports as jobs: the only code that creates, runs, fails and deletes export jobs.

`run_export` is the job (app/jobs.py runs it in a worker or a thread). It reads on its own
read-only connection with a server-side cursor and writes the file in chunks, so memory stays
flat whatever the row count. Progress is committed on the session every PROGRESS_EVERY rows.
The file is written under a temporary name, fsync'd and renamed only when every row is in
it: a download is either complete, with its row count in its name, or not offered at all.
With photos in a bucket (several app hosts) the finished file goes there too, under
``exports/``: the worker that wrote it and the host that serves the download may differ.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.errors import DomainError
from app.exports import writers as export_service
from app.exports.forms import NOT_FILTERS
from app.extensions import db
from app.models import ExportJob, ExportStatus, User, utcnow
from app.policy import can
from app.storage import delete_files, get_storage

log = logging.getLogger(__name__)

KINDS = ("findings", "walks")
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = ("csv", "xlsx")
PROGRESS_EVERY = 5000


def export_folder() -> Path:
    return Path(current_app.config["EXPORT_FOLDER"])


def file_path(job: ExportJob) -> Path:
    return export_folder() / f"{job.token}.{job.file_format}"


def stored_key(job: ExportJob) -> str | None:
    """The finished file's key in the bucket, or None when files stay on this host's disk."""
    storage = get_storage()
    key = f"exports/{job.token}.{job.file_format}"
    return None if storage.path(key) is not None else key


def start_export(session: Session, *, user: User, kind: str, file_format: str,
                 args: MultiDict, locale: str, keep: timedelta | None = None) -> ExportJob:
    """A queued export job for `user` with the filters in `args` (enqueue it after commit);
    given `keep`, jobs older than that go first, with their files."""
    if keep is not None:
        purge_expired(session, keep=keep)
    if kind not in KINDS:
        raise DomainError("Unknown export.", field="kind")
    if file_format not in FORMATS:
        raise DomainError("Unknown file format.", field="file_format")
    params = [(key, value) for key, value in args.items(multi=True) if key not in NOT_FILTERS]
    job = ExportJob(
        token=secrets.token_urlsafe(24), user_id=user.id, kind=kind, file_format=file_format,
        params=json.dumps(params), locale=locale[:5],
        # What the file will hold is fixed now; the download checks the right again.
        include_confidential=kind == "findings" and can(user, "view_confidential"),
        status=ExportStatus.QUEUED,
    )
    session.add(job)
    session.flush()
    return job


def again(session: Session, job: ExportJob, user: User) -> ExportJob:
    """A new job with the same export as `job` (after a failure, or for fresh data)."""
    return start_export(session, user=user, kind=job.kind, file_format=job.file_format,
                        args=MultiDict(json.loads(job.params)), locale=job.locale)


def could_not_start(session: Session, export_id: int) -> None:
    """The queue was unreachable: the job is failed at once (its page offers to try again)."""
    job = session.get(ExportJob, export_id)
    job.status = ExportStatus.FAILED
    job.error = "could not be queued"
    job.updated_at = job.finished_at = utcnow()
    session.flush()


def purge_expired(session: Session, *, keep: timedelta) -> int:
    """Delete export jobs older than `keep`, and their files. Returns how many."""
    cutoff = utcnow() - keep
    old = session.scalars(select(ExportJob).where(ExportJob.created_at < cutoff)).all()
    for job in old:
        _remove(file_path(job))
        _remove(_part_path(job))
        key = stored_key(job)
        if key is not None:
            delete_files([key])
    if old:
        session.execute(delete(ExportJob).where(ExportJob.id.in_([j.id for j in old])))
        session.flush()
    return len(old)


def _part_path(job: ExportJob) -> Path:
    return export_folder() / f"{job.token}.{job.file_format}.part"


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _query(job: ExportJob):
    filters = export_service.filters_from_args(MultiDict(json.loads(job.params)))
    if job.kind == "findings":
        return export_service.FINDING_COLUMNS, export_service.findings_query(
            filters, include_confidential=job.include_confidential, locale=job.locale)
    return export_service.WALK_COLUMNS, export_service.walks_query(filters)


def run_export(export_id: int) -> None:
    """The job: write the export's file, with progress, and mark it done or failed."""
    session = db.session
    job = session.get(ExportJob, export_id)
    if job is None or job.status != ExportStatus.QUEUED:
        return  # deleted, or already run (a job delivered twice does its work once)
    job.status = ExportStatus.RUNNING
    job.updated_at = utcnow()
    session.commit()
    part = _part_path(job)
    try:
        with force_locale(job.locale):
            header, query = _query(job)
            job.rows_total = session.scalar(
                select(func.count()).select_from(query.order_by(None).subquery()))
            job.updated_at = utcnow()
            session.commit()
            export_folder().mkdir(parents=True, exist_ok=True)
            count = _write(job, header, query, part, session)
        os.replace(part, file_path(job))
        size = file_path(job).stat().st_size
        key = stored_key(job)
        if key is not None:  # to the bucket, where every host finds it
            get_storage().save_file(key, file_path(job), MIMETYPES[job.file_format])
            _remove(file_path(job))
    except Exception as error:
        session.rollback()
        _remove(part)
        _remove(file_path(job))
        log.exception("export %s failed", export_id)
        job = session.get(ExportJob, export_id)
        job.status = ExportStatus.FAILED
        job.error = f"{type(error).__name__}: {error}"[:500]
        job.updated_at = job.finished_at = utcnow()
        session.commit()
        raise
    job.status = ExportStatus.DONE
    job.row_count = job.rows_done = count
    job.file_size = size
    job.updated_at = job.finished_at = utcnow()
    session.commit()
    purge_expired(session, keep=timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"]))
    session.commit()


def _write(job: ExportJob, header: list[str], query, part: Path, session: Session) -> int:
    """Write every row to `part` (fsync'd); return the number of data rows written."""
    counted = 0

    def counting(rows):
        nonlocal counted
        for row in rows:
            counted += 1
            if counted % PROGRESS_EVERY == 0:
                job.rows_done = counted
                job.updated_at = utcnow()
                session.commit()
            yield row

    with db.engine.connect() as connection:
        # Its own connection, read-only: on SQLite it must not hold the write lock while the
        # progress (and every user's uploads) are written; on PostgreSQL a server-side cursor.
        connection = connection.execution_options(
            trygg_read_only=True, stream_results=True, max_row_buffer=export_service.BATCH)
        result = connection.execute(query)
        try:
            data = counting(export_service.cells(result))
            if job.file_format == "csv":
                with open(part, "wb") as fh:
                    for chunk in export_service.csv_stream(header, data):
                        fh.write(chunk)
                    fh.flush()
                    os.fsync(fh.fileno())
            else:
                export_service.xlsx_write(str(part), header, data, job.kind)
                with open(part, "rb") as fh:
                    os.fsync(fh.fileno())
        finally:
            result.close()  # the server-side cursor, also when writing failed half-way
    return counted
