"""Writes of join by code: the walk's code, a guest joining, a guest leaving."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.guests import codes
from app.models import ParticipantRole, User, Walk, WalkJoinCode, WalkParticipant, utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def join_code(session: Session, walk: Walk, *, created_by: User) -> WalkJoinCode:
    """The walk's code, made the first time it is asked for (one per walk, unique over all
    walks: a clash with another walk's code draws again)."""
    existing = session.scalar(select(WalkJoinCode).where(WalkJoinCode.walk_id == walk.id))
    if existing is not None:
        return existing
    for _attempt in range(10):
        row = WalkJoinCode(walk_id=walk.id, code=codes.new_code(), created_by_id=created_by.id)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            # Another walk's code, or this walk's made at the same moment by another request.
            existing = session.scalar(select(WalkJoinCode).where(WalkJoinCode.walk_id == walk.id))
            if existing is not None:
                return existing
            continue
        return row
    raise RuntimeError("no free join code after 10 draws")


def join_walk(session: Session, walk: Walk, *, name: str, role: ParticipantRole | str,
              now: datetime | None = None) -> tuple[WalkParticipant, str]:
    """The guest as a participant of the walk, and the secret of their session (only its hash
    is kept): (participant, token)."""
    token = secrets.token_urlsafe(32)
    participant = WalkParticipant(
        walk_id=walk.id, name=name.strip()[:120], role=ParticipantRole(role), user_id=None,
        guest=True, joined_at=now or utcnow(), session_hash=token_hash(token))
    session.add(participant)
    session.flush()
    return participant, token


def leave(session: Session, participant_id: int) -> None:
    """The guest's session ends (they stay a participant, their findings stay theirs)."""
    participant = session.get(WalkParticipant, participant_id)
    if participant is not None and participant.guest:
        participant.session_hash = None
        session.flush()
