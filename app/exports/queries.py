"""Reads for export jobs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ExportJob, User, utcnow
from app.timeutil import to_local


def stalled(job: ExportJob, *, stale_seconds: int) -> bool:
    """Queued or running, yet no sign of life for stale_seconds: its worker has died."""
    return job.active and job.updated_at < utcnow() - timedelta(seconds=stale_seconds)


def recent(session: Session, user: User, *, limit: int = 10) -> list[ExportJob]:
    return list(session.scalars(
        select(ExportJob).where(ExportJob.user_id == user.id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit)
    ))


def download_name(job: ExportJob) -> str:
    """trygg-findings-2026-12-01-1234-rows.csv: the row count a reader can check."""
    day = to_local(job.created_at).date().isoformat()
    return f"trygg-{job.kind}-{day}-{job.row_count}-rows.{job.file_format}"
