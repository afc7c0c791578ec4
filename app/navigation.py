"""The main menu: (endpoint, text, policy action). Shown when the user may do the action."""

from flask_babel import lazy_gettext as _l

NAV_ITEMS: list[tuple[str, object, str]] = [
    ("walks.mine", _l("My walks"), "list_walks"),
    ("walks.index", _l("All walks"), "plan_walk"),
    ("admin.categories", _l("Admin"), "admin"),
]

# Pages under Administration.
ADMIN_ITEMS: list[tuple[str, object]] = [
    ("admin.categories", _l("Categories")),
]
