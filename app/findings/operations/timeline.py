"""The finding's timeline: an immutable FindingEvent for every tracked field that changes."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.models import Finding, FindingEvent, User

# Fields whose changes are written to the timeline.
TRACKED_FIELDS = ("status", "assignee", "priority", "due_date", "category", "building")


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))[:200]


def record_event(session: Session, finding: Finding, *, actor: User | None, field: str,
                 old, new, note: str = "") -> FindingEvent | None:
    """Add a timeline line when the value really changed. Values are stored as codes/ids."""
    old_text, new_text = _text(old), _text(new)
    if old_text == new_text and not note:
        return None
    event = FindingEvent(
        finding=finding, actor_id=actor.id if actor else None, field=field,
        from_value=old_text, to_value=new_text, note=(note or "").strip(),
    )
    session.add(event)
    return event


def snapshot(finding: Finding) -> dict[str, str | None]:
    """The tracked fields as event values, to compare before and after an edit."""
    return {
        "status": _text(finding.status),
        "assignee": _text(finding.assignee_id),
        "priority": _text(finding.priority_id),
        "due_date": _text(finding.due_date),
        "category": _text(finding.category_id),
        "building": _text(finding.building_id),
    }


def record_changes(session: Session, finding: Finding, before: dict, *,
                   actor: User | None, note: str = "") -> list[FindingEvent]:
    """Events for every tracked field that differs from `before` (e.g. after an edit)."""
    session.flush()
    after = snapshot(finding)
    events = []
    for name in TRACKED_FIELDS:
        if before.get(name) != after[name]:
            event = record_event(session, finding, actor=actor, field=name,
                                 old=before.get(name), new=after[name], note=note)
            if event is not None:
                events.append(event)
    return events
