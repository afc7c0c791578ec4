"""Status changes of a finding.

`transition` checks the one transition table in app.policy (who may move a finding from
which status to which), then runs the small handler of the target status: it stamps the
*_at columns reports read and asks for what that status needs (a reason, a referral, the
original of a duplicate). Every changed field becomes a FindingEvent. Forms carry the
finding's version: `check_version` turns a stale form into a ConflictError instead of an
overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.operations.timeline import record_event
from app.labels import label
from app.models import Finding, FindingStatus, Role, User, utcnow
from app.policy import can_transition, is_reopen

# Where a finding that is "not ours" was referred to.
REFERRALS = {
    "municipality": _l("Municipality"),
    "traffic_office": _l("Traffic office"),
    "police": _l("Police"),
    "private_owner": _l("Private owner"),
    "other": _l("Other owner"),
}


# Sent by `transition` after a finding's new status is flushed, with `session` and `old`
# (the status before), inside the operation's transaction. Those who act on it (the
# tenants' mail, app/tenants/news.py) connect to it, so the findings need not know them.
status_changed = Namespace().signal("finding-status-changed")


class ConflictError(DomainError):
    """The finding changed since the form was rendered."""


def check_version(finding: Finding, expected: int | str | None) -> None:
    if expected in (None, ""):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        expected = -1
    if expected != finding.version:
        raise ConflictError(
            _l("Someone else changed this finding while you were working on it. "
               "Nothing of yours was saved: check its current state below and try again."),
            field="version",
        )


@dataclass
class Move:
    """One status change as the handlers see it; a handler may extend the event's note."""

    session: Session
    finding: Finding
    actor: User
    note: str
    reason: str
    referred_to: str
    duplicate_of: Finding | None
    now: datetime

    def note_with_reason(self) -> None:
        self.note = self.reason if not self.note else f"{self.reason}\n{self.note}"


def transition(
    session: Session,
    finding: Finding,
    *,
    actor: User,
    to: FindingStatus | str,
    note: str = "",
    reason: str = "",
    referred_to: str = "",
    duplicate_of: Finding | None = None,
    expected_version: int | str | None = None,
) -> Finding:
    """Move a finding to another status, if the transition table allows it."""
    check_version(finding, expected_version)
    try:
        target = FindingStatus(to)
    except ValueError as error:
        raise DomainError(_l("Unknown status."), field="to") from error
    old = finding.status
    if target == old:
        raise DomainError(_l("The finding already has that status."), field="to")
    if not can_transition(actor, finding, target):
        raise DomainError(
            _l("A finding cannot go from “%(old)s” to “%(new)s”%(who)s.",
               old=label(old), new=label(target),
               who=_l(" by you") if actor.role == Role.FIXER else ""),
            field="to",
        )
    move = Move(session, finding, actor, (note or "").strip(), (reason or "").strip(),
                referred_to, duplicate_of, utcnow())
    if is_reopen(old, target):
        _reopen(move, target)
    HANDLERS[target](move)

    finding.status = target
    finding.updated_at = move.now
    record_event(session, finding, actor=actor, field="status", old=old, new=target,
                 note=move.note)
    session.flush()
    status_changed.send(finding, session=session, old=old)
    return finding


def _reopen(move: Move, target: FindingStatus) -> None:
    finding = move.finding
    if not move.reason:
        raise DomainError(_l("Say why the finding is reopened."), field="reason")
    if target == FindingStatus.ASSIGNED and finding.assignee_id is None:
        raise DomainError(_l("Assign someone first, or reopen it as acknowledged."),
                          field="to")
    finding.fixed_at = finding.verified_at = finding.closed_at = None
    finding.close_reason = ""
    if finding.duplicate_of_id is not None:
        record_event(move.session, finding, actor=move.actor, field="duplicate_of",
                     old=finding.duplicate_of_id, new=None)
        finding.duplicate_of_id = None
    move.note_with_reason()


# --- one handler per target status -------------------------------------------------------


def _nothing_to_stamp(move: Move) -> None:
    """New (only a reopen leads back there: `_reopen` did the work) and in progress."""


def _to_acknowledged(move: Move) -> None:
    move.finding.acknowledged_at = move.finding.acknowledged_at or move.now


def _to_assigned(move: Move) -> None:
    finding = move.finding
    if finding.assignee_id is None:
        raise DomainError(_l("Choose who should fix it: use “Assign”."), field="to")
    finding.acknowledged_at = finding.acknowledged_at or move.now
    finding.assigned_at = move.now


def _to_fixed(move: Move) -> None:
    move.finding.fixed_at = move.now


def _to_verified(move: Move) -> None:
    move.finding.verified_at = move.finding.closed_at = move.now


def _to_wont_fix(move: Move) -> None:
    if not move.reason:
        raise DomainError(_l("Say why it will not be fixed."), field="reason")
    move.finding.close_reason = move.reason
    move.finding.closed_at = move.now
    move.note_with_reason()


def _to_not_ours(move: Move) -> None:
    finding = move.finding
    if move.referred_to not in REFERRALS:
        raise DomainError(_l("Choose whom it was referred to."), field="referred_to")
    with force_locale("sv"):
        party = str(REFERRALS[move.referred_to])
    if finding.responsible_party != party:
        record_event(move.session, finding, actor=move.actor, field="responsible_party",
                     old=finding.responsible_party, new=party)
    finding.responsible_party = party
    finding.close_reason = move.reason or move.note
    finding.closed_at = move.now


def _to_duplicate(move: Move) -> None:
    original = _original(move.duplicate_of, move.finding)
    move.finding.duplicate_of_id = original.id
    move.finding.closed_at = move.now
    record_event(move.session, move.finding, actor=move.actor, field="duplicate_of",
                 old=None, new=original.id)


HANDLERS: dict[FindingStatus, Callable[[Move], None]] = {
    FindingStatus.NEW: _nothing_to_stamp,
    FindingStatus.ACKNOWLEDGED: _to_acknowledged,
    FindingStatus.ASSIGNED: _to_assigned,
    FindingStatus.IN_PROGRESS: _nothing_to_stamp,
    FindingStatus.FIXED: _to_fixed,
    FindingStatus.VERIFIED: _to_verified,
    FindingStatus.WONT_FIX: _to_wont_fix,
    FindingStatus.NOT_OURS: _to_not_ours,
    FindingStatus.DUPLICATE: _to_duplicate,
}
assert set(HANDLERS) == set(FindingStatus), "every status needs a handler"


def _original(duplicate_of: Finding | None, finding: Finding) -> Finding:
    if duplicate_of is None:
        raise DomainError(_l("Give the number of the finding it duplicates."),
                          field="duplicate_of_id")
    seen = {finding.id}
    original = duplicate_of
    # Point at the root of a chain, so photos gather on one page.
    while original.status == FindingStatus.DUPLICATE and original.duplicate_of is not None:
        if original.id in seen:
            break
        seen.add(original.id)
        original = original.duplicate_of
    if original.id in seen:
        raise DomainError(_l("A finding cannot be a duplicate of itself."),
                          field="duplicate_of_id")
    return original
