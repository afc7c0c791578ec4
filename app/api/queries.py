"""Reads the API answers that no page shares."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import User, Walk, WalkStatus
from app.policy import capture_walks_clause


def capture_walks(user: User, status: WalkStatus | None, limit: int = 50) -> list[Walk]:
    """The walks the user may capture on, the ones in progress first, then the latest; with
    their districts and participants, which each walk's answer reads (can_add_finding)."""
    query = select(Walk).where(capture_walks_clause(user)).options(
        joinedload(Walk.district), selectinload(Walk.participants))
    if status is not None:
        query = query.where(Walk.status == status)
    return list(db.session.scalars(query.order_by(
        case((Walk.status == WalkStatus.IN_PROGRESS, 0), else_=1), Walk.planned_start.desc()
    ).limit(limit)))
