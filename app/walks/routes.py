"""Walks: planning, the walk page, starting and completing, protocols, follow-up walks and
their checklists, and the yearly walk targets (/admin/targets)."""

from datetime import time, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select

from app.extensions import db
from app.findings.photos import photo_keys
from app.htmx import wants_fragment
from app.labels import options
from app.models import District, FollowUpItem, User, Walk, WalkStatus, WalkTarget
from app.navigation import home_for
from app.places.queries import district_choices, districts_by_name
from app.policy import (
    can,
    my_walks_clause,
    require,
    visible_findings_clause,
    walk_leaders_clause,
)
from app.reports.protocol import render_protocol
from app.services import DomainError
from app.services import photos as photo_service
from app.storage import commit_or_discard, get_storage
from app.timeutil import local_day_bounds, local_to_utc, local_today, to_local
from app.walks import bp
from app.walks import followup as followup_service
from app.walks import operations as walk_service
from app.walks.forms import CheckItemForm, CompleteWalkForm, FollowUpForm, TargetsForm, WalkForm
from app.walks.queries import visible_findings, walk_or_404, walk_page


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
    start, end = local_day_bounds(local_today())
    mine_filter = my_walks_clause(current_user)
    today = db.session.scalars(
        select(Walk)
        .where(mine_filter, Walk.planned_start >= start, Walk.planned_start < end)
        .order_by(
            case((Walk.status == WalkStatus.IN_PROGRESS, 0), else_=1), Walk.planned_start
        )
    ).all()
    # Walks from earlier days that were never started or never completed stay on top.
    unfinished_earlier = db.session.scalars(
        select(Walk)
        .where(
            mine_filter,
            Walk.status.in_([WalkStatus.IN_PROGRESS, WalkStatus.PLANNED]),
            Walk.planned_start < start,
        )
        .order_by(Walk.planned_start.desc())
    ).all()
    planned = db.session.scalars(
        select(Walk)
        .where(mine_filter, Walk.status == WalkStatus.PLANNED, Walk.planned_start >= end)
        .order_by(Walk.planned_start)
        .limit(20)
    ).all()
    recent = db.session.scalars(
        select(Walk)
        .where(mine_filter, Walk.status == WalkStatus.COMPLETED, Walk.planned_start < start)
        .order_by(Walk.completed_at.desc())
        .limit(10)
    ).all()
    all_walks = [*today, *unfinished_earlier, *planned, *recent]
    counts = walk_service.finding_counts(
        db.session, [w.id for w in all_walks], visible_findings_clause(current_user)
    )
    return render_template(
        "walks/mine.html",
        today=[*unfinished_earlier, *today],
        planned=planned,
        recent=recent,
        counts=counts,
    )


@bp.get("/walks")
def index():
    if not can(current_user, "plan_walk"):
        abort(404)
    districts = districts_by_name()
    query = select(Walk).order_by(Walk.planned_start.desc())
    district_id = request.args.get("district", type=int)
    status = request.args.get("status")
    if district_id:
        query = query.where(Walk.district_id == district_id)
    if status in set(WalkStatus):
        query = query.where(Walk.status == WalkStatus(status))
    page = db.paginate(query, per_page=25, error_out=False)
    counts = walk_service.finding_counts(
        db.session, [w.id for w in page.items], visible_findings_clause(current_user)
    )
    template = "walks/_walk_table.html" if wants_fragment() else "walks/index.html"
    return render_template(
        template, page=page, counts=counts, districts=districts,
        district_id=district_id, status=status, statuses=list(WalkStatus),
    )


def _fill_choices(form: WalkForm) -> None:
    form.district_id.choices = options(district_choices())
    leaders = db.session.scalars(
        select(User).where(walk_leaders_clause()).order_by(User.name)
    )
    form.leader_id.choices = options(
        [(0, _("— no leader yet —"))] + [(u.id, u.name) for u in leaders]
    )


def _participants(form: WalkForm):
    return [(p.form.name.data or "", p.form.role.data) for p in form.participants]


@bp.route("/walks/new", methods=["GET", "POST"])
def new():
    if not can(current_user, "plan_walk"):
        abort(403)
    form = WalkForm()
    _fill_choices(form)
    if request.method == "GET" and request.args.get("district", type=int):
        form.district_id.data = request.args.get("district", type=int)
    if form.validate_on_submit():
        try:
            walk = walk_service.plan_walk(
                db.session,
                district=db.session.get(District, form.district_id.data),
                title=form.title.data,
                planned_start=local_to_utc(form.planned_date.data, form.planned_time.data),
                light_condition=form.light_condition.data,
                leader=db.session.get(User, form.leader_id.data) if form.leader_id.data else None,
                route=form.route.data or "",
                notes=form.notes.data or "",
                participants=_participants(form),
                created_by=current_user,
            )
        except DomainError as error:
            getattr(form, error.field or "title").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The walk is planned."), "success")
            return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    return render_template("walks/form.html", form=form, walk=None), 422 if form.errors else 200


@bp.route("/walks/<int:walk_id>/edit", methods=["GET", "POST"])
def edit(walk_id: int):
    walk = walk_or_404(walk_id)
    if not can(current_user, "edit_walk", walk):
        abort(403)
    form = WalkForm(obj=walk)
    _fill_choices(form)
    if request.method == "GET":
        local = to_local(walk.planned_start)
        form.planned_date.data, form.planned_time.data = local.date(), local.time()
        form.leader_id.data = walk.leader_id or 0
        while len(form.participants.entries) < len(walk.participants) + 2:
            form.participants.append_entry()
        for entry, participant in zip(form.participants.entries, walk.participants, strict=False):
            shown = participant.user.email if participant.user else participant.name
            entry.form.name.data, entry.form.role.data = shown, participant.role.value
    if form.validate_on_submit():
        if not form.title.data.strip():
            form.title.errors.append(_("Give the walk a title."))
        else:
            walk.district_id = form.district_id.data
            walk.title = form.title.data.strip()
            walk.planned_start = local_to_utc(form.planned_date.data, form.planned_time.data)
            walk.light_condition = form.light_condition.data
            walk.leader_id = form.leader_id.data or None
            walk.route = form.route.data or ""
            walk.notes = form.notes.data or ""
            walk_service.set_participants(walk, _participants(form), session=db.session)
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
        walk.notes = form.notes.data or ""
        walk_service.complete_walk(db.session, walk)
        db.session.commit()
        flash(_("The walk is completed and locked."), "success")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    return render_template(
        "walks/complete.html",
        walk=walk,
        form=form,
        findings=visible_findings(walk),
        per_category=walk_service.findings_per_category(
            db.session, walk, visible_findings_clause(current_user)
        ),
    )


# --- walk targets ----------------------------------------------------------------------------


@bp.route("/admin/targets", methods=["GET", "POST"])
def targets():
    require("admin")
    year = request.values.get("year", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        year = local_today().year
    districts = districts_by_name()
    current = {
        t.district_id: t
        for t in db.session.scalars(select(WalkTarget).where(WalkTarget.year == year))
    }
    errors = {}
    values = {d.id: (str(current[d.id].target) if d.id in current else "") for d in districts}
    form = TargetsForm()
    if form.validate_on_submit():
        parsed = {}
        for district in districts:
            raw = request.form.get(f"target-{district.id}", "").strip()
            values[district.id] = raw
            if raw == "":
                parsed[district.id] = None
            elif raw.isdigit() and int(raw) <= 1000:
                parsed[district.id] = int(raw)
            else:
                errors[district.id] = _("A whole number from 0 to 1000, or empty.")
        if not errors:
            for district in districts:
                target = current.get(district.id)
                if parsed[district.id] is None:
                    if target is not None:
                        db.session.delete(target)
                elif target is None:
                    db.session.add(WalkTarget(district_id=district.id, year=year,
                                              target=parsed[district.id]))
                else:
                    target.target = parsed[district.id]
            db.session.commit()
            flash(_("The walk targets for %(year)d are saved.", year=year), "success")
            return redirect(url_for("walks.targets", year=year), code=303)
    return render_template(
        "walks/admin_targets.html", form=form, year=year, districts=districts, values=values,
        errors=errors, years=list(range(local_today().year + 1, local_today().year - 6, -1)),
    ), 422 if errors else 200


# --- walk protocol ---------------------------------------------------------------------------


@bp.get("/walks/<int:walk_id>/protocol.pdf")
def protocol(walk_id: int):
    walk = walk_or_404(walk_id)
    if not can(current_user, "walk_protocol", walk):
        abort(403)
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
    walk = walk_or_404(walk_id)
    if not can(current_user, "plan_follow_up", walk):
        abort(403)
    form = FollowUpForm()
    if not form.planned_date.raw_data:  # the one-button form: in four weeks, same time
        form.planned_date.data = local_today() + timedelta(days=28)
        form.planned_time.data = to_local(walk.planned_start).time().replace(second=0)
    elif not form.validate_on_submit():
        flash(_("Give a date and a time for the follow-up walk."), "error")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    try:
        follow = followup_service.plan_follow_up(
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
    item = db.session.get(FollowUpItem, item_id)
    # The checklist carries confidential findings too; whoever may not see one may not check it.
    if (item is None or item.walk_id != walk.id
            or not can(current_user, "view_finding", item.finding)):
        abort(404)
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
        photo = followup_service.check_item(
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
