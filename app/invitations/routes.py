"""/walks/<id>/invitations (invite, take off the list), /walks/<id>/calendar.ics (the walk
for one's calendar), /calendar (one's feed address: make a new one, turn it off) and the
feed itself, /calendar/<token>.ics (no login: calendar apps cannot log in)."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.forms import FlaskForm
from app.invitations import bp, ical, queries
from app.invitations import operations as ops
from app.invitations.forms import InvitationForm
from app.invitations.mail import feed_url, walk_url
from app.models import utcnow
from app.policy import can, require
from app.walks.queries import walk_or_404

bp.add_app_template_global(queries.feed_of, "calendar_feed_of")
bp.add_app_template_global(queries.invitations, "walk_invitations")


def _page(walk, form, status=200):
    return render_template("invitations/invite.html", walk=walk, form=form,
                           invited=queries.invitations(walk)), status


@bp.route("/walks/<int:walk_id>/invitations", methods=["GET", "POST"])
def invite(walk_id: int):
    walk = walk_or_404(walk_id, "view_invitations")
    form = InvitationForm()
    if request.method == "POST" and not can(current_user, "invite_participants", walk):
        abort(403)
    if form.validate_on_submit():
        try:
            invitation = ops.invite(
                db.session, walk, name=form.name.data, role=form.role.data,
                email=form.email.data or "", phone=form.phone.data or "",
                invited_by=current_user, config=current_app.config)
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "name")
        else:
            db.session.commit()
            flash(_("%(name)s is invited; the invitation is in the outbox.",
                    name=invitation.name) if invitation.email else
                  _("%(name)s is on the list. Without an e-mail address, tell them yourself.",
                    name=invitation.name), "success")
            return redirect(url_for("invitations.invite", walk_id=walk.id), code=303)
    return _page(walk, form, 422 if form.errors else 200)


@bp.post("/walks/<int:walk_id>/invitations/<int:invitation_id>/remove")
def uninvite(walk_id: int, invitation_id: int):
    walk = walk_or_404(walk_id, "invite_participants")
    invitation = queries.invitation_or_404(walk, invitation_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = invitation.name
    ops.uninvite(db.session, invitation, config=current_app.config)
    db.session.commit()
    flash(_("%(name)s is taken off the list.", name=name), "success")
    return redirect(url_for("invitations.invite", walk_id=walk.id), code=303)


@bp.post("/walks/<int:walk_id>/invitations/<int:invitation_id>/send")
def send_again(walk_id: int, invitation_id: int):
    walk = walk_or_404(walk_id, "invite_participants")
    invitation = queries.invitation_or_404(walk, invitation_id)
    if not FlaskForm().validate_on_submit() or not invitation.email:
        abort(400)
    ops.send_again(db.session, invitation, config=current_app.config)
    db.session.commit()
    flash(_("The invitation to %(name)s is in the outbox again.", name=invitation.name),
          "success")
    return redirect(url_for("invitations.invite", walk_id=walk.id), code=303)


def _calendar_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = ical.CONTENT_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/walks/<int:walk_id>/calendar.ics")
def walk_calendar(walk_id: int):
    walk = walk_or_404(walk_id)
    config = current_app.config
    data = ical.single(walk, url=walk_url(walk, config), base_url=config["BASE_URL"],
                       stamp=utcnow())
    return _calendar_response(data, f"trygghetsvandring-{walk.id}.ics")


# --- the personal feed ------------------------------------------------------------------------


@bp.get("/calendar")
def feed_settings():
    require("calendar_feed")
    return render_template("invitations/feed.html", feed=queries.feed_of(current_user),
                           form=FlaskForm(), token=None)


@bp.post("/calendar/new")
def new_feed():
    """A new address, shown on this answer only (only its hash is kept)."""
    require("calendar_feed")
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    token = ops.new_feed(db.session, current_user)
    db.session.commit()
    response = Response(render_template(
        "invitations/feed.html", feed=queries.feed_of(current_user), form=form,
        token=token, url=feed_url(token, current_app.config)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/calendar/off")
def end_feed():
    require("calendar_feed")
    if not FlaskForm().validate_on_submit():
        abort(400)
    ops.end_feed(db.session, current_user)
    db.session.commit()
    flash(_("Your calendar address is turned off. Calendars that use it get nothing more."),
          "success")
    return redirect(url_for("invitations.feed_settings"), code=303)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    user = queries.feed_owner(db.session, token)
    if user is None:
        abort(404)
    config = current_app.config
    walks = queries.feed_walks(db.session, user, now=utcnow())
    data = ical.feed(walks, url_of=lambda walk: walk_url(walk, config),
                     base_url=config["BASE_URL"], stamp=utcnow(), name="Trygg")
    response = _calendar_response(data, "trygg.ics")
    response.headers["Content-Disposition"] = 'inline; filename="trygg.ics"'
    return response
