"""/join: a guest joins a walk in progress by its code; /join/walk: the guest's page of that
walk; /walks/<id>/join-code: the code and QR the leader shows."""

import segno
from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db, limiter, login_manager
from app.guests import bp, queries
from app.guests import operations as ops
from app.guests.forms import CodeForm, JoinForm
from app.models import Walk, utcnow
from app.policy import is_guest
from app.walks.queries import walk_or_404, walk_page


@login_manager.request_loader
def load_guest(_request):
    """No login: a guest session in the cookie, while it lasts (app/policy.py Guest)."""
    value = session.get(queries.SESSION_KEY)
    if value is None:
        return None
    return queries.load_guest(db.session, value, now=utcnow(),
                              hours=current_app.config["GUEST_SESSION_HOURS"],
                              late_hours=current_app.config["GUEST_LATE_GRACE_HOURS"])


def _join_limit() -> str:
    """Tries of a code per address, /join and /join/<code> counted together."""
    return current_app.config["JOIN_LIMIT"]


def _staff_here(walk: Walk | None = None):
    """Someone logged in with an account needs no code: to the walk (or home)."""
    target = url_for("walks.show", walk_id=walk.id) if walk else url_for("walks.home")
    return redirect(target, code=303)


@bp.route("/join", methods=["GET", "POST"])
@limiter.shared_limit(_join_limit, scope="join", methods=["POST"])
def join():
    if current_user.is_authenticated and not is_guest(current_user):
        return _staff_here()
    form = CodeForm()
    if form.validate_on_submit():
        walk = queries.walk_by_code(db.session, form.code.data)
        if walk is not None:
            return redirect(url_for("guests.join_code", code=queries.code_of(db.session, walk)),
                            code=303)
        form.code.errors.append(_("No walk in progress has this code. Check it with the "
                                  "walk's leader."))
    ended = request.args.get("ended") == "1"
    return render_template("guests/join.html", form=form, ended=ended), \
        422 if form.errors else 200


@bp.route("/join/<code>", methods=["GET", "POST"])
@limiter.shared_limit(_join_limit, scope="join")
def join_code(code: str):
    walk = queries.walk_by_code(db.session, code)
    if walk is None:
        form = CodeForm(code=code)
        form.code.errors = [_("No walk in progress has this code. Check it with the "
                              "walk's leader.")]
        return render_template("guests/join.html", form=form, ended=False), 404
    if current_user.is_authenticated and not is_guest(current_user):
        return _staff_here(walk)
    form = JoinForm()
    if form.validate_on_submit():
        participant, token = ops.join_walk(db.session, walk, name=form.name.data,
                                           role=form.role.data)
        db.session.commit()
        session[queries.SESSION_KEY] = [participant.id, token]
        session.permanent = True
        return redirect(url_for("guests.walk"), code=303)
    return render_template("guests/join_walk.html", form=form, walk=walk,
                           code=queries.code_of(db.session, walk)), 422 if form.errors else 200


@bp.get("/join/walk")
def walk():
    """The guest's page: the walk's findings as they come in, the map, and "Add finding"."""
    walk = walk_or_404(current_user.walk_id) if is_guest(current_user) else None
    if walk is None:
        return redirect(url_for("guests.join"), code=303)
    if current_user.sending_only:
        # Completed: no live walk any more, only what the phone still has to send.
        return render_template("guests/walk_completed.html", walk=walk)
    return render_template("guests/walk.html", **walk_page(walk))


@bp.post("/join/leave")
def leave():
    if is_guest(current_user):
        ops.leave(db.session, current_user.participant_id)
        db.session.commit()
    session.pop(queries.SESSION_KEY, None)
    return redirect(url_for("guests.join"), code=303)


@bp.route("/walks/<int:walk_id>/join-code", methods=["GET", "POST"])
def show_code(walk_id: int):
    """The leader's screen at the start: the code in large letters and its QR."""
    walk = walk_or_404(walk_id, "show_join_code")
    row = ops.join_code(db.session, walk, created_by=current_user)
    db.session.commit()
    url = url_for("guests.join_code", code=row.code, _external=True)
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#111", light="#fff",
                                               omitsize=True)
    return render_template("guests/code.html", walk=walk, code=row.code, url=url, qr=qr)
