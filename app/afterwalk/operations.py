"""Every write of the after-meeting: the owners list, a point's answer (and the mail to an
outside owner), the owner's reply, finishing the meeting with its re-walk, opening and closing
a walk's public links, the residents' pins and their moderation, and a repeating plan of walks.
Each adds and flushes; the view commits."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.afterwalk import mail as owner_mail
from app.errors import DomainError
from app.models import (
    AfterMeeting,
    Finding,
    FindingAnswer,
    FindingEvent,
    LightCondition,
    LinkKind,
    Owner,
    OwnerKind,
    PinStatus,
    PublicLink,
    ResidentPin,
    TimeOfDay,
    User,
    Walk,
    utcnow,
)
from app.storage import Storage
from app.timeutil import local_to_utc
from app.walks.operations import plan_follow_up, plan_walk

# --- owners ----------------------------------------------------------------------------------


def save_owner(session: Session, owner: Owner | None, *, name: str, kind: OwnerKind | str,
               email: str) -> Owner:
    """A new owner (owner=None) or an edited one. An owner other than our company is sent
    its points by e-mail, so it needs an address."""
    name, email, kind = name.strip(), email.strip(), OwnerKind(kind)
    if not name:
        raise DomainError(_l("Give the owner a name."), field="name")
    if kind != OwnerKind.OURS and not email:
        raise DomainError(_l("Give an e-mail address: the owner is sent its points by e-mail."),
                          field="email")
    clash = session.scalar(select(Owner.id).where(Owner.name == name))
    if clash is not None and (owner is None or clash != owner.id):
        raise DomainError(_l("There is already an owner with this name."), field="name")
    if owner is None:
        owner = Owner(active=True)
        session.add(owner)
    owner.name, owner.kind, owner.email = name, kind, email
    session.flush()
    return owner


def set_owner_active(session: Session, owner: Owner, active: bool) -> None:
    """Stop offering an owner (its earlier answers keep it), or offer it again."""
    owner.active = active
    session.flush()


# --- the after-meeting -----------------------------------------------------------------------


def answer_point(session: Session, finding: Finding, *, owner: Owner | None, action: str,
                 due_date: date | None, no_action: bool, reason: str, user: User,
                 storage: Storage) -> FindingAnswer:
    """The after-meeting's answer to one point: an owner, a planned action and a due date, or
    "no action" with the reason. The finding's responsible party, planned action and due date
    follow the answer. An outside owner is sent the point (photo and position) by e-mail,
    once per owner: a changed answer to the same owner is not sent again."""
    action, reason = action.strip(), reason.strip()
    if no_action:
        if not reason:
            raise DomainError(_l("Say why nothing will be done."), field="reason")
    else:
        if owner is None:
            raise DomainError(_l("Choose who owns this point."), field="owner_id")
        if not action:
            raise DomainError(_l("Say what will be done."), field="action")
        if due_date is None:
            raise DomainError(_l("Give a date by when it will be done."), field="due_date")
    answer = session.scalar(select(FindingAnswer).where(FindingAnswer.finding_id == finding.id))
    if answer is None:
        answer = FindingAnswer(finding=finding)
        session.add(answer)
    previous_owner_id = answer.owner_id
    answer.owner = owner
    answer.no_action = no_action
    answer.action = "" if no_action else action
    answer.due_date = None if no_action else due_date
    answer.no_action_reason = reason if no_action else ""
    answer.answered_at = utcnow()
    answer.answered_by_id = user.id
    if owner is not None and owner.id != previous_owner_id:
        answer.mail_id, answer.owner_reply, answer.owner_replied_at = None, "", None
    if not no_action:
        finding.responsible_party = owner.name[:120]
        finding.planned_action = action
        finding.due_date = due_date
    session.add(FindingEvent(
        finding_id=finding.id, actor_id=user.id, field="responsible_party",
        to_value=(owner.name if owner else "")[:200],
        note=str(_l("After the walk: no action. %(reason)s", reason=reason)) if no_action
        else str(_l("After the walk: %(action)s", action=action)),
    ))
    session.flush()
    if (owner is not None and not owner.is_ours and owner.email and not no_action
            and answer.mail_id is None and not finding.confidential):
        answer.mail_id = owner_mail.send_point(session, answer, storage=storage).id
        session.flush()
    return answer


def record_reply(session: Session, answer: FindingAnswer, *, reply: str) -> None:
    """What the outside owner answered, as staff write it down."""
    reply = reply.strip()
    if not reply:
        raise DomainError(_l("Write what the owner answered."), field="reply")
    answer.owner_reply = reply
    answer.owner_replied_at = utcnow()
    session.flush()


def finish_after_meeting(session: Session, walk: Walk, *, unanswered: int,
                         rewalk_start: datetime, user: User) -> AfterMeeting:
    """Every point answered: the meeting is done, and the re-walk planned with the points
    still open (not fixed and not answered "no action") as its checklist."""
    if unanswered:
        raise DomainError(_l("Points without an answer: %(num)d.", num=unanswered))
    if session.scalar(select(AfterMeeting.id).where(AfterMeeting.walk_id == walk.id)):
        raise DomainError(_l("The after-meeting of this walk is already finished."))
    settled = set(session.scalars(
        select(FindingAnswer.finding_id).join(Finding)
        .where(Finding.walk_id == walk.id, FindingAnswer.no_action.is_(True))))
    meeting = AfterMeeting(walk_id=walk.id, completed_by_id=user.id)
    try:
        meeting.rewalk = plan_follow_up(session, walk, planned_start=rewalk_start,
                                        created_by=user, exclude=settled)
    except DomainError:
        meeting.rewalk = None  # nothing left open: no re-walk needed
    session.add(meeting)
    session.flush()
    return meeting


def default_rewalk_day(today: date) -> date:
    return today + relativedelta(months=3)


# --- public links ----------------------------------------------------------------------------


def open_link(session: Session, walk: Walk, kind: LinkKind, *, user: User) -> PublicLink:
    """The walk's secret link of this kind (its public protocol, its pin page), made once."""
    link = session.scalar(select(PublicLink).where(PublicLink.walk_id == walk.id,
                                                   PublicLink.kind == kind))
    if link is None:
        link = PublicLink(walk_id=walk.id, kind=kind, token=secrets.token_urlsafe(24),
                          created_by_id=user.id)
        session.add(link)
        session.flush()
    return link


def close_link(session: Session, walk: Walk, kind: LinkKind) -> None:
    """Closed: the link answers 404 from now on; opened again it is a new link."""
    link = session.scalar(select(PublicLink).where(PublicLink.walk_id == walk.id,
                                                   PublicLink.kind == kind))
    if link is not None:
        session.delete(link)
        session.flush()


# --- residents' pins -------------------------------------------------------------------------


def add_pin(session: Session, walk: Walk, *, building_id: int | None, latitude: float | None,
            longitude: float | None, description: str, time_of_day: TimeOfDay | str,
            district_buildings: set[int]) -> ResidentPin:
    """A resident's place, by a building of the walk's district or a spot on the map."""
    description = description.strip()
    if not description:
        raise DomainError(_l("Say what feels unsafe here."), field="description")
    if building_id and building_id not in district_buildings:
        raise DomainError(_l("Choose a building from the list."), field="building_id")
    if not building_id and (latitude is None or longitude is None):
        raise DomainError(_l("Choose a building, or pin the place on the map."),
                          field="building_id")
    pin = ResidentPin(
        walk_id=walk.id, building_id=building_id or None,
        latitude=None if building_id else latitude, longitude=None if building_id else longitude,
        description=description, time_of_day=TimeOfDay(time_of_day),
    )
    session.add(pin)
    session.flush()
    return pin


def moderate_pin(session: Session, pin: ResidentPin, *, approve: bool, user: User) -> None:
    pin.status = PinStatus.APPROVED if approve else PinStatus.REJECTED
    pin.moderated_at = utcnow()
    pin.moderated_by_id = user.id
    session.flush()


# --- a repeating plan of walks ---------------------------------------------------------------

WINTER_MONTHS = frozenset({10, 11, 12, 1, 2, 3})


def plan_series(session: Session, *, district_id: int, title: str, first_day: date,
                until: date, every_months: int, at: time, winter_evening: time | None,
                leader_id: int | None, created_by: User) -> list[Walk]:
    """Planned walks from `first_day` every `every_months` months up to `until` (a year at
    most); in winter (October to March), given `winter_evening`, they start at that time as
    evening walks in the dark."""
    if not 1 <= every_months <= 12:
        raise DomainError(_l("Every 1 to 12 months."), field="every_months")
    if until < first_day or until > first_day + relativedelta(years=1):
        raise DomainError(_l("The last day is within a year of the first."), field="until")
    walks, step = [], 0
    while (day := first_day + relativedelta(months=step * every_months)) <= until:
        evening = winter_evening is not None and day.month in WINTER_MONTHS
        walks.append(plan_walk(
            session, district_id=district_id, title=title,
            planned_start=local_to_utc(day, winter_evening if evening else at),
            light_condition=LightCondition.DARK if evening else LightCondition.DAYLIGHT,
            leader_id=leader_id, created_by=created_by,
        ))
        step += 1
    return walks

