"""Accounts: login sessions, throttling, two-factor, and user administration for admins.

A package of its own (not more of app/auth): auth keeps the screens every user sees (log
in, log out, settings); this package holds the rules and the admin screens, so the code
that revokes access (end_all_sessions) lives in one place that auth and admin both call.
"""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import routes  # noqa: E402, F401
