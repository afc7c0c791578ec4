"""/admin/owners; /walks/<id>/after (the "Efter vandringen" screen) and its points; publishing
the protocol and the public page /p/<token>; the residents' pin page /r/<token> and the pins'
moderation /walks/<id>/pins; /walks/repeat (a yearly plan of walks)."""

from __future__ import annotations

from datetime import time
from io import BytesIO

import segno
from dateutil.relativedelta import relativedelta
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.afterwalk import bp, queries
from app.afterwalk import operations as ops
from app.afterwalk.forms import (
    AnswerForm,
    FinishForm,
    OwnerForm,
    PinForm,
    ReplyForm,
    SeriesForm,
)
from app.errors import DomainError
from app.extensions import db, limiter
from app.i18n import local_datetime
from app.labels import STATUS_COLOURS, options
from app.models import LinkKind, Owner, WalkStatus, utcnow
from app.places.queries import district_choices
from app.policy import get_or_404, require
from app.storage import get_storage
from app.timeutil import local_to_utc, local_today
from app.walks.queries import leader_choices, walk_or_404

bp.add_app_template_global(queries.after_walk_state)
bp.add_app_template_global(queries.walk_pins)
bp.add_app_template_global(queries.unanswered_by_walk)


# --- owners (admin) --------------------------------------------------------------------------


@bp.route("/admin/owners", methods=["GET", "POST"])
def owners():
    require("manage_owners")
    form = OwnerForm()
    if form.validate_on_submit():
        try:
            ops.save_owner(db.session, None, name=form.name.data, kind=form.kind.data,
                           email=form.email.data or "")
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "name")
        else:
            db.session.commit()
            flash(_("The owner is added."), "success")
            return redirect(url_for("afterwalk.owners"), code=303)
    return render_template("afterwalk/owners.html", form=form, owners=queries.owners(),
                           editing=None), 422 if form.errors else 200


@bp.route("/admin/owners/<int:owner_id>", methods=["GET", "POST"])
def edit_owner(owner_id: int):
    require("manage_owners")
    owner = get_or_404(Owner, owner_id)
    form = OwnerForm(obj=owner)
    if form.validate_on_submit():
        try:
            ops.save_owner(db.session, owner, name=form.name.data, kind=form.kind.data,
                           email=form.email.data or "")
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "name")
        else:
            db.session.commit()
            flash(_("The owner is saved."), "success")
            return redirect(url_for("afterwalk.owners"), code=303)
    return render_template("afterwalk/owners.html", form=form, owners=queries.owners(),
                           editing=owner), 422 if form.errors else 200


@bp.post("/admin/owners/<int:owner_id>/active")
def toggle_owner(owner_id: int):
    require("manage_owners")
    owner = get_or_404(Owner, owner_id)
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    ops.set_owner_active(db.session, owner, request.form.get("active") == "1")
    db.session.commit()
    return redirect(url_for("afterwalk.owners"), code=303)


# --- the after-meeting -----------------------------------------------------------------------


def _answer_form(answer=None, **kwargs) -> AnswerForm:
    form = AnswerForm(**kwargs)
    form.owner_id.choices = options(
        [(0, _("— choose —")),
         *((o.id, o.name) for o in queries.owners()
           if o.active or (answer and answer.owner_id == o.id))])
    if answer is not None and not form.is_submitted():
        form.owner_id.data = answer.owner_id or 0
        form.action.data, form.due_date.data = answer.action, answer.due_date
        form.no_action.data, form.reason.data = answer.no_action, answer.no_action_reason
    return form


def _finish_form(**kwargs) -> FinishForm:
    form = FinishForm(**kwargs)
    if not form.is_submitted():
        form.rewalk_date.data = ops.default_rewalk_day(local_today())
        form.rewalk_time.data = time(18, 0)
    return form


@bp.get("/walks/<int:walk_id>/after")
def after(walk_id: int):
    walk = walk_or_404(walk_id, "after_walk")
    return _after_page(walk)


def _after_page(walk, finish_form=None, status=200):
    points = queries.walk_points(walk)
    return render_template(
        "afterwalk/after.html", walk=walk, points=points,
        unanswered=sum(1 for _f, answer in points if answer is None),
        meeting=queries.after_meeting(walk.id),
        finish_form=finish_form or _finish_form(),
        protocol_link=queries.link_of(walk, LinkKind.PROTOCOL),
    ), status


@bp.route("/walks/<int:walk_id>/after/<int:finding_id>", methods=["GET", "POST"])
def point(walk_id: int, finding_id: int):
    walk = walk_or_404(walk_id, "after_walk")
    finding = queries.point_or_404(walk, finding_id)
    answer = queries.answer_of(finding)
    form = _answer_form(answer)
    if form.validate_on_submit():
        owner = db.session.get(Owner, form.owner_id.data) if form.owner_id.data else None
        try:
            ops.answer_point(
                db.session, finding, owner=owner, action=form.action.data or "",
                due_date=form.due_date.data, no_action=form.no_action.data,
                reason=form.reason.data or "", user=current_user, storage=get_storage())
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "action")
        else:
            db.session.commit()
            flash(_("Point %(num)d answered.", num=_number(walk, finding)), "success")
            following = queries.next_unanswered(walk, finding)
            if following is not None:
                return redirect(url_for("afterwalk.point", walk_id=walk.id,
                                        finding_id=following.id), code=303)
            return redirect(url_for("afterwalk.after", walk_id=walk.id), code=303)
    points = queries.walk_points(walk)
    return render_template(
        "afterwalk/point.html", walk=walk, finding=finding, answer=answer, form=form,
        number=_number(walk, finding, points), total=len(points),
        unanswered=sum(1 for _f, a in points if a is None),
        reply_form=ReplyForm(formdata=None), where=ops.owner_mail.position(finding),
        map_url=ops.owner_mail.map_link(ops.owner_mail.position(finding)),
    ), 422 if form.errors else 200


def _number(walk, finding, points=None) -> int:
    """The point's number in the walk (as the protocol numbers them)."""
    points = points if points is not None else queries.walk_points(walk)
    return next((n for n, (f, _a) in enumerate(points, start=1) if f.id == finding.id), 0)


@bp.post("/walks/<int:walk_id>/after/<int:finding_id>/reply")
def reply(walk_id: int, finding_id: int):
    walk = walk_or_404(walk_id, "after_walk")
    finding = queries.point_or_404(walk, finding_id)
    answer = queries.answer_of(finding)
    if answer is None:
        abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            ops.record_reply(db.session, answer, reply=form.reply.data or "")
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "reply")
        else:
            db.session.commit()
            flash(_("The owner's answer is recorded."), "success")
            return redirect(url_for("afterwalk.point", walk_id=walk.id,
                                    finding_id=finding.id), code=303)
    points = queries.walk_points(walk)
    return render_template(
        "afterwalk/point.html", walk=walk, finding=finding, answer=answer,
        form=_answer_form(answer), number=_number(walk, finding, points), total=len(points),
        unanswered=sum(1 for _f, a in points if a is None), reply_form=form,
        where=ops.owner_mail.position(finding),
        map_url=ops.owner_mail.map_link(ops.owner_mail.position(finding)),
    ), 422


@bp.post("/walks/<int:walk_id>/after/finish")
def finish(walk_id: int):
    walk = walk_or_404(walk_id, "after_walk")
    form = _finish_form()
    if form.validate_on_submit():
        try:
            meeting = ops.finish_after_meeting(
                db.session, walk, unanswered=queries.unanswered(walk.id),
                rewalk_start=local_to_utc(form.rewalk_date.data, form.rewalk_time.data),
                user=current_user)
        except DomainError as error:
            db.session.rollback()
            form.rewalk_date.errors.append(str(error.message))
        else:
            db.session.commit()
            if meeting.rewalk is not None:
                flash(_("The after-meeting is finished. The re-walk is planned with "
                        "%(num)d open points.", num=len(meeting.rewalk.checklist)), "success")
                return redirect(url_for("walks.show", walk_id=meeting.rewalk.id), code=303)
            flash(_("The after-meeting is finished. No point is left open."), "success")
            return redirect(url_for("afterwalk.after", walk_id=walk.id), code=303)
    return _after_page(walk, form, 422)


# --- the public protocol ---------------------------------------------------------------------


@bp.post("/walks/<int:walk_id>/publish")
def publish(walk_id: int):
    walk = walk_or_404(walk_id, "publish_protocol")
    if request.form.get("publish") == "1":
        ops.open_link(db.session, walk, LinkKind.PROTOCOL, user=current_user)
        message = _("The protocol is published. Anyone with the link can read it.")
    else:
        ops.close_link(db.session, walk, LinkKind.PROTOCOL)
        message = _("The protocol is no longer published; the old link shows nothing.")
    db.session.commit()
    flash(message, "success")
    return redirect(request.form.get("next") == "after"
                    and url_for("afterwalk.after", walk_id=walk.id)
                    or url_for("afterwalk.sharing", walk_id=walk.id), code=303)


@bp.get("/walks/<int:walk_id>/sharing")
def sharing(walk_id: int):
    """The walk's public links with their QR codes, to print or show."""
    walk = walk_or_404(walk_id)
    return render_template(
        "afterwalk/sharing.html", walk=walk, qr=_qr_svg,
        pins_link=queries.link_of(walk, LinkKind.PINS),
        protocol_link=queries.link_of(walk, LinkKind.PROTOCOL))


def _public_url(link) -> str:
    endpoint = "afterwalk.public" if link.kind == LinkKind.PROTOCOL else "afterwalk.pin_page"
    return url_for(endpoint, token=link.token, _external=True)


def _qr_svg(link) -> str:
    # No width or height: a viewBox only, so the page's CSS sizes it (a phone, an A4 notice).
    return segno.make(_public_url(link), error="m").svg_inline(
        scale=4, dark="#111", light="#fff", omitsize=True)


@bp.app_template_global()
def public_url(link) -> str:
    return _public_url(link)


@bp.get("/p/<token>")
def public(token: str):
    link = queries.link_or_404(token, LinkKind.PROTOCOL)
    walk = link.walk
    points = queries.public_points(walk)
    response = Response(render_template(
        "afterwalk/public.html", walk=walk, points=points, token=token,
        roles=_role_counts(walk), colours=STATUS_COLOURS,
        done=sum(1 for p in points if p["finding"].is_done),
        now_text=local_datetime(utcnow()), meeting=queries.after_meeting(walk.id),
    ))
    # Read now on every visit: a fix shows the moment it is recorded.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _role_counts(walk) -> dict:
    counts: dict = {}
    for participant in walk.participants:
        counts[participant.role] = counts.get(participant.role, 0) + 1
    return counts


@bp.get("/p/<token>/photos/<int:photo_id>.jpg")
def public_photo(token: str, photo_id: int):
    link = queries.link_or_404(token, LinkKind.PROTOCOL)
    photo = queries.public_photo_or_404(link.walk, photo_id)
    storage = get_storage()
    if not storage.exists(photo.thumb_key):
        abort(404)
    response = send_file(BytesIO(storage.read(photo.thumb_key)), mimetype="image/jpeg",
                         conditional=True, etag=f"{photo.sha256}-public")
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- residents' pins -------------------------------------------------------------------------


@bp.post("/walks/<int:walk_id>/pins/open")
def open_pins(walk_id: int):
    walk = walk_or_404(walk_id, "open_pins")
    if request.form.get("open") == "1":
        ops.open_link(db.session, walk, LinkKind.PINS, user=current_user)
        message = _("The pin page is open. Put its link or QR code on a notice.")
    else:
        ops.close_link(db.session, walk, LinkKind.PINS)
        message = _("The pin page is closed.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("afterwalk.sharing", walk_id=walk.id), code=303)


@bp.get("/walks/<int:walk_id>/pins/notice")
def pin_notice(walk_id: int):
    """A notice for the stairwell: what the walk is, when, and the pin page's QR code."""
    walk = walk_or_404(walk_id, "open_pins")
    link = queries.link_of(walk, LinkKind.PINS)
    if link is None:
        abort(404)
    return render_template("afterwalk/pin_notice.html", walk=walk, link=link, qr=_qr_svg)


def _pin_form(walk, **kwargs) -> PinForm:
    form = PinForm(**kwargs)
    form.building_id.choices = options(
        [(0, _("— choose a building —")),
         *((b.id, b.label) for b in queries.district_buildings(walk))])
    return form


def _pin_limit() -> str:
    return current_app.config["PIN_LIMIT"]


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit(_pin_limit, methods=["POST"])
def pin_page(token: str):
    link = queries.link_or_404(token, LinkKind.PINS)
    walk = link.walk
    form = _pin_form(walk)
    if form.validate_on_submit():
        if form.website.data:  # the honeypot: answered as if saved, nothing kept
            return redirect(url_for("afterwalk.pin_thanks", token=token), code=303)
        try:
            ops.add_pin(
                db.session, walk, building_id=form.building_id.data,
                latitude=form.latitude.data, longitude=form.longitude.data,
                description=form.description.data or "", time_of_day=form.time_of_day.data,
                district_buildings={b.id for b in queries.district_buildings(walk)})
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "description")
        else:
            db.session.commit()
            return redirect(url_for("afterwalk.pin_thanks", token=token), code=303)
    buildings = [b for b in queries.district_buildings(walk) if b.latitude is not None]
    center = ([sum(b.latitude for b in buildings) / len(buildings),
               sum(b.longitude for b in buildings) / len(buildings)] if buildings else None)
    response = Response(render_template("afterwalk/pin_page.html", walk=walk, form=form,
                                        token=token, center=center),
                        422 if form.errors else 200)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/r/<token>/thanks")
def pin_thanks(token: str):
    link = queries.link_or_404(token, LinkKind.PINS)
    return render_template("afterwalk/pin_thanks.html", walk=link.walk, token=token)


@bp.get("/walks/<int:walk_id>/pins")
def pins(walk_id: int):
    walk = walk_or_404(walk_id, "moderate_pins")
    return render_template("afterwalk/pins.html", walk=walk, pins=queries.pins(walk),
                           counts=queries.pin_counts(walk),
                           link=queries.link_of(walk, LinkKind.PINS))


@bp.post("/walks/<int:walk_id>/pins/<int:pin_id>")
def moderate(walk_id: int, pin_id: int):
    walk = walk_or_404(walk_id, "moderate_pins")
    pin = queries.pin_or_404(walk, pin_id)
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        abort(400)
    ops.moderate_pin(db.session, pin, approve=decision == "approve", user=current_user)
    db.session.commit()
    flash(_("The pin is approved: it shows on the walk's map.") if decision == "approve"
          else _("The pin is rejected."), "success")
    return redirect(url_for("afterwalk.pins", walk_id=walk.id), code=303)


# --- a yearly plan of walks ------------------------------------------------------------------


@bp.route("/walks/repeat", methods=["GET", "POST"])
def repeat():
    require("plan_walk")
    form = SeriesForm()
    form.district_id.choices = options(district_choices())
    form.leader_id.choices = options([(0, _("— no leader yet —")), *leader_choices()])
    if request.method == "GET":
        form.first_day.data = local_today()
        form.until.data = local_today() + relativedelta(years=1, days=-1)
        form.at.data = time(18, 0)
    if form.validate_on_submit():
        try:
            walks = ops.plan_series(
                db.session, district_id=form.district_id.data, title=form.title.data,
                first_day=form.first_day.data, until=form.until.data,
                every_months=form.every_months.data, at=form.at.data,
                winter_evening=form.winter_evening.data, leader_id=form.leader_id.data,
                created_by=current_user)
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "title")
        else:
            db.session.commit()
            flash(_("%(num)d walks are planned.", num=len(walks)), "success")
            return redirect(url_for("walks.index", district=form.district_id.data,
                                    status=WalkStatus.PLANNED.value), code=303)
    return render_template("afterwalk/repeat.html", form=form), 422 if form.errors else 200
