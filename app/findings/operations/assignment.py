"""Assignment: who fixes a finding, with which priority, by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.operations.timeline import record_event
from app.findings.operations.workflow import check_version, transition
from app.models import DONE_STATUSES, Finding, FindingStatus, Priority, Role, User, utcnow
from app.policy import assignable_clause, is_assignable, may_be_assigned
from app.timeutil import local_today


@dataclass
class Assignment:
    assignee: User
    priority: Priority | None = None
    due_date: date | None = None
    responsible_party: str | None = None
    planned_action: str | None = None
    note: str = ""


def assign(
    session: Session,
    finding: Finding,
    *,
    actor: User,
    assignment: Assignment,
    expected_version: int | str | None = None,
    today: date | None = None,
) -> bool:
    """Set assignee, priority and due date; a new or acknowledged finding becomes assigned.

    Returns True when the assignee changed (the caller mails them after commit).
    """
    check_version(finding, expected_version)
    assignee = assignment.assignee
    if assignee is None or not is_assignable(assignee):
        raise DomainError(_l("Choose a fixer or another staff member."), field="assignee_id")
    if finding.status in DONE_STATUSES:
        raise DomainError(_l("This finding is closed. Reopen it before assigning it."),
                          field="assignee_id")
    if not may_be_assigned(assignee, finding.confidential):
        raise DomainError(
            _l("This finding is confidential and %(name)s may not see it. Assign it to a "
               "manager or an administrator.", name=assignee.name),
            field="assignee_id")
    today = today or local_today()
    due = assignment.due_date
    if due is None and assignment.priority is not None:
        due = today + timedelta(days=assignment.priority.days)
    if due is not None and due < today:
        raise DomainError(_l("The due date is in the past."), field="due_date")

    note = (assignment.note or "").strip()
    changed_assignee = finding.assignee_id != assignee.id
    record_event(session, finding, actor=actor, field="assignee",
                 old=finding.assignee_id, new=assignee.id, note=note if changed_assignee else "")
    finding.assignee = assignee
    new_priority_id = assignment.priority.id if assignment.priority else None
    record_event(session, finding, actor=actor, field="priority",
                 old=finding.priority_id, new=new_priority_id)
    finding.priority = assignment.priority
    record_event(session, finding, actor=actor, field="due_date", old=finding.due_date, new=due)
    finding.due_date = due
    if assignment.responsible_party is not None:
        party = assignment.responsible_party.strip()[:120]
        if party != finding.responsible_party:
            record_event(session, finding, actor=actor, field="responsible_party",
                         old=finding.responsible_party, new=party)
            finding.responsible_party = party
    if assignment.planned_action is not None:
        finding.planned_action = assignment.planned_action.strip()
    finding.updated_at = utcnow()
    session.flush()
    if finding.status in (FindingStatus.NEW, FindingStatus.ACKNOWLEDGED):
        transition(session, finding, actor=actor, to=FindingStatus.ASSIGNED,
                   note="" if changed_assignee else note)
    if changed_assignee:
        finding.assigned_at = utcnow()
    session.flush()
    return changed_assignee


def assignable_users(session: Session) -> list[User]:
    return list(session.scalars(
        select(User).where(assignable_clause())
        .order_by(case((User.role == Role.FIXER, 0), else_=1), User.name)
    ))
