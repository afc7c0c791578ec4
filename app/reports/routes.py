"""Reports: the dashboard, the safety survey, walk protocols, follow-up walks and exports."""

from datetime import date, time, timedelta

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
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.exports import forms as export_forms
from app.extensions import db
from app.htmx import wants_fragment
from app.i18n import locale_code
from app.labels import label, options
from app.models import District, FollowUpItem, SurveyResult, Walk, WalkTarget
from app.policy import can, visible_findings_clause
from app.reports import bp
from app.reports.forms import (
    CheckItemForm,
    FollowUpForm,
    SurveyImportForm,
    SurveyResultForm,
    TargetsForm,
)
from app.services import DomainError
from app.services import photos as photo_service
from app.services import reports as report_service
from app.services import surveys as survey_service
from app.services.protocol import render_protocol
from app.storage import commit_or_discard, get_storage
from app.timeutil import local_to_utc, local_today, to_local
from app.walks import followup as followup_service
from app.walks import operations as walk_service
from app.walks.routes import visible_findings


def _require(action: str, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(404)


def _districts() -> list[District]:
    return db.session.scalars(select(District).order_by(District.name)).all()


def _filters() -> report_service.Filters:
    district_id = request.args.get("district", type=int)
    return report_service.Filters(
        period=report_service.period_from_args(request.args),
        district_id=district_id if district_id and db.session.get(District, district_id) else None,
    )


# --- dashboard -------------------------------------------------------------------------------


@bp.get("/reports")
def dashboard():
    _require("view_reports")
    filters = _filters()
    data = report_service.dashboard(db.session, filters)
    one_year = len(filters.period.years) == 1
    month_labels = [
        (format_date(date(int(key[:4]), int(key[5:]), 1), "LLL" if one_year else "LLL yy"), n)
        for key, n in data["per_month"]
    ]
    export_args = {**filters.period.as_args()}
    if filters.district_id:
        export_args["district"] = filters.district_id
    return render_template(
        "reports/dashboard.html",
        data=data,
        filters=filters,
        period=filters.period,
        month_labels=month_labels,
        category_rows=[(c.name(locale_code()), n) for c, n in data["by_category"]],
        status_rows=[(label(s), n) for s, n in data["by_status"]],
        districts=_districts(),
        period_kinds=report_service.PERIOD_KINDS,
        export_args=export_args,
        years=list(range(local_today().year, 2017, -1)),
        month_names=[format_date(date(2000, m, 1), "LLLL") for m in range(1, 13)],
    )


# --- the safety survey -----------------------------------------------------------------------


@bp.get("/reports/surveys")
def surveys():
    _require("view_reports")
    district_id = request.args.get("district", type=int)
    goal = current_app.config["SAFETY_GOAL"]
    return render_template(
        "reports/surveys.html",
        series=survey_service.series(db.session, goal, district_id),
        goal=goal,
        districts=_districts(),
        district_id=district_id,
    )


def _survey_page(form: SurveyResultForm, import_form: SurveyImportForm, *, errors=None,
                 status=200):
    results = db.session.scalars(
        select(SurveyResult).join(District).order_by(District.name, SurveyResult.year.desc())
    ).all()
    return render_template(
        "reports/admin_surveys.html", form=form, import_form=import_form, results=results,
        import_errors=errors or [], columns=survey_service.CSV_COLUMNS,
    ), status


def _survey_form() -> SurveyResultForm:
    form = SurveyResultForm()
    form.district_id.choices = options((d.id, d.name) for d in _districts())
    return form


@bp.route("/admin/surveys", methods=["GET", "POST"])
def admin_surveys():
    _require("admin")
    form = _survey_form()
    if request.method == "GET" and not form.year.data:
        form.year.data = local_today().year
    if form.validate_on_submit():
        try:
            survey_service.save_result(
                db.session,
                district=db.session.get(District, form.district_id.data),
                year=form.year.data,
                respondents=form.respondents.data,
                safe_share=form.safe_share.data,
                evening_safe_share=form.evening_safe_share.data,
                stairwell_safe_share=form.stairwell_safe_share.data,
                outdoor_safe_share=form.outdoor_safe_share.data,
            )
        except DomainError as error:
            getattr(form, error.field or "year").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The survey result is saved."), "success")
            return redirect(url_for("reports.admin_surveys"), code=303)
    return _survey_page(form, SurveyImportForm(formdata=None),
                        status=422 if form.errors else 200)


@bp.post("/admin/surveys/import")
def import_surveys():
    _require("admin")
    import_form = SurveyImportForm()
    form = _survey_form()
    form.process(formdata=None)
    if not import_form.validate_on_submit():
        return _survey_page(form, import_form, status=422)
    try:
        report = survey_service.import_csv(db.session, import_form.file.data.read())
    except survey_service.SurveyImportError as error:
        db.session.rollback()
        import_form.file.errors.append(str(error.message))
        return _survey_page(form, import_form, errors=error.lines, status=422)
    db.session.commit()
    flash(_("Imported: %(created)d new, %(updated)d updated.",
            created=report.created, updated=report.updated), "success")
    return redirect(url_for("reports.admin_surveys"), code=303)


# --- walk targets ----------------------------------------------------------------------------


@bp.route("/admin/targets", methods=["GET", "POST"])
def targets():
    _require("admin")
    year = request.values.get("year", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        year = local_today().year
    districts = _districts()
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
            return redirect(url_for("reports.targets", year=year), code=303)
    return render_template(
        "walks/admin_targets.html", form=form, year=year, districts=districts, values=values,
        errors=errors, years=list(range(local_today().year + 1, local_today().year - 6, -1)),
    ), 422 if errors else 200


# --- walk protocol ---------------------------------------------------------------------------


def _walk_or_404(walk_id: int) -> Walk:
    walk = db.session.get(Walk, walk_id)
    if walk is None or not can(current_user, "view_walk", walk):
        abort(404)
    return walk


@bp.get("/walks/<int:walk_id>/protocol.pdf")
def protocol(walk_id: int):
    walk = _walk_or_404(walk_id)
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
    walk = _walk_or_404(walk_id)
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
    walk = _walk_or_404(walk_id)
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
        keys = [photo.storage_key, photo.thumb_key] if photo else []
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
    context = {"walk": walk, "check_form": form, "check_item_id": item.id}
    if wants_fragment():
        return render_template("walks/_checklist_item.html", item=item, **context), 422
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return render_template(
        "walks/show.html",
        findings=visible_findings(walk),
        per_category=walk_service.findings_per_category(
            db.session, walk, visible_findings_clause(current_user)
        ),
        **context,
    ), 422


# --- exports ---------------------------------------------------------------------------------
# The export links land on a page whose button starts the export as a job (app/exports): a
# million rows take longer than a request may, and a GET must not start work.


def _export_start(kind: str, file_format: str):
    _require("export_data")
    return render_template("exports/start.html",
                           **export_forms.start_page(kind, file_format, request.args))


@bp.get("/exports/<any(findings, walks):kind>.csv")
def export_csv(kind: str):
    return _export_start(kind, "csv")


@bp.get("/exports/<any(findings, walks):kind>.xlsx")
def export_xlsx(kind: str):
    return _export_start(kind, "xlsx")
