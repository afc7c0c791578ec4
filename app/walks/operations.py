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
    session.add(walk)
    set_participants(walk, participants, session=session)
    session.flush()
    return walk


def set_participants(walk: Walk, participants, session: Session | None = None) -> None:
    """A participant written as the e-mail of an active account is linked to that account
    (and shown by its name): they may then start, complete and add findings to the walk."""
    given = [((name or "").strip(), role) for name, role in participants]
    given = [(name, role) for name, role in given if name]
    emails = {name.lower() for name, _role in given if "@" in name}
    accounts = {}
    if session is not None and emails:  # every account in one query
        accounts = {user.email.lower(): user for user in session.scalars(
            select(User).where(func.lower(User.email).in_(emails), User.active))}
    rows = []
    for name, role in given:
        user = accounts.get(name.lower())
        rows.append(WalkParticipant(
            name=user.name if user else name, role=ParticipantRole(role), user=user
        ))
    walk.participants = rows


def start_walk(session: Session, walk: Walk, *, now: datetime | None = None) -> Walk:
    return _advance(session, walk, WalkStatus.PLANNED, WalkStatus.IN_PROGRESS, "started_at",
                    now, _l("This walk has already been started."))


def complete_walk(session: Session, walk: Walk, *, now: datetime | None = None) -> Walk:
    return _advance(session, walk, WalkStatus.IN_PROGRESS, WalkStatus.COMPLETED,
                    "completed_at", now, _l("Only a walk in progress can be completed."))


def _advance(session: Session, walk: Walk, from_status: WalkStatus, to_status: WalkStatus,
             stamp: str, now: datetime | None, refusal) -> Walk:
    """Move the walk one step on (planned → in progress → completed), stamping the time."""
    if walk.status != from_status:
        raise DomainError(refusal)
    walk.status = to_status
    setattr(walk, stamp, now or utcnow())
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
