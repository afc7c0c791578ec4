"""Reads for the account screens."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.extensions import db
from app.models import AuditEntry, District, User, UserSession


def users_with_session_counts(session: Session) -> list[tuple[User, int]]:
    sessions = (
        select(UserSession.user_id, func.count().label("n"))
        .group_by(UserSession.user_id).subquery()
    )
    rows = session.execute(
        select(User, func.coalesce(sessions.c.n, 0))
        .outerjoin(sessions, sessions.c.user_id == User.id)
        .options(selectinload(User.districts))
        .order_by(User.active.desc(), User.name, User.id)
    ).all()
    return [(user, count) for user, count in rows]


def districts_by_ids(session: Session, ids: list[int]) -> list[District]:
    if not ids:
        return []
    return list(session.scalars(select(District).where(District.id.in_(ids))))


def audit_page(session: Session, page: int, per_page: int = 50):
    return db.paginate(
        select(AuditEntry).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.target))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        page=page, per_page=per_page, error_out=False,
    )


def login_sessions(session: Session, user: User) -> list[UserSession]:
    """The user's devices logged in, last used first."""
    return session.scalars(
        select(UserSession).where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
