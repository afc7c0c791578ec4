import time
from datetime import timedelta
from urllib.parse import urlsplit

import segno
from authlib.integrations.base_client import OAuthError
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import OperationalError
from werkzeug.security import check_password_hash

from app import sqlite_tuning
from app.accounts import operations as ops
from app.accounts import queries, sso, throttle
from app.accounts.auth import bp
from app.accounts.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmPasswordForm,
    LanguageForm,
    LoginForm,
    SettingsForm,
)
from app.accounts.credentials import LoginRefused, authenticate
from app.accounts.devices import device_label
from app.errors import DomainError
from app.extensions import db, login_manager
from app.models import User, utcnow
from app.navigation import home_for

PENDING_2FA = "pending_2fa"
PENDING_2FA_SECONDS = 300
THROTTLED = _l("Too many attempts.")


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user behind a session token (from the session or the remember cookie). A token
    whose session was ended, is older than SESSION_DAYS or belongs to a deactivated user
    loads nobody, so both cookies stop working at once. It only reads: on a POST it never
    takes SQLite's write lock (the view's own transaction does, if it writes)."""
    with sqlite_tuning.reading(db.session):
        found = ops.load_session(
            db.session, token, max_age=timedelta(days=current_app.config["SESSION_DAYS"])
        )
    if found is None:
        return None
    user, row = found
    g.login_session_id = row.id
    g.login_session_seen = row.last_seen_at
    return user


@bp.after_app_request
def note_session_use(response):
    """Write "last used" for the device list, at most every few minutes per session, in a
    transaction of its own after the view is done (never inside the view's unit of work).
    When SQLite is busy it is skipped after a short wait: the next request writes it."""
    session_id = g.get("login_session_id")
    if session_id is None or response.is_streamed or response.status_code >= 500:
        return response
    if utcnow() - g.login_session_seen < ops.SEEN_RESOLUTION:
        return response
    db.session.rollback()  # what the view did not commit is dropped at teardown anyway
    try:
        with sqlite_tuning.short_wait():
            ops.touch_session(db.session, session_id)
            db.session.commit()
    except OperationalError:  # busy SQLite: "last used" can wait for the next request
        db.session.rollback()
    return response


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


def _throttled(template: str, form, refused: throttle.Throttled):
    seconds = refused.retry_after
    if seconds >= 120:
        text = _("Too many attempts. Try again in %(minutes)s minutes.",
                 minutes=(seconds + 59) // 60)
    else:
        text = _("Too many attempts. Try again in %(seconds)s seconds.", seconds=seconds)
    (form.password if hasattr(form, "password") else form.code).errors.append(text)
    return render_template(template, form=form), 429, {"Retry-After": str(seconds)}


def _finish_login(user: User, remember: bool, next_url: str | None):
    ops.prune_sessions(db.session, user,
                       max_age=timedelta(days=current_app.config["SESSION_DAYS"]))
    ops.start_session(db.session, user, device=device_label(request.user_agent.string))
    db.session.commit()
    session.pop(PENDING_2FA, None)
    session.permanent = True
    login_user(user, remember=remember)
    return redirect(_safe_next(next_url) or home_for(user), code=303)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        ip = request.remote_addr or "unknown"
        device_cookie = request.cookies.get(throttle.DEVICE_COOKIE)
        known = throttle.is_known_device(config["SECRET_KEY"], device_cookie, form.email.data)
        try:
            throttle.reserve_login(config, ip, form.email.data, THROTTLED, known_device=known)
            user = authenticate(db.session, form.email.data, form.password.data,
                                hash_method=config["PASSWORD_HASH_METHOD"])
        except throttle.Throttled as refused:
            return _throttled("auth/login.html", form, refused)
        except LoginRefused as refused:
            form.password.errors.append(str(refused.message))
            return render_template("auth/login.html", form=form), 422
        throttle.login_succeeded(config, ip, form.email.data)
        if user.totp_secret:
            session[PENDING_2FA] = {"uid": user.id, "remember": bool(form.remember.data),
                                   "next": _safe_next(request.args.get("next")),
                                   "at": int(time.time())}
            response = redirect(url_for("auth.login_code"), code=303)
        else:
            response = _finish_login(user, bool(form.remember.data), request.args.get("next"))
        # The right password was typed in this browser: it may skip the account-wide bucket.
        response.set_cookie(
            throttle.DEVICE_COOKIE,
            throttle.remember_device(config["SECRET_KEY"], device_cookie, form.email.data),
            max_age=throttle.DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
            secure=config["SESSION_COOKIE_SECURE"],
        )
        return response
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step for users with two-factor on: a code from their authenticator."""
    pending = session.get(PENDING_2FA)
    if not pending or pending.get("at", 0) < time.time() - PENDING_2FA_SECONDS:
        session.pop(PENDING_2FA, None)
        flash(_("Log in again, please."), "info")
        return redirect(url_for("auth.login"), code=303)
    user = db.session.get(User, pending["uid"])
    if user is None or not user.active or not user.totp_secret:
        session.pop(PENDING_2FA, None)
        return redirect(url_for("auth.login"), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            throttle.reserve_code(current_app.config, user.id, THROTTLED)
        except throttle.Throttled as refused:
            return _throttled("auth/login_code.html", form, refused)
        if ops.verify_code(db.session, user, form.code.data):
            throttle.code_succeeded(current_app.config, user.id)
            return _finish_login(user, pending["remember"], pending["next"])
        db.session.rollback()
        form.code.errors.append(_("That code is not right, or it was already used."))
    status = 422 if form.errors else 200
    return render_template("auth/login_code.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    ops.end_session_by_token(db.session, current_user.session_token)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            ops.save_settings(db.session, current_user, language=form.lang.data)
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("walks.home"), code=303)


def _settings_page(form=None, password_form=None, status=200):
    sessions = queries.login_sessions(db.session, current_user)
    return render_template(
        "auth/settings.html", form=form or SettingsForm(obj=current_user),
        password_form=password_form or ChangePasswordForm(),
        sessions=sessions, this_session_id=g.get("login_session_id"),
        remove_2fa_form=ConfirmPasswordForm(),
        must_keep_2fa=ops.two_factor_required(db.session, current_user),
    ), status


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        ops.save_settings(db.session, current_user, language=form.language.data,
                          notify_email=form.notify_email.data)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.settings"), code=303)
    return _settings_page(form=form, status=422 if form.errors else 200)


@bp.post("/settings/password")
@login_required
def change_password():
    """A new password logs the user out everywhere; this device gets a fresh session."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not check_password_hash(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            remembered = bool(request.cookies.get(current_app.config.get(
                "REMEMBER_COOKIE_NAME", "remember_token")))
            ops.change_password(db.session, user, form.new_password.data,
                                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                                device=device_label(request.user_agent.string))
            db.session.commit()
            login_user(user, remember=remembered)
            flash(_("Your password is changed. You are logged out on your other devices."),
                  "success")
            return redirect(url_for("auth.settings"), code=303)
    return _settings_page(password_form=form, status=422)


@bp.post("/settings/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    mine = session_id == g.get("login_session_id")
    ops.end_session(db.session, current_user, session_id)
    db.session.commit()
    if mine:
        logout_user()
        flash(_("You are logged out."), "info")
        return redirect(url_for("auth.login"), code=303)
    flash(_("That device is logged out."), "success")
    return redirect(url_for("auth.settings"), code=303)


@bp.post("/settings/sessions/end-all")
@login_required
def end_all_sessions():
    ops.end_all_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out on all devices."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/settings/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Turn on two-factor: scan the QR code (or type the key), confirm with a code."""
    if current_user.totp_secret:
        return redirect(url_for("auth.settings"), code=303)
    secret = session.get("totp_setup")
    if not secret:
        secret = session["totp_setup"] = ops.pyotp.random_base32()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            ops.enrol_totp(db.session, current_user, secret, form.code.data)
        except DomainError as error:
            form.code.errors.append(str(error.message))
        else:
            db.session.commit()
            session.pop("totp_setup", None)
            flash(_("Two-factor login is on."), "success")
            return redirect(url_for("auth.settings"), code=303)
    uri = ops.totp_uri(secret, current_user.email)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    required = ops.needs_2fa_enrolment(db.session, current_user)
    return render_template("auth/two_factor.html", form=form, secret=secret, uri=uri,
                           qr_svg=qr_svg, required=required), 422 if form.errors else 200


@bp.post("/settings/two-factor/remove")
@login_required
def remove_two_factor():
    form = ConfirmPasswordForm()
    user = current_user._get_current_object()
    if ops.two_factor_required(db.session, user):
        flash(_("Two-factor login is required for your role."), "error")
    elif form.validate_on_submit() and check_password_hash(user.password_hash,
                                                            form.password.data):
        ops.remove_totp(db.session, user)
        db.session.commit()
        flash(_("Two-factor login is off."), "info")
    else:
        flash(_("That is not your current password."), "error")
    return redirect(url_for("auth.settings"), code=303)


# --- single sign-on (app/accounts/sso.py) --------------------------------------------------

SSO_NEXT = "sso_next"


@bp.get("/login/sso")
def sso_login():
    """Off to the organisation's login (OpenID Connect), back at sso_callback."""
    if not sso.enabled(current_app.config):
        abort(404)
    session[SSO_NEXT] = _safe_next(request.args.get("next"))
    return sso.client().authorize_redirect(url_for("auth.sso_callback", _external=True))


@bp.get("/login/sso/callback")
def sso_callback():
    if not sso.enabled(current_app.config):
        abort(404)
    try:
        token = sso.client().authorize_access_token()
    except (OAuthError, OSError, ValueError) as error:
        current_app.logger.warning("single sign-on refused: %s", type(error).__name__)
        flash(_("The login with your organisation's account did not work. Try again."),
              "error")
        return redirect(url_for("auth.login"), code=303)
    claims = token.get("userinfo") or {}
    try:
        user = ops.sso_user(db.session, claims, role=sso.role_for(claims, current_app.config),
                            hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("auth.login"), code=303)
    return _finish_login(user, False, session.pop(SSO_NEXT, None))
