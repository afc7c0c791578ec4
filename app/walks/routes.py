from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from app.auth.routes import home_for
from app.extensions import db
from app.htmx import wants_fragment
from app.labels import options
from app.models import District, Finding, Role, User, Walk, WalkStatus
from app.policy import can, my_walks_clause, visible_findings_clause
from app.services import DomainError
from app.timeutil import local_day_bounds, local_to_utc, local_today, to_local
from app.walks import bp
from app.walks import operations as walk_service
from app.walks.forms import CompleteWalkForm, WalkForm


def get_walk_or_404(walk_id: int) -> Walk:
    walk = db.session.get(Walk, walk_id)
    if walk is None or not can(current_user, "view_walk", walk):
        abort(404)
    return walk


def visible_findings(walk: Walk) -> list[Finding]:
    """The walk's findings the current user may see, newest first, photos loaded."""
    return db.session.scalars(
        select(Finding)
        .where(Finding.walk_id == walk.id, visible_findings_clause(current_user))
        .options(
            selectinload(Finding.photos),
            selectinload(Finding.building),
            selectinload(Finding.category),
        )
        .order_by(Finding.created_at.desc(), Finding.id.desc())
    ).all()


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
    districts = db.session.scalars(select(District).order_by(District.name)).all()
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
    form.district_id.choices = options(
        (d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))
    )
    leaders = db.session.scalars(
        select(User).where(User.active, User.role != Role.FIXER).order_by(User.name)
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
    walk = get_walk_or_404(walk_id)
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
    walk = get_walk_or_404(walk_id)
    findings = visible_findings(walk)
    if wants_fragment() and request.args.get("part") == "findings":
        return render_template("walks/_findings.html", walk=walk, findings=findings)
    from app.remediation.page import STATUS_COLOURS
    from app.walks.queries import BUILDING_COLOURS, walk_map_points

    return render_template(
        "walks/show.html",
        walk=walk,
        findings=findings,
        map_points=walk_map_points(walk, findings, current_user),
        map_colours={**STATUS_COLOURS, **BUILDING_COLOURS},
        per_category=walk_service.findings_per_category(
            db.session, walk, visible_findings_clause(current_user)
        ),
    )


@bp.post("/walks/<int:walk_id>/start")
def start(walk_id: int):
    walk = get_walk_or_404(walk_id)
    if not can(current_user, "start_walk", walk):
        flash(_("This walk cannot be started now."), "error")
        return redirect(url_for("walks.show", walk_id=walk.id), code=303)
    walk_service.start_walk(db.session, walk)
    db.session.commit()
    flash(_("The walk has started. Add what you find."), "success")
    return redirect(url_for("walks.show", walk_id=walk.id), code=303)


@bp.route("/walks/<int:walk_id>/complete", methods=["GET", "POST"])
def complete(walk_id: int):
    walk = get_walk_or_404(walk_id)
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
