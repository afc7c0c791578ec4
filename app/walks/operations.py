"""Planning, starting and completing walks; follow-up walks (a planned walk that re-checks the
still-open findings of a completed one) and their checklists; the yearly walk targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.operations.photos import attach_photo
from app.models import (
    DONE_STATUSES,
    District,
    FindingEvent,
    FollowUpItem,
    FollowUpOutcome,
    LightCondition,
    ParticipantRole,
    Photo,
    PhotoKind,
    User,
    Walk,
    WalkParticipant,
    WalkStatus,
    WalkTarget,
    utcnow,
)
from app.storage import Storage

# Sent by update_walk when a saved walk's time or place moved, with `session` and `config`.
# Those who act on it (app/invitations mails the invited the new calendar event) connect to
# it, so the walks need not know them.
walk_moved = Namespace().signal("walk-moved")
# Sent by cancel_walk, with `session` and `config`: app/invitations mails the invited the
# cancellation of the calendar event.
walk_cancelled = Namespace().signal("walk-cancelled")


def plan_walk(
    session: Session,
    *,
    route: str = "",
    notes: str = "",
    created_by: User | None = None,
    **plan,
) -> Walk:
    """A new planned walk: `plan` as `update_walk` takes it; the route and notes stripped."""
    _checked_title(plan["title"])
    walk = Walk(created_by=created_by, status=WalkStatus.PLANNED)
    session.add(walk)
    return update_walk(session, walk, route=route.strip(), notes=notes.strip(), **plan)


def _checked_title(title: str) -> str:
    if not title.strip():
        raise DomainError(_l("Give the walk a title."), field="title")
    return title.strip()


def update_walk(
    session: Session,
    walk: Walk,
    *,
    district_id: int,
    title: str,
    planned_start: datetime,
    light_condition: LightCondition,
    leader_id: int | None,
    route: str = "",
    notes: str = "",
    meeting_point: str = "",
    participants: list[tuple[str, ParticipantRole]] = (),
    config: Mapping | None = None,
) -> Walk:
    """The planning form saved (again). Given the app's `config`, a walk whose time or place
    (district, meeting point) moved gets the next calendar SEQUENCE and its invited people
    the new event by mail."""
    meeting_point = meeting_point.strip()
    moved = walk.id is not None and (
        walk.planned_start, walk.district_id, walk.meeting_point or "") != (
        planned_start, district_id, meeting_point)
    walk.title = _checked_title(title)
    walk.district_id = district_id
    walk.planned_start = planned_start
    walk.light_condition = light_condition
    walk.leader_id = leader_id or None
    walk.route = route
    walk.notes = notes
    walk.meeting_point = meeting_point
    set_participants(walk, participants, session=session)
    session.flush()
    if moved and config is not None:
        walk_moved.send(walk, session=session, config=config)
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
    # Guests who joined by code (app/guests) are not on the planning form: they stay, with
    # their session and their findings.
    walk.participants = [p for p in walk.participants if p.guest] + rows


def start_walk(session: Session, walk: Walk, *, now: datetime | None = None) -> Walk:
    return _advance(session, walk, WalkStatus.PLANNED, WalkStatus.IN_PROGRESS, "started_at",
                    now, _l("This walk has already been started."))


def complete_walk(session: Session, walk: Walk, *, notes: str | None = None,
                  now: datetime | None = None) -> Walk:
    """Complete and lock the walk; `notes` (for the protocol), given, replace its notes."""
    if notes is not None and walk.status == WalkStatus.IN_PROGRESS:
        walk.notes = notes
    return _advance(session, walk, WalkStatus.IN_PROGRESS, WalkStatus.COMPLETED,
                    "completed_at", now, _l("Only a walk in progress can be completed."))


MAX_CANCEL_REASON = 500


def cancel_walk(session: Session, walk: Walk, *, reason: str = "", by: User | None,
                config: Mapping | None = None, now: datetime | None = None) -> Walk:
    """Call off a planned walk: it is never started, and its calendar event gets the next
    SEQUENCE with STATUS:CANCELLED (the invited are mailed it: walk_cancelled)."""
    reason = (reason or "").strip()
    if len(reason) > MAX_CANCEL_REASON:
        raise DomainError(_l("Write at most %(num)d characters.", num=MAX_CANCEL_REASON),
                          field="reason")
    _advance(session, walk, WalkStatus.PLANNED, WalkStatus.CANCELLED, "cancelled_at", now,
             _l("Only a planned walk can be cancelled."))
    walk.cancel_reason = reason
    walk.cancelled_by_id = by.id if by is not None else None
    walk.calendar_sequence = (walk.calendar_sequence or 0) + 1
    session.flush()
    if config is not None:
        walk_cancelled.send(walk, session=session, config=config)
    return walk


def _advance(session: Session, walk: Walk, from_status: WalkStatus, to_status: WalkStatus,
             stamp: str, now: datetime | None, refusal) -> Walk:
    """Move the walk one step on (planned → in progress → completed), stamping the time."""
    if walk.status != from_status:
        raise DomainError(refusal)
    walk.status = to_status
    setattr(walk, stamp, now or utcnow())
    session.flush()
    return walk


# --- follow-up walks -------------------------------------------------------------------------


def plan_follow_up(session: Session, walk: Walk, *, planned_start: datetime,
                   created_by: User | None, exclude: set[int] = frozenset()) -> Walk:
    """A planned walk in the same district with one checklist line per open finding (but
    those in `exclude`: the after-meeting's points answered "no action")."""
    if walk.status != WalkStatus.COMPLETED:
        raise DomainError(_l("Only a completed walk can be followed up."))
    open_findings = sorted(
        (f for f in walk.findings if f.status not in DONE_STATUSES and f.id not in exclude),
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


# --- walk targets ----------------------------------------------------------------------------


def set_walk_target(session: Session, *, district_id: int, year: int,
                    target: int | None) -> None:
    """How many walks the district should complete in the year; None removes the target."""
    row = session.scalar(select(WalkTarget).where(
        WalkTarget.district_id == district_id, WalkTarget.year == year))
    if target is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(WalkTarget(district_id=district_id, year=year, target=target))
    else:
        row.target = target


def save_walk_targets(session: Session, *, year: int, targets: dict[int, int | None]) -> None:
    """The year's walk target for each district id given (None removes it)."""
    for district_id, target in targets.items():
        set_walk_target(session, district_id=district_id, year=year, target=target)
    session.flush()


def intake_walk(session: Session, district: District, *, route: str, title: str,
                notes: str) -> Walk:
    """The district's standing walk for findings that come from outside a walk (Open311,
    tenants' reports), one per district and route; made on first use."""
    walk = session.scalar(select(Walk).where(Walk.district_id == district.id,
                                             Walk.route == route).limit(1))
    if walk is None:
        walk = Walk(district_id=district.id, title=title, route=route,
                    planned_start=datetime.now(UTC), light_condition=LightCondition.DAYLIGHT,
                    status=WalkStatus.COMPLETED, completed_at=None, notes=notes)
        session.add(walk)
        session.flush()
    return walk

