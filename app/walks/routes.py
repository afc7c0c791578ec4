"""Walks: planning, the walk page, starting and completing, protocols, follow-up walks and
their checklists, and the yearly walk targets (/admin/targets)."""

from datetime import time, timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.findings.operations.photos import photo_keys
from app.forms import posted_targets
from app.htmx import wants_fragment
from app.labels import options
from app.media import photos as photo_service
from app.models import FollowUpItem, Walk, WalkStatus
from app.navigation import home_for
from app.periods import year_from_args
from app.places.queries import district_choices, districts_by_name
from app.policy import can, require, visible_findings_clause
from app.reports.protocol import render_protocol
from app.storage import commit_or_discard, get_storage
from app.timeutil import local_to_utc, local_today, to_local
from app.walks import bp, queries
from app.walks import operations as walk_service
from app.walks.forms import (
    CancelWalkForm,
    CheckItemForm,
    CompleteWalkForm,
    FollowUpForm,
    WalkForm,
    walk_targets_form,
)
from app.walks.queries import invitation_counts, visible_findings, walk_or_404, walk_page


@bp.get("/")
def home():
    target = home_for(current_user)
    if target == url_for("walks.home"):
        return redirect(url_for("auth.settings"))
    return redirect(target)


@bp.get("/walks/mine")
def mine():
    if not can(current_user, "list_walks"):
        abort(404)
    return render_template("walks/mine.html", **queries.my_walks(current_user))


@bp.get("/walks")
def index():
    if not can(current_user, "plan_walk"):
        abort(404)
    district_id = request.args.get("district", type=int)
    status = request.args.get("status")
    page, counts = queries.walk_list(current_user, district_id=district_id, status=status)
    template = "walks/_walk_table.html" if wants_fragment() else "walks/index.html"
    return render_template(
        template, page=page, counts=counts, districts=districts_by_name(),
        district_id=district_id, status=status, statuses=list(WalkStatus),
    )


def _walk_form(**kwargs) -> WalkForm:
    form = WalkForm(**kwargs)
    form.district_id.choices = options(district_choices())
    form.leader_id.choices = options(
        [(0, _("— no leader yet —")), *queries.leader_choices()]
    )
    return form


def _walk_fields(form: WalkForm) -> dict:
    """What the planning form says, as the walk operations take it."""
    return {
        "title": form.title.data,
        "planned_start": local_to_utc(form.planned_date.data, form.planned_time.data),
        "light_condition": form.light_condition.data,
        "route": form.route.data or "",
        "meeting_point": form.meeting_point.data or "",
        "notes": form.notes.data or "",
        "participants": [(p.form.name.data or "", p.form.role.data)
                         for p in form.participants],
    }


@bp.route("/walks/new", methods=["GET", "POST"])
def new():
    if not can(current_user, "plan_walk"):
        abort(403)
    form = _walk_form()
    if request.method == "GET" and request.args.get("district", type=int):
        form.district_id.data = request.args.get("district", type=int)
    if form.validate_on_submit():
        try:
            walk = walk_service.plan_walk(
                db.session, **_walk_fields(form),
                district_id=form.district_id.data, leader_id=form.leader_id.data,
                created_by=current_user,
            )
        except DomainError as error:
            form.show_error(error, "title")
        else:
            db.session.commit()
            flash(_("The walk is planned."), "success")
            return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    return render_template("walks/form.html", form=form, walk=None), 422 if form.errors else 200


def _fill_from_walk(form: WalkForm, walk: Walk) -> None:
    """The edit form as the walk stands: its local date and time, leader, participants (an
    account's e-mail for those with one) and two empty rows to add more."""
    local = to_local(walk.planned_start)
    form.planned_date.data, form.planned_time.data = local.date(), local.time()
    form.leader_id.data = walk.leader_id or 0
    planned = [p for p in walk.participants if not p.guest]  # guests joined by code stay
    while form.participants.entries:  # filled from walk.participants, guests too
        form.participants.pop_entry()
    while len(form.participants.entries) < len(planned) + 2:
        form.participants.append_entry()
    for entry, participant in zip(form.participants.entries, planned, strict=False):
        shown = participant.user.email if participant.user else participant.name
        entry.form.name.data, entry.form.role.data = shown, participant.role.value


@bp.route("/walks/<int:walk_id>/edit", methods=["GET", "POST"])
def edit(walk_id: int):
    walk = walk_or_404(walk_id, "edit_walk")
    form = _walk_form(obj=walk)
    if request.method == "GET":
        _fill_from_walk(form, walk)
    if form.validate_on_submit():
        try:
            walk_service.update_walk(
                db.session, walk, **_walk_fields(form),
                district_id=form.district_id.data, leader_id=form.leader_id.data,
                config=current_app.config,
            )
        except DomainError as error:
            form.show_error(error, "title")
        else:
            db.session.commit()
            flash(_("The walk is saved."), "success")
            return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    return render_template("walks/form.html", form=form, walk=walk), 422 if form.errors else 200


@bp.get("/walks/<int:walk_id>")
def show(walk_id: int):
    walk = walk_or_404(walk_id)
    if wants_fragment() and request.args.get("part") == "findings":
        return render_template("walks/_findings.html", walk=walk, findings=visible_findings(walk))
    return render_template("walks/show.html", **walk_page(walk))


@bp.get("/walks/<int:walk_id>/live")
def live(walk_id: int):
    """The walk's findings as they come in, for every phone on the walk (staff and guests):
    polled by htmx every few seconds with If-None-Match; 304 while nothing changed."""
    walk = walk_or_404(walk_id)
    version = queries.live_version(walk, current_user)
    if request.if_none_match.contains_weak(version):
        response = Response(status=304)
    else:
        findings = visible_findings(walk)
        response = Response(render_template(
            "walks/_live.html", walk=walk, findings=findings, live_answer=True,
            live_points=queries.finding_points(findings)))
    response.set_etag(version, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Offline-Cache"] = "no"  # the service worker keeps no copy
    return response


@bp.post("/walks/<int:walk_id>/start")
def start(walk_id: int):
    walk = walk_or_404(walk_id)
    if not can(current_user, "start_walk", walk):
        flash(_("This walk cannot be started now."), "error")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    walk_service.start_walk(db.session, walk)
    db.session.commit()
    flash(_("The walk has started. Add what you find."), "success")
    return redirect(url_for("walks.show", walk_id=walk.id), code=303)


@bp.route("/walks/<int:walk_id>/complete", methods=["GET", "POST"])
def complete(walk_id: int):
    walk = walk_or_404(walk_id)
    if not can(current_user, "complete_walk", walk):
        flash(_("Only a walk in progress can be completed."), "error")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    form = CompleteWalkForm(obj=walk)
    if form.validate_on_submit():
        walk_service.complete_walk(db.session, walk, notes=form.notes.data or "")
        db.session.commit()
        flash(_("The walk is completed and locked."), "success")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    return render_template(
        "walks/complete.html",
        walk=walk,
        form=form,
        findings=visible_findings(walk),
        per_category=queries.findings_per_category(
            db.session, walk, visible_findings_clause(current_user)
        ),
    )


@bp.route("/walks/<int:walk_id>/cancel", methods=["GET", "POST"])
def cancel(walk_id: int):
    """Call off a planned walk: a page that asks first (and for an optional reason)."""
    walk = walk_or_404(walk_id)
    if not can(current_user, "cancel_walk", walk):
        flash(_("Only a planned walk can be cancelled."), "error")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    form = CancelWalkForm()
    if form.validate_on_submit():
        try:
            walk_service.cancel_walk(db.session, walk, reason=form.reason.data or "",
                                     by=current_user, config=current_app.config)
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "reason")
        else:
            db.session.commit()
            flash(_("The walk is cancelled. Everyone invited with an e-mail address is "
                    "mailed the cancellation."), "success")
            return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    return render_template("walks/cancel.html", walk=walk, form=form,
                           invited=invitation_counts(walk)), 422 if form.errors else 200


# --- walk targets ----------------------------------------------------------------------------


@bp.route("/admin/targets", methods=["GET", "POST"])
def targets():
    require("admin")
    year = year_from_args(request.values)
    districts = districts_by_name()
    form = walk_targets_form(districts, queries.walk_targets(year))
    if form.validate_on_submit():
        walk_service.save_walk_targets(
            db.session, year=year, targets=posted_targets(form, [d.id for d in districts]))
        db.session.commit()
        flash(_("The walk targets for %(year)d are saved.", year=year), "success")
        return redirect(url_for("walks.targets", year=year), code=303)
    this_year = local_today().year
    return render_template(
        "walks/admin_targets.html", form=form, year=year, districts=districts,
        years=list(range(this_year + 1, this_year - 6, -1)),
    ), 422 if form.errors else 200


# --- walk protocol ---------------------------------------------------------------------------


@bp.get("/walks/<int:walk_id>/protocol.pdf")
def protocol(walk_id: int):
    walk = walk_or_404(walk_id, "walk_protocol")
    public = request.args.get("public") == "1"
    pdf = render_protocol(walk, public=public, storage=get_storage())
    day = to_local(walk.started_at or walk.planned_start).date().isoformat()
    name = f"protokoll-{walk.district.code}-{day}{'-publik' if public else ''}.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- follow-up walks -------------------------------------------------------------------------


@bp.post("/walks/<int:walk_id>/follow-up")
def follow_up(walk_id: int):
    walk = walk_or_404(walk_id, "plan_follow_up")
    form = FollowUpForm()
    if not form.planned_date.raw_data:  # the one-button form: in four weeks, same time
        form.planned_date.data = local_today() + timedelta(days=28)
        form.planned_time.data = to_local(walk.planned_start).time().replace(second=0)
    elif not form.validate_on_submit():
        flash(_("Give a date and a time for the follow-up walk."), "error")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    try:
        follow = walk_service.plan_follow_up(
            db.session, walk,
            planned_start=local_to_utc(form.planned_date.data, form.planned_time.data or time(18)),
            created_by=current_user,
        )
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    db.session.commit()
    flash(_("The follow-up walk is planned with %(num)d open findings.",
            num=len(follow.checklist)), "success")
    return redirect(url_for("walks.show", walk_id=follow.id), code=303)


@bp.post("/walks/<int:walk_id>/checklist/<int:item_id>")
def check_item(walk_id: int, item_id: int):
    walk = walk_or_404(walk_id)
    item = queries.checklist_item_or_404(walk, item_id)
    if not can(current_user, "check_follow_up", walk):
        abort(403)
    form = CheckItemForm()
    processed = None
    upload = form.photo.data
    if form.validate_on_submit() and upload and getattr(upload, "filename", ""):
        try:
            processed = photo_service.process_upload(upload.read())
        except photo_service.PhotoRejected as rejected:
            form.photo.errors = [str(rejected.message)]
    if form.errors or not form.is_submitted():
        return _item_error(walk, item, form)
    keys = []
    try:
        photo = walk_service.check_item(
            db.session, item, outcome=form.outcome.data, note=form.note.data or "",
            user=current_user, storage=get_storage(), processed_photo=processed,
        )
        keys = photo_keys(photo) if photo else []
    except DomainError as error:
        db.session.rollback()
        form.outcome.errors = [str(error.message)]
        return _item_error(walk, item, form)
    commit_or_discard(db.session, keys)
    if wants_fragment():
        return render_template("walks/_checklist_item.html", walk=walk, item=item)
    flash(_("Saved."), "success")
    return redirect(url_for("walks.show", walk_id=walk.id, _anchor=f"item-{item.id}"), code=303)


def _item_error(walk: Walk, item: FollowUpItem, form: CheckItemForm):
    """422 with what the walker typed and chose still there: the item alone for htmx, else the
    whole walk page (a redirect would lose the note)."""
    context = {"check_form": form, "check_item_id": item.id}
    if wants_fragment():
        return render_template("walks/_checklist_item.html", walk=walk, item=item, **context), 422
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return render_template("walks/show.html", **walk_page(walk, **context)), 422
