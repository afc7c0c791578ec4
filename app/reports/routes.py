"""Reports: the dashboard, the safety survey (and its admin pages) and the export links."""

import base64
import csv
import io
from datetime import date

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import page_cache
from app.errors import DomainError
from app.extensions import db
from app.i18n import bound_gettext, local_date, locale_code
from app.labels import label, options
from app.models import District, TimeOfDay
from app.periods import PERIOD_KINDS, Filters, period_from_args
from app.places.queries import district_choices, districts_by_name
from app.policy import get_or_404, require
from app.reports import bp
from app.reports import operations as report_ops
from app.reports import pulse as pulse_index
from app.reports import surveys as survey_service
from app.reports.dashboard import dashboard as dashboard_figures
from app.reports.forms import (
    SurveyApplyForm,
    SurveyImportForm,
    SurveyResultForm,
)
from app.timeutil import local_today


def _filters() -> Filters:
    district_id = request.args.get("district", type=int)
    return Filters(
        period=period_from_args(request.args),
        district_id=district_id if district_id and db.session.get(District, district_id) else None,
    )


# --- dashboard -------------------------------------------------------------------------------


@bp.get("/reports")
def dashboard():
    require("view_reports")
    # The body is the same for everyone who may see it: kept as HTML per language and query
    # string (its links carry the query string's filters) and per state of its period's data
    # (page_cache.period_token), so a finding posted today leaves earlier periods' bodies as
    # they were. The page around it is rendered per user.
    state = page_cache.period_token(db.session, period_from_args(request.args).end)
    return render_template("reports/dashboard.html", body=page_cache.cached(
        db.session, "dashboard", (locale_code(), request.query_string), _dashboard_body,
        state=state))


def _dashboard_body() -> str:
    # The districts first: the filter's district and the district table's row are then
    # found among them without a statement of their own (the session keeps loaded rows
    # only while something refers to them).
    districts = districts_by_name()
    filters = _filters()
    data = dashboard_figures(db.session, filters)
    one_year = len(filters.period.years) == 1
    month_labels = [
        (local_date(date(int(key[:4]), int(key[5:]), 1), "LLL" if one_year else "LLL yy"), n)
        for key, n in data["per_month"]
    ]
    export_args = {**filters.period.as_args()}
    if filters.district_id:
        export_args["district"] = filters.district_id
    return render_template(
        "reports/_dashboard_body.html",
        gettext=bound_gettext(),
        data=data,
        filters=filters,
        period=filters.period,
        month_labels=month_labels,
        category_rows=[(c.name(locale_code()), n) for c, n in data["by_category"]],
        status_rows=[(label(s), n) for s, n in data["by_status"]],
        districts=districts,
        period_kinds=PERIOD_KINDS,
        export_args=export_args,
        years=list(range(local_today().year, 2017, -1)),
        # local_date: flask-babel's format_date, its answers kept (24 calls, ~0.3 ms a body)
        month_names=[local_date(date(2000, m, 1), "LLLL") for m in range(1, 13)],
    )


# --- the safety survey -----------------------------------------------------------------------


@bp.get("/reports/surveys")
def surveys():
    require("view_reports")
    district_id = request.args.get("district", type=int)
    goal = current_app.config["SAFETY_GOAL"]
    return render_template(
        "reports/surveys.html",
        series=survey_service.series(db.session, goal, district_id),
        goal=goal,
        districts=districts_by_name(),
        district_id=district_id,
        pulse=pulse_index.pulse_by_district(db.session, local_today(), district_id),
        min_answers=pulse_index.MIN_ANSWERS,
        times=[("all", _("All day")), *((t.value, label(t)) for t in TimeOfDay)],
        month_label=_month_label,
    )


def _month_label(key: str) -> str:
    return format_date(date(int(key[:4]), int(key[5:]), 1), "LLLL yyyy")


@bp.get("/reports/pulse.csv")
def pulse_csv():
    """The safety pulse's figures, as the survey page shows them (hidden cells hidden)."""
    require("view_reports")
    pulse = pulse_index.pulse_by_district(db.session, local_today(),
                                          request.args.get("district", type=int))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(pulse_index.CSV_HEADER)
    writer.writerows(pulse_index.csv_rows(pulse))
    return Response("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=trygghetspuls.csv"})


def _survey_page(form: SurveyResultForm, import_form: SurveyImportForm, *, errors=None,
                 status=200):
    return render_template(
        "reports/admin_surveys.html", form=form, import_form=import_form,
        results=survey_service.saved_results(db.session),
        import_errors=errors or [], columns=survey_service.CSV_COLUMNS,
        max_bytes=survey_service.MAX_FILE_BYTES,
    ), status


def _survey_form() -> SurveyResultForm:
    form = SurveyResultForm()
    form.district_id.choices = options(district_choices())
    return form


@bp.route("/admin/surveys", methods=["GET", "POST"])
def admin_surveys():
    require("admin")
    form = _survey_form()
    if request.method == "GET" and not form.year.data:
        form.year.data = local_today().year
    if form.validate_on_submit():
        try:
            report_ops.save_result(
                db.session,
                district=get_or_404(District, form.district_id.data),
                year=form.year.data,
                respondents=form.respondents.data,
                safe_share=form.safe_share.data,
                evening_safe_share=form.evening_safe_share.data,
                stairwell_safe_share=form.stairwell_safe_share.data,
                outdoor_safe_share=form.outdoor_safe_share.data,
            )
        except DomainError as error:
            form.show_error(error, "year")
        else:
            db.session.commit()
            flash(_("The survey result is saved."), "success")
            return redirect(url_for("reports.admin_surveys"), code=303)
    return _survey_page(form, SurveyImportForm(formdata=None),
                        status=422 if form.errors else 200)


@bp.post("/admin/surveys/import")
def import_surveys():
    """The file's preview: what each district-year would get, nothing written yet."""
    require("admin")
    import_form = SurveyImportForm()
    form = _survey_form()
    form.process(formdata=None)
    if not import_form.validate_on_submit():
        return _survey_page(form, import_form, status=422)
    data = import_form.file.data.read(survey_service.MAX_FILE_BYTES + 1)
    try:
        plan = survey_service.preview_csv(db.session, data)
    except survey_service.SurveyImportError as error:
        import_form.file.errors.append(str(error.message))
        return _survey_page(form, import_form, errors=error.lines, status=422)
    return _preview_page(plan)


def _preview_page(plan, *, stale: str | None = None, status: int = 200):
    apply_form = SurveyApplyForm(formdata=None, digest=plan.digest,
                                 content=base64.b64encode(plan.text.encode()).decode("ascii"))
    return render_template(
        "reports/survey_import_preview.html", plan=plan, apply_form=apply_form, stale=stale,
        labels=survey_service.FIELD_LABELS,
    ), status


@bp.post("/admin/surveys/import/apply")
def apply_survey_import():
    """Import the previewed file, if the saved results are still as the preview showed."""
    require("admin")
    apply_form = SurveyApplyForm()
    text = _previewed_text(apply_form) if apply_form.validate_on_submit() else None
    if text is None:  # a token expired, or a form not from the preview
        flash(_("The preview was incomplete. Nothing was imported: choose the file again."),
              "error")
        return redirect(url_for("reports.admin_surveys"), code=303)
    try:
        report = report_ops.apply_csv(db.session, text, apply_form.digest.data)
    except survey_service.StalePreview as stale:
        db.session.rollback()
        return _preview_page(stale.plan, stale=str(stale.message), status=409)
    except IntegrityError:  # a result for the same year added meanwhile (PostgreSQL)
        db.session.rollback()
        return _preview_page(survey_service.preview_csv(db.session, text),
                             stale=str(survey_service.STALE_PREVIEW), status=409)
    except survey_service.SurveyImportError as error:
        db.session.rollback()
        import_form = SurveyImportForm(formdata=None)
        import_form.file.errors.append(str(error.message))
        form = _survey_form()
        form.process(formdata=None)
        return _survey_page(form, import_form, errors=error.lines, status=422)
    db.session.commit()
    flash(_("Imported. New results: %(created)d, updated: %(updated)d, values cleared: "
            "%(cleared)d.",
            created=report.created, updated=report.updated, cleared=report.cleared),
          "success")
    return redirect(url_for("reports.admin_surveys"), code=303)


def _previewed_text(apply_form: SurveyApplyForm) -> str | None:
    try:
        return base64.b64decode(apply_form.content.data, validate=True).decode()
    except ValueError:  # not base64, or not UTF-8
        return None
