"""Reads for the managers' inboxes: what waits for them, oldest first."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Finding, FindingStatus
from app.services.remediation import list_options

INBOX_LIMIT = 100


def to_verify(session: Session, limit: int = INBOX_LIMIT) -> list[Finding]:
    """Fixed and waiting for a manager's check: the longest-waiting first."""
    return list(session.scalars(
        select(Finding).where(Finding.status == FindingStatus.FIXED)
        .options(*list_options())
        .order_by(Finding.fixed_at.is_(None), Finding.fixed_at, Finding.id)
        .limit(limit)))


def new_findings(session: Session, limit: int = INBOX_LIMIT) -> list[Finding]:
    """Reported and not yet acknowledged by anyone: the oldest first."""
    return list(session.scalars(
        select(Finding).where(Finding.status == FindingStatus.NEW)
        .options(*list_options())
        .order_by(Finding.created_at, Finding.id)
        .limit(limit)))


def inbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Finding.status, func.count()).where(
            Finding.status.in_([FindingStatus.FIXED, FindingStatus.NEW]))
        .group_by(Finding.status)).all()
    counts = {FindingStatus(status).value: n for status, n in rows}
    return {"verify": counts.get("fixed", 0), "new": counts.get("new", 0)}
