"""The main menu: (endpoint, text, policy action). Shown when the user may do the action."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.models import User
from app.policy import can

NAV_ITEMS: list[tuple[str, object, str]] = [
    ("walks.mine", _l("My walks"), "list_walks"),
    ("walks.index", _l("All walks"), "plan_walk"),
    ("findings.findings", _l("Findings"), "list_findings"),
    ("findings.inbox_verify", _l("To verify"), "list_findings"),
    ("findings.inbox_new", _l("New findings"), "list_findings"),
    ("findings.tasks", _l("My tasks"), "list_tasks"),
    ("reports.dashboard", _l("Reports"), "view_reports"),
    ("privacy.overview", _l("Privacy"), "review_privacy"),
    ("programme.compare", _l("Safety programme"), "view_programme"),
    ("findings.categories", _l("Admin"), "admin"),
]

# Pages under Administration.
ADMIN_ITEMS: list[tuple[str, object]] = [
    ("accounts.users", _l("Users")),
    ("findings.categories", _l("Categories")),
    ("findings.priorities", _l("Priorities")),
    ("findings.outbox", _l("Outbox")),
    ("walks.targets", _l("Walk targets")),
    ("reports.admin_surveys", _l("Safety survey")),
    ("accounts.audit", _l("Audit log")),
    ("programme.measure_types", _l("Measure types")),
    ("programme.plan", _l("Yearly plan")),
]


def home_for(user: User) -> str:
    """Where a user lands after login, and what "/" shows them."""
    if can(user, "list_tasks"):
        return url_for("findings.tasks")
    return url_for("walks.index") if can(user, "plan_walk") else url_for("walks.mine")
