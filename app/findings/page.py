"""Everything the finding page shows about remediation: timeline, comments, duplicates,
before/after photos and the action forms the user's role allows.

findings.show renders it; the remediation actions re-render it with a form's errors (422)
or with a conflict message (409).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import g, render_template
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app import page_cache
from app.extensions import db
from app.findings import duplicates, queries
from app.findings import filters as lists
from app.findings.forms import AssignForm, CommentForm, FixForm, TransitionForm
from app.findings.operations import assignment, workflow
from app.i18n import local_date, locale_code
from app.labels import STATUS_COLOURS, label, options
from app.media.photos import MIN_REGION_PIXELS
from app.models import (
    Finding,
    FindingStatus,
    User,
)
from app.policy import (
    allowed_transitions,
    can,
    is_manager,
    is_reopen,
)

FIELD_LABELS = {
    "status": _l("Status"),
    "assignee": _l("Assignee"),
    "priority": _l("Priority"),
    "due_date": _l("Due date"),
    "category": _l("Category"),
    "building": _l("Building"),
    "responsible_party": _l("Responsible party"),
    "duplicate_of": _l("Duplicate of"),
    "photo_redacted": _l("Photo masked by hand"),
    "photo_flagged": _l("Photo flagged as not blurred correctly"),
    "photo_flag_cleared": _l("Photo flag removed"),
    "retention": _l("Deleted by the retention rule"),
    "tenant_report": _l("Tenant report"),
}
# What the retention rule deleted (flask purge-expired), by the code the timeline keeps.
RETENTION_LABELS = {"photos": _l("the photos"), "text": _l("the confidential description")}
# What a tenant's report did to the finding (app/triage, the tenant's status page).
TENANT_REPORT_LABELS = {
    "accepted": _l("accepted as this finding"), "merged": _l("another report of this"),
    "confirmed": _l("the tenant says it is fixed"),
    "not_fixed": _l("the tenant says it is not fixed"),
}

def describe_events(events) -> list[dict]:
    """Timeline lines with ids turned into names, in the reader's language."""
    ids: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for value in (event.from_value, event.to_value):
            if value and value.isdigit():
                ids[event.field].add(int(value))
    names = queries.names_of(ids, locale_code())

    def text(field: str, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if field == "status":
            try:
                return label(FindingStatus(value))
            except ValueError:
                return value
        if field == "due_date":
            try:
                return local_date(date.fromisoformat(value))
            except ValueError:
                return value
        if field == "duplicate_of":
            return f"#{value}"
        if field == "photo_redacted" and value.isdigit():
            return ngettext("%(num)d region", "%(num)d regions", int(value))
        if field == "retention":
            return str(RETENTION_LABELS.get(value, value))
        if field == "tenant_report":
            return str(TENANT_REPORT_LABELS.get(value, value))
        if field in ("photo_flagged", "photo_flag_cleared"):
            return _l("photo %(id)s", id=value)
        if field in names and value.isdigit():
            return names[field].get(int(value), value)
        return value

    return [
        {
            "event": event,
            "field": str(FIELD_LABELS.get(event.field, event.field)),
            "from": text(event.field, event.from_value),
            "to": text(event.field, event.to_value),
        }
        for event in events
    ]


def assignable_staff() -> list[User]:
    """assignment.assignable_users, read once per request (the list page's filter and its
    bulk form both offer them)."""
    if "assignable_staff" not in g:
        g.assignable_staff = assignment.assignable_users(db.session)
    return g.assignable_staff


@dataclass(frozen=True)
class AssignChoices:
    """Who may be given a finding and the priorities, as the assign form offers them, kept
    per state of the people and priorities (page_cache scope "filters") and language: the
    two queries and their ORM objects were ~1.5 ms of every finding page."""

    people: list[tuple[int, str, bool]]  # (id, "Name (Role)", is a manager)
    priorities: list[tuple[int, str]]


def _assign_choices() -> AssignChoices:
    roles: dict = {}
    people = [(u.id, f"{u.name} ({roles.setdefault(u.role, label(u.role))})", is_manager(u))
              for u in assignable_staff()]
    locale = locale_code()
    return AssignChoices(people, [(p.id, p.name(locale)) for p in queries.priorities()])


def fill_assign_form(form: AssignForm, finding: Finding) -> None:
    kept = page_cache.cached(db.session, "filters", ("assign-choices", locale_code()),
                             _assign_choices)
    # A confidential finding is not offered to those who may not see it (fixers):
    # policy.may_be_assigned, by the role kept.
    confidential = finding is not None and finding.confidential
    form.assignee_id.choices = options(
        [(0, _l("— choose —"))]
        + [(id_, text) for id_, text, manager in kept.people if manager or not confidential]
    )
    form.priority_id.choices = options([(0, _l("— no priority —"))] + kept.priorities)


def fill_transition_form(form: TransitionForm, finding: Finding) -> None:
    targets = allowed_transitions(current_user, finding)
    form.to.choices = options(
        [(s.value, _l("Reopen as “%(status)s”", status=label(s))
          if is_reopen(finding.status, s) else label(s)) for s in targets
         if s != FindingStatus.ASSIGNED or finding.assignee_id]
    )
    form.referred_to.choices = options(
        [("", _l("— choose —"))] + list(workflow.REFERRALS.items())
    )


def _action_forms(finding: Finding, conflict: str | None, assign_form: AssignForm | None,
                  transition_form: TransitionForm | None, fix_form: FixForm | None,
                  comment_form: CommentForm | None) -> dict:
    """The workflow forms on the page: the one sent again (with its errors) as it came, the
    others empty; all carry the finding's version (the current one after a conflict)."""
    if assign_form is None:
        assign_form = AssignForm(formdata=None, obj=finding)
        assign_form.assignee_id.data = finding.assignee_id or 0
        assign_form.priority_id.data = finding.priority_id or 0
        assign_form.note.data = ""
    transition_form = transition_form or TransitionForm(formdata=None)
    fix_form = fix_form or FixForm(formdata=None)
    for form in (assign_form, transition_form, fix_form):
        if conflict or not form.version.data:
            form.version.data = str(finding.version)
    fill_assign_form(assign_form, finding)
    fill_transition_form(transition_form, finding)
    return {"assign_form": assign_form, "transition_form": transition_form,
            "fix_form": fix_form, "comment_form": comment_form or CommentForm(formdata=None)}


def _related(finding: Finding) -> dict:
    """Its duplicates and the open findings near it, as far as the user may see them."""
    near = []
    if not finding.is_done:
        near = [
            n for n in duplicates.possible_duplicates(
                db.session, finding.latitude, finding.longitude, finding.category_id,
                exclude_id=finding.id)
            if can(current_user, "view_finding", n.finding)
        ]
    return {
        "duplicates_here": [f for f in queries.duplicates_of(finding)
                            if can(current_user, "view_finding", f)],
        "possible_duplicates": near,
    }


def _map_point(finding: Finding) -> list[dict]:
    if finding.latitude is None or finding.longitude is None:
        return []
    return [{
        "id": finding.id, "lat": finding.latitude, "lon": finding.longitude,
        "status": finding.status.value, "label": label(finding.status),
        "title": finding.category.name(locale_code()),
    }]


def finding_page(finding: Finding, *, status: int = 200, conflict: str | None = None,
                 assign_form: AssignForm | None = None,
                 transition_form: TransitionForm | None = None,
                 fix_form: FixForm | None = None, comment_form: CommentForm | None = None,
                 open_form: str | None = None):
    forms = _action_forms(finding, conflict, assign_form, transition_form, fix_form,
                          comment_form)
    before, after = queries.before_after(finding)
    comments = finding.comments if can(current_user, "comment_finding", finding) else []
    allowed = allowed_transitions(current_user, finding)
    return render_template(
        "findings/show.html",
        finding=finding,
        overdue=lists.is_overdue(finding),
        before_photos=before,
        after_photos=after,
        timeline=describe_events(finding.events),
        comments=comments,
        photos_by_comment=queries.comment_photos(finding),
        **_related(finding),
        **forms,
        conflict=conflict,
        open_form=open_form,
        map_points=_map_point(finding),
        min_region_pixels=MIN_REGION_PIXELS,
        status_colours=STATUS_COLOURS,
        can_fix=FindingStatus.FIXED in allowed,
        can_start=FindingStatus.IN_PROGRESS in allowed,
    ), status
