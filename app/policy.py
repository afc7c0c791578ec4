"""Who may do what: one policy per action, used by views and templates alike.

Views call `can(user, "action", obj)` and answer 404 (for things the user may not even
see) or 403 (for things they can see but not change). Templates call `can("action", obj)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, false, or_, select, true

from app.extensions import db
from app.models import (
    DONE_STATUSES,
    Finding,
    FindingStatus,
    ParticipantRole,
    Photo,
    PhotoKind,
    Role,
    User,
    Walk,
    WalkParticipant,
    WalkStatus,
    user_districts,
)
from app.models.types import MAX_ID

Policy = Callable[[User, Any], bool]
POLICIES: dict[str, Policy] = {}
# What a guest (below) may do: only these actions, each with its own rule; any other is no.
GUEST_POLICIES: dict[str, Callable[[Guest, Any], bool]] = {}


@dataclass(frozen=True, eq=False)
class Guest:
    """Someone who joined a walk in progress by its code on their own phone (app/guests): a
    walk participant without an account, bound to that one walk. Flask-Login's current_user
    while the guest session lasts (loaded per request by app/guests/session.py, which ends
    it when the walk is completed or GUEST_SESSION_HOURS after joining).

    A session alive when the walk was completed goes on until `sending_until`
    (GUEST_LATE_GRACE_HOURS later) for one thing only: the phone sends the findings and photos
    it captured before completion. The guest then sees no walk, captures nothing new."""

    participant_id: int
    walk_id: int
    name: str
    participant_role: ParticipantRole
    sending_until: datetime | None = None
    is_guest = True
    is_authenticated = True
    is_active = True
    is_anonymous = False
    active = True
    role = None  # no staff role: every `user.role in …` test is False for a guest
    language = None

    @property
    def id(self) -> int:
        """Never a user's id (negative): a SQL comparison with a user column matches nothing,
        a write into one fails on its foreign key. The outbox keys the phone's items by it."""
        return -self.participant_id

    def get_id(self) -> None:  # never stored as a login: the guest session is its own key
        return None

    @property
    def sending_only(self) -> bool:
        """The walk is completed: only what the phone still holds may come in."""
        return self.sending_until is not None


def is_guest(user: Any) -> bool:
    return getattr(user, "is_guest", False) is True


def guest_policy(*names: str) -> Callable:
    def register(fn: Callable[[Guest, Any], bool]) -> Callable[[Guest, Any], bool]:
        for name in names:
            GUEST_POLICIES[name] = fn
        return fn

    return register


def policy(*names: str) -> Callable[[Policy], Policy]:
    """Register `fn` as the rule of each action in `names` (actions that share one rule)."""
    def register(fn: Policy) -> Policy:
        for name in names:
            POLICIES[name] = fn
        return fn

    return register


def can(user: User | Guest | None, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if is_guest(user):
        if action not in POLICIES:
            raise KeyError(action)
        rule = GUEST_POLICIES.get(action)
        return rule is not None and rule(user, obj)
    return POLICIES[action](user, obj)


def require(action: str, obj: Any = None) -> None:
    """For views: answer 404 unless the current user may do `action` (hidden, not forbidden)."""
    if not can(current_user, action, obj):
        abort(404)


def get_or_404(model: type, ident: int, action: str | None = None, *,
               options: tuple = ()) -> Any:
    """For views: the row `ident` of `model`, if it exists and (given an `action`) the current
    user may do it to the row; else 404, as if absent. `options`: loader options for what the
    view shows of the row (read with it, not one statement each)."""
    # Past the 64-bit range the database drivers overflow: no such row either way.
    row = db.session.get(model, ident, options=options) if ident <= MAX_ID else None
    if row is None or (action is not None and not can(current_user, action, row)):
        abort(404)
    return row


MANAGER_ROLES = (Role.MANAGER, Role.ADMIN)
# Who may be given a finding to fix.
STAFF_ROLES = (Role.FIXER, *MANAGER_ROLES)


def is_manager(user: User) -> bool:
    return user.role in MANAGER_ROLES


def managers_clause():
    """`is_manager` as a SQL condition on User (who is told about overdue findings)."""
    return User.role.in_(MANAGER_ROLES)


def is_assignable(user: User) -> bool:
    """Whether the user may be given findings to fix at all: active staff."""
    return user.active and user.role in STAFF_ROLES


def assignable_clause():
    """`is_assignable` as a SQL condition on User."""
    return and_(User.active, User.role.in_(STAFF_ROLES))


def may_be_assigned(user: User, confidential: bool) -> bool:
    """Whether the user may see a finding once it is theirs. The view_finding policy never
    shows a confidential finding to a fixer, so it must not become their task."""
    return not confidential or is_manager(user)


def walk_leaders_clause():
    """Who may lead a walk, as a SQL condition on User: active, and not a fixer (fixers do
    not see walks: view_walk)."""
    return and_(User.active, User.role != Role.FIXER)


# --- actions decided by the role alone ---------------------------------------------------


@policy(
    "plan_walk", "view_confidential", "list_findings", "assign_finding", "view_reports",
    "export_data", "review_privacy", "view_programme", "import_measures",
    # Staff record what was done (a training held, guard hours); walkers and fixers do not.
    "record_measure",
    # The free status form on a finding (any allowed target, reasons, referrals); a fixer
    # has the "started" and "fixed" buttons instead.
    "choose_status",
    # Tenants' reports from the QR pages (app/triage): with their contact details, which
    # fixers never see.
    "triage_reports",
)
def _managers(user: User, _: Any) -> bool:
    return is_manager(user)


@policy(
    "admin", "read_outbox", "list_users", "invite_user", "view_user", "view_audit_log",
    "set_security", "manage_measure_types", "edit_plan", "manage_integrations",
    # A person's rights: the register extract and erasure (app/privacy/access.py, erasure.py).
    "person_export", "erase_person", "view_record",
)
def _admins(user: User, _: Any) -> bool:
    return user.role == Role.ADMIN


# find_duplicates: the capture form's duplicate hint, for those who report findings.
@policy("list_walks", "view_walk", "find_duplicates")
def _not_fixers(user: User, _: Any) -> bool:
    return user.role != Role.FIXER


@policy("list_tasks")
def _list_tasks(user: User, _: Any) -> bool:
    return user.role == Role.FIXER


# --- walks -------------------------------------------------------------------------------


@policy("edit_walk")
def _edit_walk(user: User, walk: Walk) -> bool:
    return is_manager(user) and walk.status in (WalkStatus.PLANNED, WalkStatus.IN_PROGRESS)


def takes_part(user: User, walk: Walk) -> bool:
    """Whether this user may capture on this walk: its leader, a participant with an account,
    a walker of the walk's district, or a manager. Viewing a walk is wider (view_walk)."""
    if is_manager(user):
        return True
    if user.role != Role.WALKER:
        return False
    if walk.leader_id == user.id:
        return True
    if any(p.user_id == user.id for p in walk.participants):
        return True
    return any(d.id == walk.district_id for d in user.districts)


def my_walks_clause(user: User):
    """Walks this user leads, takes part in with an account, or that are in their districts:
    `takes_part` as a SQL condition on Walk, without the managers' everything."""
    return or_(
        Walk.leader_id == user.id,
        Walk.district_id.in_(
            select(user_districts.c.district_id).where(user_districts.c.user_id == user.id)
        ),
        Walk.id.in_(select(WalkParticipant.walk_id).where(WalkParticipant.user_id == user.id)),
    )


def capture_walks_clause(user: User):
    """`takes_part` as a SQL condition on Walk, for the lists walkers capture from."""
    if not getattr(user, "is_authenticated", False) or not user.active or is_guest(user):
        return false()
    if is_manager(user):
        return true()
    if user.role != Role.WALKER:
        return false()
    return my_walks_clause(user)


@policy("start_walk")
def _start_walk(user: User, walk: Walk) -> bool:
    return walk.status == WalkStatus.PLANNED and takes_part(user, walk)


@policy("complete_walk")
def _complete_walk(user: User, walk: Walk) -> bool:
    return walk.status == WalkStatus.IN_PROGRESS and takes_part(user, walk)


# --- findings ----------------------------------------------------------------------------


# check_follow_up: like adding findings, walkers during the walk, managers at any time.
@policy("add_finding", "check_follow_up")
def _add_finding(user: User, walk: Walk) -> bool:
    if is_manager(user):
        # Managers may add to any walk, also after it; not to one that never took place.
        return walk.status != WalkStatus.CANCELLED
    return walk.status == WalkStatus.IN_PROGRESS and takes_part(user, walk)


def can_add_captured_finding(
    user: User | None, walk: Walk, captured_at: datetime | None, now: datetime, grace: timedelta
) -> bool:
    """add_finding, and also a finding the phone captured while the walk was still in
    progress but could send only after someone completed it (within `grace` of completion):
    an outbox item of a legitimate walker is never stranded by another person's action."""
    if can(user, "add_finding", walk):
        return True
    if is_guest(user):
        # The guest's session after completion (Guest.sending_until) is their grace.
        if not (user.active and user.sending_only and walk.id == user.walk_id):
            return False
        grace = min(grace, user.sending_until - walk.completed_at) \
            if walk.completed_at is not None else grace
    elif not can(user, "view_walk", walk) or not takes_part(user, walk):
        return False
    if walk.status != WalkStatus.COMPLETED or walk.completed_at is None or captured_at is None:
        return False
    # No lower bound: phone clocks drift, and the sender may capture on this walk anyway.
    return captured_at <= walk.completed_at and now <= walk.completed_at + grace


@policy("view_finding")
def _view_finding(user: User, finding: Finding) -> bool:
    if is_manager(user):
        return True
    if user.role == Role.FIXER:
        return finding.assignee_id == user.id and not finding.confidential
    if finding.confidential:
        return finding.author_id == user.id
    return True


def visible_findings_clause(user: User | Guest):
    """The `view_finding` policy as a SQL condition, for lists and counts."""
    if not getattr(user, "is_authenticated", False) or not user.active:
        return false()
    if is_guest(user):
        return _guest_findings_clause(user)
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
    return finding.status == FindingStatus.NEW and _edit_finding(user, finding)


@policy("add_photo")
def _add_photo(user: User, finding: Finding) -> bool:
    # The outbox sends photos after their finding, maybe after the walk was completed:
    # the author may still add them then.
    if _edit_finding(user, finding):
        return True
    return user.role == Role.WALKER and finding.author_id == user.id




@policy("view_internal", "comment_finding")
def _view_internal(user: User, finding: Finding) -> bool:
    """The remediation side of a finding: assignee, responsible party, planned action, the
    notes written with assignments and status changes, and the comments (internal too).
    Managers, admins and the fixer it is assigned to; never the walkers who reported it."""
    if is_manager(user):
        return True
    return (
        user.role == Role.FIXER
        and finding.assignee_id == user.id
        and not finding.confidential
    )


# Timeline lines that name the assignment (who fixes it, the responsible party): internal
# as a whole, like the assignment itself (their notes are internal anyway).
INTERNAL_EVENT_FIELDS = frozenset({"assignee", "responsible_party"})


@policy("view_event")
def _view_event(user: User, event: Any) -> bool:
    """A line of a finding's timeline: with the finding, except the lines that name its
    assignment, which only those who see the assignment (view_internal) see."""
    if not can(user, "view_finding", event.finding):
        return False
    return event.field not in INTERNAL_EVENT_FIELDS or _view_internal(user, event.finding)


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


@policy("transition_finding")
def _transition_finding(user: User, finding: Finding) -> bool:
    return bool(allowed_transitions(user, finding))


@policy("verify_finding")
def _verify_finding(user: User, finding: Finding) -> bool:
    return can_transition(user, finding, FindingStatus.VERIFIED)


# flag_photo: anyone who can see the photo may ask a manager to look at it.
@policy("view_photo", "flag_photo")
def _view_photo(user: User, photo: Photo) -> bool:
    """A photo is seen with its finding; a comment's photo only by those who see the
    comments, which are internal to staff."""
    if not can(user, "view_finding", photo.finding):
        return False
    return photo.kind != PhotoKind.COMMENT or can(user, "comment_finding", photo.finding)


# --- reports, protocols, follow-up walks, exports ------------------------------------------


@policy("walk_protocol", "plan_follow_up")
def _completed_walk_for_managers(user: User, walk: Walk) -> bool:
    return is_manager(user) and walk.status == WalkStatus.COMPLETED


# --- user administration (app/accounts) ----------------------------------------------------


@policy("edit_user", "deactivate_user", "end_user_sessions")
def _edit_user(user: User, target: User) -> bool:
    # Not oneself: an admin cannot demote themselves and leave nobody in charge.
    return user.role == Role.ADMIN and target.id != user.id


@policy("reset_user_password")
def _reset_user_password(user: User, target: User) -> bool:
    return user.role == Role.ADMIN and target.active


# --- privacy: redaction, "not blurred" flags, retention ------------------------------------


@policy("redact_photo")
def _redact_photo(user: User, photo: Any) -> bool:
    # Managers always; the author while the walk is in progress (edit_finding's rule).
    # Fixers never: they may see a photo, not change the record of what was found.
    return _view_photo(user, photo) and _edit_finding(user, photo.finding)


# Only a manager's look answers a "not blurred" flag (removing it, or masking the photo):
# the walker who took the photo may mask it, not decide that it is now fine.
@policy("clear_photo_flag")
def _clear_photo_flag(user: User, photo: Any) -> bool:
    return is_manager(user) and _view_photo(user, photo)


# --- the safety programme: measures, plans, the district analysis ---------------------------


@policy("download_export")
def _download_export(user: User, job: Any) -> bool:
    """Only who started it, while they may still export and see what the file holds."""
    if job.user_id != user.id or not can(user, "export_data"):
        return False
    return not job.include_confidential or can(user, "view_confidential")


@policy("delete_measure")
def _delete_measure(user: User, measure: Any) -> bool:
    return user.role == Role.ADMIN or (
        is_manager(user) and measure is not None and measure.recorded_by_id == user.id
    )



# --- after the walk: owners, answers, the public protocol, residents' pins (app/afterwalk) ---


@policy("manage_owners")
def _manage_owners(user: User, _: Any) -> bool:
    return user.role == Role.ADMIN


@policy("after_walk")
def _after_walk(user: User, walk: Walk) -> bool:
    """The after-meeting: a manager gives each point of a completed walk its owner and answer."""
    return is_manager(user) and walk.status == WalkStatus.COMPLETED


@policy("publish_protocol")
def _publish_protocol(user: User, walk: Walk) -> bool:
    """Its leader or a manager opens (and closes) a completed walk's public protocol."""
    return walk.status == WalkStatus.COMPLETED and (
        is_manager(user) or (user.role == Role.WALKER and walk.leader_id == user.id))


@policy("open_pins")
def _open_pins(user: User, walk: Walk) -> bool:
    """Before the walk its leader or a manager opens the residents' "pin a place" page."""
    return walk.status in (WalkStatus.PLANNED, WalkStatus.IN_PROGRESS) and (
        is_manager(user) or (user.role == Role.WALKER and walk.leader_id == user.id))


@policy("moderate_pins")
def _moderate_pins(user: User, walk: Walk) -> bool:
    return is_manager(user)


# --- before the walk: invitations, calendar feeds (app/invitations) --------------------------


def _leads_or_manages(user: User, walk: Walk) -> bool:
    return is_manager(user) or (user.role == Role.WALKER and walk.leader_id == user.id)


@policy("invite_participants")
def _invite_participants(user: User, walk: Walk) -> bool:
    """Its leader or a manager invites people to a planned walk (and takes them off)."""
    return walk.status == WalkStatus.PLANNED and _leads_or_manages(user, walk)


@policy("cancel_walk")
def _cancel_walk(user: User, walk: Walk) -> bool:
    """Its leader or a manager calls off a planned walk (the invited are mailed)."""
    return walk.status == WalkStatus.PLANNED and _leads_or_manages(user, walk)


@policy("view_invitations")
def _view_invitations(user: User, walk: Walk) -> bool:
    """Who was invited, with their e-mail and phone: the leader and managers, at any time."""
    return _leads_or_manages(user, walk)


@policy("calendar_feed")
def _calendar_feed(user: User, _: Any) -> bool:
    """A feed of one's walks, for those who walk (fixers see no walks: view_walk)."""
    return user.role != Role.FIXER


# --- join by code, together live (app/guests) -------------------------------------------------


@policy("show_join_code")
def _show_join_code(user: User, walk: Walk) -> bool:
    """At the start the leader (or a manager) shows the walk's code and QR to the guests."""
    return walk.status == WalkStatus.IN_PROGRESS and (
        is_manager(user) or (user.role == Role.WALKER and walk.leader_id == user.id))


# A guest may reach only these endpoints: joining, their walk's page with its live list and
# map, the capture form and the outbox's API calls (one finding, its photos, a CSRF token),
# the photos and pages of the findings they may see, and the public pages. Every other URL
# of Trygg answers 404 before its view runs (app/accounts/auth require_login); within these
# the guest rules below decide per walk and finding, as for staff.
GUEST_ENDPOINTS = frozenset({
    "guests.walk", "guests.leave", "guests.join", "guests.join_code", "auth.set_language",
    "walks.live",
    "findings.new", "findings.near", "findings.show", "findings.possible_duplicates",
    "photos.serve",
    "api.csrf", "api.create_finding", "api.add_photo", "api.walk_buildings",
    "pwa.service_worker", "pwa.manifest", "pwa.offline",
})


# Once the walk is completed (Guest.sending_only): what the outbox needs to send what the
# phone still holds, the page that says so, and leaving. The rest of GUEST_ENDPOINTS (the
# live list, the capture form, the walk's findings and photos) is over with the walk.
GUEST_SENDING_ENDPOINTS = frozenset({
    "guests.walk", "guests.leave", "guests.join", "guests.join_code", "auth.set_language",
    "api.csrf", "api.create_finding", "api.add_photo",
    "pwa.service_worker", "pwa.manifest", "pwa.offline",
})


def guest_may_reach(endpoint: str | None, guest: Guest | None = None) -> bool:
    if guest is not None and guest.sending_only:
        return endpoint in GUEST_SENDING_ENDPOINTS
    return endpoint in GUEST_ENDPOINTS


def _guest_findings_clause(guest: Guest):
    return and_(Finding.walk_id == guest.walk_id,
                or_(Finding.confidential.is_(False), Finding.guest_id == guest.participant_id))


@guest_policy("view_walk")
def _guest_view_walk(guest: Guest, walk: Walk) -> bool:
    # Also once the walk is completed: the outbox's late calls load it (the walk page then
    # says "completed", with no findings: guests.walk).
    return walk.id == guest.walk_id


@guest_policy("add_finding")
def _guest_add_finding(guest: Guest, walk: Walk) -> bool:
    return walk.id == guest.walk_id and walk.status == WalkStatus.IN_PROGRESS


@guest_policy("view_finding")
def _guest_view_finding(guest: Guest, finding: Finding) -> bool:
    """The walk's findings, as the other walkers see them: a confidential one only its own."""
    if guest.sending_only:  # the walk is over: only their own, for the outbox's photos
        return finding.walk_id == guest.walk_id and finding.guest_id == guest.participant_id
    return finding.walk_id == guest.walk_id and (
        not finding.confidential or finding.guest_id == guest.participant_id)


@guest_policy("find_duplicates")
def _guest_find_duplicates(guest: Guest, _: Any) -> bool:
    # The hint lists only findings the guest may see (view_finding).
    return not guest.sending_only


@guest_policy("add_photo")
def _guest_add_photo(guest: Guest, finding: Finding) -> bool:
    # The outbox sends a finding's photos after it: only to the guest's own findings.
    return finding.guest_id == guest.participant_id and finding.walk_id == guest.walk_id


@guest_policy("view_photo")
def _guest_view_photo(guest: Guest, photo: Photo) -> bool:
    return photo.kind == PhotoKind.FINDING and _guest_view_finding(guest, photo.finding)
