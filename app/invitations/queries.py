"""Reads: a walk's invitations, the user a feed token belongs to, and the walks in a feed."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.extensions import db
from app.invitations.operations import token_hash
from app.models import (
    CalendarFeed,
    Role,
    User,
    Walk,
    WalkInvitation,
    WalkParticipant,
    WalkStatus,
    user_districts,
)

# How far back a feed reaches: a year of walks done, everything planned ahead.
FEED_PAST = timedelta(days=366)


def invitations(walk: Walk) -> list[WalkInvitation]:
    """Who is invited to the walk, in the order they were, with their last mail."""
    return list(db.session.scalars(
        select(WalkInvitation).where(WalkInvitation.walk_id == walk.id)
        .options(selectinload(WalkInvitation.mail)).order_by(WalkInvitation.id)))


def invitation_or_404(walk: Walk, invitation_id: int) -> WalkInvitation:
    invitation = db.session.get(WalkInvitation, invitation_id)
    if invitation is None or invitation.walk_id != walk.id:
        abort(404)
    return invitation


def feed_of(user: User) -> CalendarFeed | None:
    """The user's feed address, if they have one (its token is not kept)."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_owner(session: Session, token: str) -> User | None:
    """The active user whose feed this token is, else None (also for a user who has since
    become a fixer: fixers see no walks)."""
    return session.scalar(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == token_hash(token), User.active.is_(True),
               User.erased_at.is_(None), User.role != Role.FIXER))


def feed_walks(session: Session, user: User, *, now: datetime) -> list[Walk]:
    """The walks in the user's feed: those they lead, take part in (with their account) or
    are invited to (at their account's e-mail address), and the planned (or cancelled) walks
    of the districts they work in (a district's yearly plan of walks, /walks/repeat, is planned
    walks in it); from a year back on."""
    takes_part = or_(
        Walk.leader_id == user.id,
        Walk.id.in_(select(WalkParticipant.walk_id).where(WalkParticipant.user_id == user.id)),
        Walk.id.in_(select(WalkInvitation.walk_id).where(
            func.lower(WalkInvitation.email) == user.email.lower())),
    )
    # A cancelled one stays in the feed, as STATUS:CANCELLED: calendars that have the event
    # strike it through (or drop it) instead of keeping it as it was.
    district_plan = and_(
        Walk.status.in_([WalkStatus.PLANNED, WalkStatus.CANCELLED]),
        Walk.district_id.in_(select(user_districts.c.district_id)
                             .where(user_districts.c.user_id == user.id)),
    )
    return list(session.scalars(
        select(Walk).where(or_(takes_part, district_plan), Walk.planned_start >= now - FEED_PAST)
        .options(selectinload(Walk.district)).order_by(Walk.planned_start, Walk.id)))
