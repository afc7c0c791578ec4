"""Reads of the after-meeting, the public pages and the pins; the loaders of a public link."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    AfterMeeting,
    Building,
    Finding,
    FindingAnswer,
    LinkKind,
    Owner,
    Photo,
    PhotoKind,
    PinStatus,
    PublicLink,
    ResidentPin,
    Walk,
    WalkStatus,
)
from app.policy import get_or_404

MAX_TOKEN = 64


def owners() -> list[Owner]:
    """Our company first, then by name."""
    return list(db.session.scalars(select(Owner).order_by(Owner.kind != "ours", Owner.name)))


def walk_points(walk: Walk) -> list[tuple[Finding, FindingAnswer | None]]:
    """Every finding of the walk (the after-meeting sees them all, confidential too), in the
    order they were found, with its answer."""
    rows = db.session.execute(
        select(Finding, FindingAnswer)
        .outerjoin(FindingAnswer, FindingAnswer.finding_id == Finding.id)
        .where(Finding.walk_id == walk.id)
        .options(selectinload(Finding.photos), selectinload(Finding.building),
                 selectinload(Finding.category), selectinload(FindingAnswer.owner))
        .order_by(Finding.created_at, Finding.id)
    ).all()
    return [(finding, answer) for finding, answer in rows]


def unanswered(walk_id: int) -> int:
    """Points of the walk with no answer yet."""
    return db.session.scalar(
        select(func.count(Finding.id))
        .outerjoin(FindingAnswer, FindingAnswer.finding_id == Finding.id)
        .where(Finding.walk_id == walk_id, FindingAnswer.id.is_(None))
    ) or 0


def after_meeting(walk_id: int) -> AfterMeeting | None:
    return db.session.scalar(select(AfterMeeting).where(AfterMeeting.walk_id == walk_id))


def after_walk_state(walk: Walk) -> dict:
    """For the walk page: whether the after-meeting is finished, and how many points wait
    (also after it: a finding a phone sent late, captured during the walk)."""
    meeting = after_meeting(walk.id)
    return {"finished": meeting is not None, "meeting": meeting,
            "unanswered": unanswered(walk.id)}


def point_or_404(walk: Walk, finding_id: int) -> Finding:
    finding = get_or_404(Finding, finding_id)
    if finding.walk_id != walk.id:
        abort(404)
    return finding


def answer_of(finding: Finding) -> FindingAnswer | None:
    return db.session.scalar(select(FindingAnswer).where(FindingAnswer.finding_id == finding.id))


def next_unanswered(walk: Walk, after: Finding) -> Finding | None:
    """The next point without an answer after this one, else the first one before it."""
    points = [f for f, answer in walk_points(walk) if answer is None and f.id != after.id]
    later = [f for f in points if (f.created_at, f.id) > (after.created_at, after.id)]
    return (later or points or [None])[0]


def link_of(walk: Walk, kind: LinkKind) -> PublicLink | None:
    return db.session.scalar(select(PublicLink).where(PublicLink.walk_id == walk.id,
                                                      PublicLink.kind == kind))


def link_or_404(token: str, kind: LinkKind) -> PublicLink:
    """The open link with this token; 404 for anything else (a closed or guessed link)."""
    link = None
    if len(token) <= MAX_TOKEN:
        link = db.session.scalar(select(PublicLink).where(PublicLink.token == token,
                                                          PublicLink.kind == kind))
    if link is None:
        abort(404)
    return link


def public_photo(photo: Photo) -> bool:
    """A photo the public page may show: of the point or of its fix, its faces blurred when
    it was stored, and nobody has said since that they are not blurred well enough."""
    return (photo.kind in (PhotoKind.FINDING, PhotoKind.AFTER)
            and photo.faces_blurred is not None and photo.blur_flagged_at is None)


def public_points(walk: Walk) -> list[dict]:
    """The public protocol's points, read now: never the confidential ones, never a person
    (no author, assignee or participant), only photos that `public_photo` allows."""
    rows = db.session.execute(
        select(Finding, FindingAnswer)
        .outerjoin(FindingAnswer, FindingAnswer.finding_id == Finding.id)
        .where(Finding.walk_id == walk.id, Finding.confidential.is_(False))
        .options(selectinload(Finding.photos), selectinload(Finding.building),
                 selectinload(Finding.category))
        .order_by(Finding.created_at, Finding.id)
    ).all()
    owners_by_id = {o.id: o for o in db.session.scalars(select(Owner))}
    return [{
        "finding": finding,
        "answer": answer,
        "owner": owners_by_id.get(answer.owner_id) if answer else None,
        "photos": [p for p in finding.photos if public_photo(p)],
    } for finding, answer in rows]


def public_photo_or_404(walk: Walk, photo_id: int) -> Photo:
    photo = get_or_404(Photo, photo_id)
    if (photo.finding.walk_id != walk.id or photo.finding.confidential
            or not public_photo(photo)):
        abort(404)
    return photo


# --- pins ------------------------------------------------------------------------------------


def district_buildings(walk: Walk) -> list[Building]:
    return list(db.session.scalars(
        select(Building).where(Building.district_id == walk.district_id)
        .order_by(Building.address, Building.code)))


def pins(walk: Walk, status: PinStatus | None = None) -> list[ResidentPin]:
    query = (select(ResidentPin).where(ResidentPin.walk_id == walk.id)
             .options(selectinload(ResidentPin.building))
             .order_by(ResidentPin.created_at.desc(), ResidentPin.id.desc()))
    if status is not None:
        query = query.where(ResidentPin.status == status)
    return list(db.session.scalars(query))


def pin_or_404(walk: Walk, pin_id: int) -> ResidentPin:
    pin = get_or_404(ResidentPin, pin_id)
    if pin.walk_id != walk.id:
        abort(404)
    return pin


def pin_counts(walk: Walk) -> dict[str, int]:
    return {str(status): count for status, count in db.session.execute(
        select(ResidentPin.status, func.count(ResidentPin.id))
        .where(ResidentPin.walk_id == walk.id).group_by(ResidentPin.status))}


def walk_pins(walk: Walk) -> dict:
    """For the walk page: approved pins, and how many wait for review."""
    return {"approved": pins(walk, PinStatus.APPROVED),
            "pending_count": pin_counts(walk).get(PinStatus.PENDING.value, 0)}


def unanswered_by_walk(walks) -> dict[int, int]:
    """For a list of walks: the completed ones with points still unanswered, and how many."""
    ids = [w.id for w in walks if w.status == WalkStatus.COMPLETED]
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Finding.walk_id, func.count(Finding.id))
        .outerjoin(FindingAnswer, FindingAnswer.finding_id == Finding.id)
        .where(Finding.walk_id.in_(ids), FindingAnswer.id.is_(None))
        .group_by(Finding.walk_id)).all())
