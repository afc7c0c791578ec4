"""Reads of join by code: a walk by its code, the guest behind a session."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.guests import codes
from app.guests.operations import token_hash
from app.models import Walk, WalkJoinCode, WalkParticipant, WalkStatus
from app.policy import Guest

# Where the guest session lives in the (signed) session cookie: [participant id, secret].
SESSION_KEY = "guest"


def walk_by_code(session: Session, typed: str | None) -> Walk | None:
    """The walk in progress this code admits to; None for any other code (unknown, or its
    walk not started or already completed: the same answer, nothing told apart)."""
    code = codes.normalise(typed)
    if code is None:
        return None
    walk = session.scalar(select(Walk).join(WalkJoinCode, WalkJoinCode.walk_id == Walk.id)
                          .where(WalkJoinCode.code == code))
    return walk if walk is not None and walk.status == WalkStatus.IN_PROGRESS else None


def code_of(session: Session, walk: Walk) -> str | None:
    return session.scalar(select(WalkJoinCode.code).where(WalkJoinCode.walk_id == walk.id))


def load_guest(session: Session, value, *, now: datetime, hours: float,
               late_hours: float = 0) -> Guest | None:
    """The guest of this session cookie value, while the session lasts: its walk in
    progress, less than `hours` since joining, and not left. A session still alive when the
    walk was completed lasts `late_hours` past completion as a sending-only one
    (Guest.sending_until): their phone's outbox sends what it captured during the walk."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    participant_id, token = value
    if not isinstance(participant_id, int) or not isinstance(token, str):
        return None
    participant = session.get(WalkParticipant, participant_id)
    if (participant is None or not participant.guest or participant.session_hash is None
            or participant.joined_at is None):
        return None
    if not hmac.compare_digest(participant.session_hash, token_hash(token)):
        return None
    ends = participant.joined_at + timedelta(hours=hours)
    walk = participant.walk
    sending_until = None
    if walk.status == WalkStatus.IN_PROGRESS:
        if now >= ends:
            return None
    elif walk.status == WalkStatus.COMPLETED and walk.completed_at is not None:
        sending_until = walk.completed_at + timedelta(hours=late_hours)
        if walk.completed_at >= ends or now >= sending_until:
            return None
    else:
        return None
    return Guest(participant_id=participant.id, walk_id=participant.walk_id,
                 name=participant.name, participant_role=participant.role,
                 sending_until=sending_until)
