"""Reads for the inboxes: what waits for managers (oldest first) and for a fixer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, false, func, select
from sqlalchemy.orm import Session

from app.models import Finding, FindingStatus, Photo, PhotoKind, User
from app.remediation.filters import list_options, open_clause, overdue_condition
from app.timeutil import local_today

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


def my_tasks(session: Session, user: User, today: date | None = None) -> list[Finding]:
    """Open findings assigned to the user: overdue first, then by due date."""
    today = today or local_today()
    return list(session.scalars(
        select(Finding)
        .where(Finding.assignee_id == user.id, open_clause(),
               Finding.confidential == false())
        .options(*list_options())
        .order_by(case((overdue_condition(today), 0), else_=1),
                  Finding.due_date.is_(None), Finding.due_date, Finding.id)
    ))


def before_after(finding: Finding) -> tuple[list[Photo], list[Photo]]:
    before = [p for p in finding.photos if p.kind == PhotoKind.FINDING]
    after = [p for p in finding.photos if p.kind == PhotoKind.AFTER]
    return before, after
