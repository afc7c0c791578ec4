"""The main menu: (endpoint, text, policy action). Shown when the user may do the action."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.models import User
from app.policy import can, is_guest

NAV_ITEMS: list[tuple[str, object, str]] = [
    ("walks.mine", _l("My walks"), "list_walks"),
    ("walks.index", _l("All walks"), "plan_walk"),
    ("findings.findings", _l("Findings"), "list_findings"),
    ("findings.inbox_verify", _l("To verify"), "list_findings"),
    ("findings.inbox_new", _l("New findings"), "list_findings"),
    ("triage.inbox", _l("Tenant reports"), "triage_reports"),
    ("findings.tasks", _l("My tasks"), "list_tasks"),
    ("reports.dashboard", _l("Reports"), "view_reports"),
    ("privacy.overview", _l("Privacy"), "review_privacy"),
    ("programme.compare", _l("Safety programme"), "view_programme"),
    ("findings.categories", _l("Admin"), "admin"),
]

# The one admin menu: every /admin page of every domain, (endpoint, text, policy action),
# shown in this order on each admin page (templates/admin/_nav.html) to whoever may do the
# action. A new admin page is added here, and nowhere else.
ADMIN_ITEMS: list[tuple[str, object, str]] = [
    ("accounts.users", _l("Users"), "list_users"),
    ("findings.categories", _l("Categories"), "admin"),
    ("findings.priorities", _l("Priorities"), "admin"),
    ("findings.outbox", _l("Outbox"), "read_outbox"),
    ("walks.targets", _l("Walk targets"), "admin"),
    ("afterwalk.owners", _l("Owners"), "manage_owners"),
    ("reports.admin_surveys", _l("Safety survey"), "admin"),
    ("accounts.audit", _l("Audit log"), "view_audit_log"),
    ("integrations.api_keys", _l("API keys"), "manage_integrations"),
    ("integrations.webhooks", _l("Webhooks"), "manage_integrations"),
    ("programme.measure_types", _l("Measure types"), "manage_measure_types"),
    ("programme.plan", _l("Yearly plan"), "edit_plan"),
    ("privacy.people", _l("Personal data"), "person_export"),
    ("privacy.record", _l("Record of processing"), "view_record"),
]


def admin_menu(user: User, path: str) -> list[tuple[str, object, bool]]:
    """(url, text, is current) of the admin pages the user may open; a page under one
    (/admin/users/invite under /admin/users) marks that one as current."""
    menu = []
    for endpoint, text, action in ADMIN_ITEMS:
        if can(user, action):
            url = url_for(endpoint)
            menu.append((url, text, path == url or path.startswith(url + "/")))
    return menu


def home_for(user: User) -> str:
    """Where a user lands after login, and what "/" shows them."""
    if can(user, "list_tasks"):
        return url_for("findings.tasks")
    return url_for("walks.index") if can(user, "plan_walk") else url_for("walks.mine")


def walk_url(user, walk) -> str:
    """A walk's page for this user: a guest's own page of the walk they joined (app/guests),
    the walk page for everyone else."""
    return url_for("guests.walk") if is_guest(user) else url_for("walks.show", walk_id=walk.id)
