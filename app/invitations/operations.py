"""Inviting people to a planned walk and taking them off the list (each with an e-mail
address is mailed: the invitation, a new time, a cancellation), and the users' calendar
feed addresses. Validated input in, flush, never commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.invitations.mail import send_invitation
from app.models import (
    CalendarFeed,
    ParticipantRole,
    User,
    Walk,
    WalkInvitation,
    WalkStatus,
    utcnow,
)
from app.walks import operations as walks


def invite(session: Session, walk: Walk, *, name: str, role: ParticipantRole | str,
           email: str = "", phone: str = "", invited_by: User | None,
           config: Mapping) -> WalkInvitation:
    """One more person invited to the planned walk; mailed the invitation with the walk as
    a calendar event if an e-mail address is given."""
    if walk.status != WalkStatus.PLANNED:
        raise DomainError(_l("Only a planned walk takes invitations."), field="name")
    if not name.strip():
        raise DomainError(_l("Give the person's name."), field="name")
    email = email.strip()
    if email and session.scalar(select(WalkInvitation.id).where(
            WalkInvitation.walk_id == walk.id,
            func.lower(WalkInvitation.email) == email.lower())):
        raise DomainError(_l("%(email)s is already invited.", email=email), field="email")
    invitation = WalkInvitation(
        walk=walk, name=name.strip(), role=ParticipantRole(role), email=email,
        phone=phone.strip(), invited_by_id=invited_by.id if invited_by else None)
    session.add(invitation)
    session.flush()
    if email:
        invitation.mail = send_invitation(session, invitation, config=config)
    session.flush()
    return invitation


def send_again(session: Session, invitation: WalkInvitation, *, config: Mapping) -> None:
    """Mail the invitation again (the last one failed, or retention deleted it)."""
    if invitation.walk.status != WalkStatus.PLANNED or not invitation.email:
        raise DomainError(_l("Only a planned walk takes invitations."), field="name")
    invitation.mail = send_invitation(session, invitation, config=config)
    session.flush()


def uninvite(session: Session, invitation: WalkInvitation, *, config: Mapping) -> None:
    """Take someone off the list: one who was mailed the invitation is mailed the
    cancellation of the calendar event (METHOD:CANCEL), so it leaves their calendar."""
    if invitation.email and invitation.walk.status == WalkStatus.PLANNED:
        send_invitation(session, invitation, config=config, cancel=True)
    session.delete(invitation)
    session.flush()


@walks.walk_moved.connect
def _mail_moved_walk(walk: Walk, *, session: Session, config: Mapping) -> None:
    walk_moved(session, walk, config=config)


def walk_moved(session: Session, walk: Walk, *, config: Mapping) -> int:
    """The walk's time or place changed: its calendar event gets the next SEQUENCE, and
    everyone invited with an e-mail address is mailed the new event. Returns how many."""
    walk.calendar_sequence = (walk.calendar_sequence or 0) + 1
    invited = list(session.scalars(
        select(WalkInvitation).where(WalkInvitation.walk_id == walk.id,
                                     WalkInvitation.email != "")
        .order_by(WalkInvitation.id)))
    if walk.status == WalkStatus.PLANNED:
        for invitation in invited:
            invitation.mail = send_invitation(session, invitation, config=config, update=True)
    session.flush()
    return len(invited) if walk.status == WalkStatus.PLANNED else 0


@walks.walk_cancelled.connect
def _mail_cancelled_walk(walk: Walk, *, session: Session, config: Mapping) -> None:
    walk_cancelled(session, walk, config=config)


def walk_cancelled(session: Session, walk: Walk, *, config: Mapping) -> int:
    """The walk is called off (cancel_walk has moved its SEQUENCE on): everyone invited with
    an e-mail address is mailed METHOD:CANCEL with STATUS:CANCELLED, and the reason. Returns
    how many."""
    invited = list(session.scalars(
        select(WalkInvitation).where(WalkInvitation.walk_id == walk.id,
                                     WalkInvitation.email != "")
        .order_by(WalkInvitation.id)))
    for invitation in invited:
        invitation.mail = send_invitation(session, invitation, config=config, cancel=True)
    session.flush()
    return len(invited)


# --- calendar feeds ---------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed(session: Session, user: User) -> str:
    """A new secret feed address for the user (the one before stops working). Returns the
    token: only its hash is kept, so this is the one time it can be shown."""
    token = secrets.token_urlsafe(32)
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        session.add(feed)
    feed.token_hash = token_hash(token)
    feed.created_at = utcnow()
    session.flush()
    return token


def end_feed(session: Session, user: User) -> None:
    """The user's feed address stops working."""
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is not None:
        session.delete(feed)
        session.flush()
