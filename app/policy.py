"""Who may do what: one policy per action, used by views and templates alike.

Views call `can(user, "action", obj)` and answer 404 (for things the user may not even
see) or 403 (for things they can see but not change). Templates call `can("action", obj)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.models import DONE_STATUSES, Finding, FindingStatus, Role, User, Walk, WalkStatus

Policy = Callable[[User, Any], bool]
POLICIES: dict[str, Policy] = {}


def policy(name: str) -> Callable[[Policy], Policy]:
    def register(fn: Policy) -> Policy:
        POLICIES[name] = fn
        return fn

    return register


def can(user: User | None, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return POLICIES[action](user, obj)


def is_manager(user: User) -> bool:
    return user.role in (Role.MANAGER, Role.ADMIN)


# --- walks -------------------------------------------------------------------------------


@policy("list_walks")
def _list_walks(user: User, _: Any) -> bool:
    return user.role != Role.FIXER


@policy("view_walk")
def _view_walk(user: User, walk: Walk) -> bool:
    return user.role != Role.FIXER


@policy("plan_walk")
def _plan_walk(user: User, _: Any) -> bool:
    return is_manager(user)


@policy("edit_walk")
def _edit_walk(user: User, walk: Walk) -> bool:
    return is_manager(user) and walk.status != WalkStatus.COMPLETED


@policy("start_walk")
def _start_walk(user: User, walk: Walk) -> bool:
    return user.role != Role.FIXER and walk.status == WalkStatus.PLANNED


@policy("complete_walk")
def _complete_walk(user: User, walk: Walk) -> bool:
    return user.role != Role.FIXER and walk.status == WalkStatus.IN_PROGRESS


# --- findings ----------------------------------------------------------------------------


@policy("add_finding")
def _add_finding(user: User, walk: Walk) -> bool:
    if is_manager(user):
        return True  # managers may add to any walk, also after it
    return user.role == Role.WALKER and walk.status == WalkStatus.IN_PROGRESS


@policy("view_finding")
def _view_finding(user: User, finding: Finding) -> bool:
    if is_manager(user):
        return True
    if user.role == Role.FIXER:
        return finding.assignee_id == user.id and not finding.confidential
    if finding.confidential:
        return finding.author_id == user.id
    return True


def visible_findings_clause(user: User):
    """The `view_finding` policy as a SQL condition, for lists and counts."""
    from sqlalchemy import and_, false, or_, true

    if not getattr(user, "is_authenticated", False) or not user.active:
        return false()
    if is_manager(user):
        return true()
    if user.role == Role.FIXER:
        return and_(Finding.assignee_id == user.id, Finding.confidential.is_(False))
    return or_(Finding.confidential.is_(False), Finding.author_id == user.id)


@policy("edit_finding")
def _edit_finding(user: User, finding: Finding) -> bool:
    if is_manager(user):
        return True
    return (
        user.role == Role.WALKER
        and finding.author_id == user.id
        and finding.walk.status == WalkStatus.IN_PROGRESS
    )


@policy("delete_finding")
def _delete_finding(user: User, finding: Finding) -> bool:
    # Once work on a finding has started its record stays: close it instead.
    from app.models import FindingStatus

    return finding.status == FindingStatus.NEW and _edit_finding(user, finding)


@policy("add_photo")
def _add_photo(user: User, finding: Finding) -> bool:
    # The outbox sends photos after their finding, maybe after the walk was completed:
    # the author may still add them then.
    if _edit_finding(user, finding):
        return True
    return user.role == Role.WALKER and finding.author_id == user.id


@policy("view_confidential")
def _view_confidential(user: User, _: Any) -> bool:
    return is_manager(user)


# --- remediation -------------------------------------------------------------------------

_S = FindingStatus
_CLOSE = frozenset({_S.WONT_FIX, _S.NOT_OURS, _S.DUPLICATE})
_MANAGER_TABLE: dict[FindingStatus, frozenset[FindingStatus]] = {
    _S.NEW: frozenset({_S.ACKNOWLEDGED, _S.ASSIGNED}) | _CLOSE,
    _S.ACKNOWLEDGED: frozenset({_S.ASSIGNED}) | _CLOSE,
    _S.ASSIGNED: frozenset({_S.IN_PROGRESS, _S.FIXED}) | _CLOSE,
    _S.IN_PROGRESS: frozenset({_S.FIXED}) | _CLOSE,
    # Reopening (the fix did not hold, the referral bounced) needs a reason.
    _S.FIXED: frozenset({_S.VERIFIED, _S.ASSIGNED, _S.ACKNOWLEDGED}),
    _S.VERIFIED: frozenset({_S.ASSIGNED, _S.ACKNOWLEDGED}),
    _S.WONT_FIX: frozenset({_S.ASSIGNED, _S.ACKNOWLEDGED}),
    _S.NOT_OURS: frozenset({_S.ASSIGNED, _S.ACKNOWLEDGED}),
    _S.DUPLICATE: frozenset({_S.ASSIGNED, _S.ACKNOWLEDGED}),
}
# Who may move a finding from one status to another: role → from → allowed targets.
# Fixers act only on findings assigned to them (checked in can_transition).
TRANSITIONS: dict[Role, dict[FindingStatus, frozenset[FindingStatus]]] = {
    Role.ADMIN: _MANAGER_TABLE,
    Role.MANAGER: _MANAGER_TABLE,
    Role.FIXER: {
        _S.ASSIGNED: frozenset({_S.IN_PROGRESS, _S.FIXED}),
        _S.IN_PROGRESS: frozenset({_S.FIXED}),
    },
    Role.WALKER: {},
}


def is_reopen(from_status: FindingStatus, to_status: FindingStatus) -> bool:
    return from_status in DONE_STATUSES and to_status not in DONE_STATUSES


def allowed_transitions(user: User | None, finding: Finding) -> list[FindingStatus]:
    """The statuses this user may move this finding to, in workflow order."""
    return [s for s in FindingStatus if can_transition(user, finding, s)]


def can_transition(user: User | None, finding: Finding, to: FindingStatus | str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    try:
        to = FindingStatus(to)
    except ValueError:
        return False
    if to not in TRANSITIONS.get(user.role, {}).get(finding.status, frozenset()):
        return False
    if user.role == Role.FIXER:
        return finding.assignee_id == user.id and not finding.confidential
    return True


@policy("list_findings")
def _list_findings(user: User, _: Any) -> bool:
    return is_manager(user)


@policy("list_tasks")
def _list_tasks(user: User, _: Any) -> bool:
    return user.role == Role.FIXER


@policy("assign_finding")
def _assign_finding(user: User, finding: Finding | None) -> bool:
    return is_manager(user)


@policy("transition_finding")
def _transition_finding(user: User, finding: Finding) -> bool:
    return bool(allowed_transitions(user, finding))


@policy("verify_finding")
def _verify_finding(user: User, finding: Finding) -> bool:
    return can_transition(user, finding, FindingStatus.VERIFIED)


@policy("comment_finding")
def _comment_finding(user: User, finding: Finding) -> bool:
    # Comments are internal: staff only, and fixers only on their own tasks.
    if is_manager(user):
        return True
    return (
        user.role == Role.FIXER
        and finding.assignee_id == user.id
        and not finding.confidential
    )


@policy("read_outbox")
def _read_outbox(user: User, _: Any) -> bool:
    return user.role == Role.ADMIN


# --- administration ----------------------------------------------------------------------


@policy("admin")
def _admin(user: User, _: Any) -> bool:
    return user.role == Role.ADMIN


# --- reports, protocols, follow-up walks, exports ------------------------------------------


@policy("view_reports")
def _view_reports(user: User, _: Any) -> bool:
    return is_manager(user)


@policy("export_data")
def _export_data(user: User, _: Any) -> bool:
    return is_manager(user)


@policy("walk_protocol")
def _walk_protocol(user: User, walk: Walk) -> bool:
    return is_manager(user) and walk.status == WalkStatus.COMPLETED


@policy("plan_follow_up")
def _plan_follow_up(user: User, walk: Walk) -> bool:
    return is_manager(user) and walk.status == WalkStatus.COMPLETED


@policy("check_follow_up")
def _check_follow_up(user: User, walk: Walk) -> bool:
    # Like adding findings: walkers during the walk, managers at any time.
    if is_manager(user):
        return True
    return user.role == Role.WALKER and walk.status == WalkStatus.IN_PROGRESS


# --- the safety programme: measures, plans, the district analysis ---------------------------


@policy("view_programme")
def _view_programme(user: User, _: Any) -> bool:
    return is_manager(user)


@policy("record_measure")
def _record_measure(user: User, _: Any) -> bool:
    # Staff record what was done (a training held, guard hours); walkers and fixers do not.
    return is_manager(user)


@policy("import_measures")
def _import_measures(user: User, _: Any) -> bool:
    return is_manager(user)


@policy("delete_measure")
def _delete_measure(user: User, measure: Any) -> bool:
    return user.role == Role.ADMIN or (
        is_manager(user) and measure is not None and measure.recorded_by_id == user.id
    )


@policy("manage_measure_types")
def _manage_measure_types(user: User, _: Any) -> bool:
    return user.role == Role.ADMIN


@policy("edit_plan")
def _edit_plan(user: User, _: Any) -> bool:
    return user.role == Role.ADMIN
