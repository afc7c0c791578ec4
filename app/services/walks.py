"""Planning, starting and completing walks."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Category,
    District,
    Finding,
    LightCondition,
    ParticipantRole,
    User,
    Walk,
    WalkParticipant,
    WalkStatus,
    utcnow,
)
from app.services import DomainError


def plan_walk(
    session: Session,
    *,
    district: District,
    title: str,
    planned_start: datetime,
    light_condition: LightCondition,
    leader: User | None,
    route: str = "",
    notes: str = "",
    participants: list[tuple[str, ParticipantRole]] = (),
    created_by: User | None = None,
) -> Walk:
    if not title.strip():
        raise DomainError(_l("Give the walk a title."), field="title")
    walk = Walk(
        district=district,
        title=title.strip(),
        planned_start=planned_start,
        light_condition=light_condition,
        leader=leader,
        route=route.strip(),
        notes=notes.strip(),
        created_by=created_by,
        status=WalkStatus.PLANNED,
    )
    set_participants(walk, participants)
    session.add(walk)
    session.flush()
    return walk


def set_participants(walk: Walk, participants) -> None:
    walk.participants = [
        WalkParticipant(name=name.strip(), role=ParticipantRole(role))
        for name, role in participants
        if name and name.strip()
    ]


def start_walk(session: Session, walk: Walk, *, now: datetime | None = None) -> Walk:
    if walk.status != WalkStatus.PLANNED:
        raise DomainError(_l("This walk has already been started."))
    walk.status = WalkStatus.IN_PROGRESS
    walk.started_at = now or utcnow()
    session.flush()
    return walk


def complete_walk(session: Session, walk: Walk, *, now: datetime | None = None) -> Walk:
    if walk.status != WalkStatus.IN_PROGRESS:
        raise DomainError(_l("Only a walk in progress can be completed."))
    walk.status = WalkStatus.COMPLETED
    walk.completed_at = now or utcnow()
    session.flush()
    return walk


def findings_per_category(session: Session, walk: Walk, visible) -> list[tuple[Category, int]]:
    """Counts per category of the findings on the walk that match `visible`."""
    rows = session.execute(
        select(Category, func.count(Finding.id))
        .join(Finding, Finding.category_id == Category.id)
        .where(Finding.walk_id == walk.id, visible)
        .group_by(Category.id)
        .order_by(func.count(Finding.id).desc(), Category.position)
    )
    return [(category, count) for category, count in rows]


def finding_counts(session: Session, walk_ids: list[int], visible) -> dict[int, int]:
    """Findings per walk, counting only those that match `visible`."""
    if not walk_ids:
        return {}
    rows = session.execute(
        select(Finding.walk_id, func.count(Finding.id))
        .where(Finding.walk_id.in_(walk_ids), visible)
        .group_by(Finding.walk_id)
    )
    return dict(rows.all())
