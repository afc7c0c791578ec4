"""Admin screens for users (list, invite, edit, deactivate, reset, audit log) and the public
page where an invited user or one with a reset link sets a password."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts import bp, queries
from app.accounts import operations as ops
from app.accounts.forms import ActionForm, InviteForm, SecurityForm, SetPasswordForm, UserForm
from app.errors import DomainError
from app.extensions import db
from app.models import Role, User
from app.places.queries import district_choices
from app.policy import get_or_404, require

AUDIT_LABELS = {
    "invite": _l("Invited"),
    "update": _l("Changed"),
    "deactivate": _l("Deactivated"),
    "reactivate": _l("Reactivated"),
    "password_reset_sent": _l("Password link sent"),
    "sessions_ended": _l("Logged out everywhere"),
    "require_2fa_on": _l("Two-factor required for staff"),
    "require_2fa_off": _l("Two-factor no longer required"),
    "erase": _l("Erased (replaced by a pseudonym)"),
    "person_export": _l("Register extract made"),
    "purge_expired": _l("Retention clean-up"),
    "sso_created": _l("Account made at single sign-on"),
    "api_key_create": _l("API key created"),
    "api_key_revoke": _l("API key revoked"),
    "api_key_use": _l("API key used"),
    "webhook_add": _l("Webhook added"),
    "webhook_remove": _l("Webhook removed"),
    "webhook_private_on": _l("Webhooks to internal addresses allowed"),
    "webhook_private_off": _l("Webhooks to internal addresses refused"),
}


def _load_user(user_id: int, action: str) -> User:
    # Like the other admin pages: someone who may not administer sees nothing here.
    return get_or_404(User, user_id, action)


@bp.get("/admin/users")
def users():
    require("list_users")
    security = SecurityForm(require_2fa=ops.require_2fa_for_staff(db.session))
    rows = queries.users_with_session_counts(db.session)
    return render_template("accounts/users.html", rows=rows, security=security)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
def invite():
    require("invite_user")
    form = InviteForm()
    form.districts.choices = district_choices()
    if form.validate_on_submit():
        try:
            user = ops.invite_user(
                db.session, current_user, email=form.email.data, name=form.name.data,
                role=Role(form.role.data), language=form.language.data,
                districts=queries.districts_by_ids(db.session, form.districts.data),
                config=current_app.config,
            )
        except DomainError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("%(email)s is invited. The e-mail with the link is in the outbox.",
                    email=user.email), "success")
            return redirect(url_for("accounts.users"), code=303)
    status = 422 if form.errors else 200
    return render_template("accounts/invite.html", form=form), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int):
    user = _load_user(user_id, "view_user")
    form = UserForm(obj=user, data=None if request.method == "POST" else {
        "role": user.role.value, "districts": [d.id for d in user.districts],
        "password_login": user.password_login})
    form.districts.choices = district_choices()
    if request.method == "POST":
        require("edit_user", user)
    if form.validate_on_submit():
        ops.update_user(db.session, current_user, user, name=form.name.data,
                        role=Role(form.role.data),
                        districts=queries.districts_by_ids(db.session, form.districts.data),
                        password_login=bool(form.password_login.data))
        db.session.commit()
        flash(_("The user is saved."), "success")
        return redirect(url_for("accounts.users"), code=303)
    status = 422 if form.errors else 200
    return render_template("accounts/edit.html", form=form, user=user,
                           action_form=ActionForm()), status


def _action(user_id: int, action: str, do, message: str):
    user = _load_user(user_id, action)
    if not ActionForm().validate_on_submit():
        abort(400)
    do(user)
    db.session.commit()
    flash(message % {"name": user.name}, "success")
    return redirect(url_for("accounts.edit", user_id=user.id), code=303)


@bp.post("/admin/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _action(user_id, "deactivate_user",
                   lambda u: ops.deactivate_user(db.session, current_user, u),
                   _("%(name)s is deactivated and logged out everywhere."))


@bp.post("/admin/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    return _action(user_id, "deactivate_user",
                   lambda u: ops.reactivate_user(db.session, current_user, u),
                   _("%(name)s can log in again."))


@bp.post("/admin/users/<int:user_id>/reset-password")
def reset_password(user_id: int):
    return _action(user_id, "reset_user_password",
                   lambda u: ops.send_password_reset(db.session, current_user, u,
                                                     config=current_app.config),
                   _("A link to set a new password is in the outbox for %(name)s."))


@bp.post("/admin/users/<int:user_id>/end-sessions")
def end_sessions(user_id: int):
    return _action(user_id, "end_user_sessions",
                   lambda u: ops.admin_end_sessions(db.session, current_user, u),
                   _("%(name)s is logged out on all devices."))


@bp.post("/admin/security")
def security():
    require("set_security")
    form = SecurityForm()
    if form.validate_on_submit():
        ops.set_require_2fa(db.session, current_user, bool(form.require_2fa.data))
        db.session.commit()
        flash(_("The security setting is saved."), "success")
    return redirect(url_for("accounts.users"), code=303)


@bp.get("/admin/audit")
def audit():
    require("view_audit_log")
    page = queries.audit_page(db.session, request.args.get("page", 1, type=int))
    return render_template("accounts/audit.html", page=page, audit_labels=AUDIT_LABELS)


@bp.route("/account/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """An invitation or reset link: choose a password. The link works once."""
    row = ops.find_token(db.session, token)
    if row is None:
        return render_template("accounts/link_expired.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            ops.use_token(db.session, token, form.password.data,
                          hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        except DomainError as error:
            db.session.rollback()
            return render_template("accounts/link_expired.html",
                                   message=error.message), 410
        db.session.commit()
        flash(_("Your password is set. Log in with it now."), "success")
        return redirect(url_for("auth.login"), code=303)
    status = 422 if form.errors else 200
    return render_template("accounts/set_password.html", form=form, user=row.user,
                           purpose=row.purpose), status
