from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LanguageForm, LoginForm, SettingsForm
from app.extensions import db, login_manager
from app.models import Role, User
from app.services.accounts import LoginRefused, authenticate


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


def home_for(user: User) -> str:
    if user.role == Role.FIXER:
        return url_for("remediation.tasks")
    return url_for("walks.mine") if user.role == Role.WALKER else url_for("walks.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session,
                form.email.data,
                form.password.data,
                free_attempts=current_app.config["LOGIN_FREE_ATTEMPTS"],
                lock_seconds=current_app.config["LOGIN_LOCK_SECONDS"],
            )
        except LoginRefused as refused:
            db.session.commit()  # keep the failure count
            form.password.errors.append(str(refused.message))
            response = render_template("auth/login.html", form=form), 422
            if refused.retry_after:
                return (*response, {"Retry-After": str(refused.retry_after)})
            return response
        db.session.commit()
        session.permanent = True
        login_user(user, remember=form.remember.data)
        return redirect(_safe_next(request.args.get("next")) or home_for(user), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.language = form.lang.data
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("walks.home"), code=303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        current_user.language = form.language.data
        current_user.notify_email = form.notify_email.data
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.settings"), code=303)
    return render_template("auth/settings.html", form=form), 422 if form.errors else 200
