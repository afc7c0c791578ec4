"""Who may do what: one policy per action, used by views and templates alike.

Views call `can(user, "action", obj)` and answer 404 (for things the user may not even
see) or 403 (for things they can see but not change). Templates call `can("action", obj)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.models import Finding, Role, User, Walk, WalkStatus

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
    return _edit_finding(user, finding)


@policy("view_confidential")
def _view_confidential(user: User, _: Any) -> bool:
    return is_manager(user)


# --- administration ----------------------------------------------------------------------


@policy("admin")
def _admin(user: User, _: Any) -> bool:
    return user.role == Role.ADMIN
