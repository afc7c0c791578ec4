"""Follow-up walks: a planned walk that re-checks the still-open findings of a completed one."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.photos import attach_photo
from app.models import (
    DONE_STATUSES,
    FindingEvent,
    FollowUpItem,
    FollowUpOutcome,
    Photo,
    PhotoKind,
    User,
    Walk,
    WalkStatus,
    utcnow,
)
from app.storage import Storage


def plan_follow_up(session: Session, walk: Walk, *, planned_start: datetime,
                   created_by: User | None) -> Walk:
    """A planned walk in the same district with one checklist line per open finding."""
    if walk.status != WalkStatus.COMPLETED:
        raise DomainError(_l("Only a completed walk can be followed up."))
    open_findings = sorted(
        (f for f in walk.findings if f.status not in DONE_STATUSES),
        key=lambda f: (f.created_at, f.id),
    )
    if not open_findings:
        raise DomainError(_l("Every finding of this walk is done; nothing to follow up."))
    follow_up = Walk(
        district_id=walk.district_id,
        title=str(_l("Follow-up: %(title)s", title=walk.title))[:200],
        route=walk.route,
        planned_start=planned_start,
        light_condition=walk.light_condition,
        leader_id=walk.leader_id,
        status=WalkStatus.PLANNED,
        follow_up_of_id=walk.id,
        created_by=created_by,
        checklist=[FollowUpItem(finding_id=f.id) for f in open_findings],
    )
    session.add(follow_up)
    session.flush()
    return follow_up


def check_item(session: Session, item: FollowUpItem, *, outcome: FollowUpOutcome | str,
               note: str, user: User, storage: Storage | None = None,
               processed_photo=None) -> Photo | None:
    """Record whether a finding was found fixed; an "after" photo goes on the finding itself.

    The finding's status is left to remediation: the follow-up is a recorded observation,
    written to the finding's timeline. Returns the saved "after" photo, if any.
    """
    outcome = FollowUpOutcome(outcome)
    if outcome == FollowUpOutcome.OPEN:
        raise DomainError(_l("Choose fixed or not fixed."), field="outcome")
    previous = item.outcome
    item.outcome = outcome
    item.note = note.strip()
    item.checked_at = utcnow()
    item.checked_by_id = user.id
    session.add(FindingEvent(
        finding_id=item.finding_id, actor_id=user.id, field="follow_up",
        from_value=previous.value, to_value=outcome.value, note=item.note,
    ))
    photo = None
    if processed_photo is not None and storage is not None:
        photo, _created = attach_photo(session, storage, item.finding, processed_photo,
                                       kind=PhotoKind.AFTER, uploaded_by_id=user.id)
    session.flush()
    return photo
