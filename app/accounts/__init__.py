"""Accounts: logging in (the `auth` blueprint in accounts/auth: log in, log out, settings,
the gate every request passes), login sessions, throttling, two-factor, and user
administration for admins. The code that revokes access (end_all_sessions) lives here once
and both blueprints call it.
"""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import routes  # noqa: E402, F401
