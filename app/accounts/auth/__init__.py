from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.operations import needs_2fa_enrolment
from app.errors import api_error
from app.extensions import db, login_manager
from app.htmx import redirect_whole_page
from app.monitoring import PUBLIC_ENDPOINTS as MONITORING_ENDPOINTS
from app.policy import guest_may_reach, is_guest

bp = Blueprint("auth", __name__)

# Everything else needs a logged-in user.
PUBLIC_ENDPOINTS = {
    "auth.login", "auth.login_code", "auth.set_language", "accounts.set_password", "static",
    # A walk's public protocol and its residents' pin page: secret links, no account.
    "afterwalk.public", "afterwalk.public_photo", "afterwalk.pin_page", "afterwalk.pin_thanks",
    # A user's calendar feed: a secret address, since calendar apps cannot log in.
    "invitations.feed",
    *MONITORING_ENDPOINTS,
    # Single sign-on: the way to the organisation's login and back.
    "auth.sso_login", "auth.sso_callback",
    # Join a walk in progress by its code (app/guests): no account.
    "guests.join", "guests.join_code", "guests.leave",
}
# Whole blueprints without login: the tenant pages (/t/…, reached from a QR code).
PUBLIC_BLUEPRINTS = {"tenants"}
PUBLIC_PATHS = {
    "/favicon.ico", "/sw.js", "/manifest.webmanifest", "/offline", "/api/v1/openapi.json",
}
# Reachable by a manager or admin who still has to turn on two-factor login.
ENROLMENT_ENDPOINTS = {"auth.two_factor", "auth.logout", "auth.set_language"}


@bp.before_app_request
def require_login():
    if request.path in PUBLIC_PATHS or request.endpoint in ("static", None):
        return None  # None: 404 / 405 pages
    if request.endpoint in PUBLIC_ENDPOINTS or request.blueprint in PUBLIC_BLUEPRINTS:
        return None  # also for a guest: a tenant's QR page or a protocol link works for them
    if is_guest(current_user):
        # A guest (joined by code) reaches the few endpoints of their walk, nothing else.
        if guest_may_reach(request.endpoint, current_user):
            return None
        if request.method == "GET" and guest_may_reach(request.endpoint):
            # The walk was completed meanwhile (its live list polled, the capture form
            # opened): the whole page moves to the guest's "completed, sending" page.
            return redirect_whole_page(redirect(url_for("guests.walk")))
        abort(404)
    # Called by other systems with an API key (app/integrations/auth.py key_required).
    if getattr(current_app.view_functions.get(request.endpoint), "authenticates_itself", False):
        return None
    if current_user.is_authenticated:
        return _require_two_factor()
    if request.path.startswith("/api/"):
        return api_error(401, "unauthenticated", _("Log in again; nothing waiting was lost."))
    if session.pop("guest", None) is not None:  # a guest session that has ended
        return redirect_whole_page(redirect(url_for("guests.join", ended=1)))
    return redirect_whole_page(login_manager.unauthorized())


def _require_two_factor():
    """When admins require two-factor for staff, a manager or admin without it must turn it
    on before reaching anything else."""
    if request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if not needs_2fa_enrolment(db.session, current_user):
        return None
    if request.path.startswith("/api/"):
        return api_error(403, "forbidden", _("Turn on two-factor login first."))
    return redirect(url_for("auth.two_factor"))


from app.accounts.auth import routes  # noqa: E402, F401
