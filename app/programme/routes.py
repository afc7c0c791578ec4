"""The safety programme: measures recorded per district, yearly plans, the district analysis
("Djupanalys") with its PDF, and all districts side by side for one year."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.forms import FlaskForm, posted_targets
from app.i18n import locale_code
from app.labels import options
from app.models import District, Measure, MeasureType
from app.periods import year_from_args
from app.places.buildings import ImportFailed
from app.places.queries import districts_by_name
from app.policy import can, get_or_404, require
from app.programme import bp, labels, queries
from app.programme import operations as ops
from app.programme.forms import (
    ConfirmForm,
    MeasureForm,
    MeasureImportForm,
    MeasureTypeForm,
    plan_form,
)
from app.programme.pdf import render_analysis
from app.timeutil import local_today

# --- measures --------------------------------------------------------------------------------


def _measure_form() -> MeasureForm:
    form = MeasureForm()
    locale = locale_code()
    form.type_id.choices = options(
        [(0, _("Choose…"))]
        + [(t.id, f"{t.name(locale)} ({t.unit(locale)})")
           for t in queries.measure_types(db.session, active_only=True) if not t.counts_walks]
    )
    form.district_id.choices = options(
        [(0, _("Choose…"))] + [(d.id, d.name) for d in districts_by_name()]
    )
    return form


def _measures_page(form: MeasureForm, import_form: MeasureImportForm, *, errors=None,
                   status: int = 200):
    district_id = request.args.get("district", type=int)
    return render_template(
        "programme/measures.html", form=form, import_form=import_form,
        measures=queries.recent_measures(db.session, district_id), import_errors=errors or [],
        columns=ops.CSV_COLUMNS + ops.CSV_OPTIONAL, districts=districts_by_name(),
        district_id=district_id,
    ), status


@bp.route("/measures", methods=["GET", "POST"])
def measures():
    require("record_measure")
    form = _measure_form()
    if request.method == "GET":
        form.done_on.data = form.done_on.data or local_today()
        form.district_id.data = request.args.get("district", type=int) or 0
    if form.validate_on_submit():
        try:
            ops.record_measure(
                db.session,
                measure_type=get_or_404(MeasureType, form.type_id.data),
                district=get_or_404(District, form.district_id.data),
                done_on=form.done_on.data, amount=float(form.amount.data),
                note=form.note.data or "", user=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "amount")
        else:
            db.session.commit()
            flash(_("The measure is recorded."), "success")
            return redirect(url_for("programme.measures", district=form.district_id.data),
                            code=303)
    return _measures_page(form, MeasureImportForm(formdata=None),
                          status=422 if form.errors else 200)


@bp.post("/measures/import")
def import_measures():
    require("import_measures")
    import_form = MeasureImportForm()
    form = _measure_form()
    form.process(formdata=None)
    form.done_on.data = local_today()
    if not import_form.validate_on_submit():
        return _measures_page(form, import_form, status=422)
    try:
        result = ops.import_measures(db.session, import_form.file.data.read(), current_user)
    except ImportFailed as failed:
        db.session.rollback()
        import_form.file.errors.append(_("Nothing was imported."))
        return _measures_page(form, import_form, errors=failed.errors, status=422)
    db.session.commit()
    flash(_("Imported: %(num)d measures.", num=result.created), "success")
    return redirect(url_for("programme.measures"), code=303)


@bp.post("/measures/<int:measure_id>/delete")
def delete_measure(measure_id: int):
    require("record_measure")
    measure = get_or_404(Measure, measure_id)
    if not can(current_user, "delete_measure", measure):
        abort(403)
    ConfirmForm().validate_on_submit()  # the CSRF check
    ops.delete_measure(db.session, measure)
    db.session.commit()
    flash(_("The measure is removed."), "success")
    return redirect(url_for("programme.measures"), code=303)


# --- measure types and plans (admin) -----------------------------------------------------------


@bp.route("/admin/measure-types", methods=["GET", "POST"])
def measure_types():
    require("manage_measure_types")
    form = MeasureTypeForm()
    if form.validate_on_submit():
        try:
            ops.add_measure_type(db.session, name_sv=form.name_sv.data, name_en=form.name_en.data,
                                 unit_sv=form.unit_sv.data, unit_en=form.unit_en.data)
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "name_sv")
        else:
            db.session.commit()
            flash(_("The measure type is added."), "success")
            return redirect(url_for("programme.measure_types"), code=303)
    return render_template(
        "programme/measure_types.html", form=form,
        types=queries.measure_types(db.session),
    ), 422 if form.errors else 200


@bp.post("/admin/measure-types/<int:type_id>/active")
def toggle_measure_type(type_id: int):
    require("manage_measure_types")
    measure_type = get_or_404(MeasureType, type_id)
    ConfirmForm().validate_on_submit()
    ops.set_measure_type_active(db.session, measure_type, request.form.get("active") == "1")
    db.session.commit()
    return redirect(url_for("programme.measure_types"), code=303)


def _plan_form(district: District, year: int, types) -> FlaskForm:
    locale = locale_code()
    goal = queries.survey_goals(db.session, [year], district.id).get((district.id, year))
    targets = queries.targets(db.session, [year], district.id)
    return plan_form(
        types, {t.id: f"{t.name(locale)} ({t.unit(locale)})" for t in types},
        {t.id: targets.get((district.id, t.id, year)) for t in types}, goal,
    )


@bp.route("/admin/plans", methods=["GET", "POST"])
def plan():
    require("edit_plan")
    districts = districts_by_name()
    if not districts:
        return render_template("programme/plan.html", districts=[], district=None), 200
    district_id = request.values.get("district", type=int)
    district = get_or_404(District, district_id) if district_id else districts[0]
    year = year_from_args(request.values)
    types = queries.measure_types(db.session)
    form = _plan_form(district, year, types)
    if form.validate_on_submit():
        try:
            ops.save_plan(
                db.session, district=district, year=year, survey_goal=form.survey_goal.data,
                targets=posted_targets(form, [t.id for t in types]),
            )
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "survey_goal")
        else:
            db.session.commit()
            flash(_("The plan for %(district)s %(year)d is saved.",
                    district=district.name, year=year), "success")
            return redirect(url_for("programme.plan", district=district.id, year=year),
                            code=303)
    this_year = local_today().year
    return render_template(
        "programme/plan.html", form=form, district=district, districts=districts, year=year,
        types=types, years=list(range(this_year + 2, 2014, -1)),
    ), 422 if form.errors else 200


# --- the analysis ----------------------------------------------------------------------------


@bp.get("/programme")
def compare():
    require("view_programme")
    year = year_from_args(request.values)
    return render_template(
        "programme/compare.html", data=queries.comparison(db.session, year),
        questions=labels.QUESTIONS, years=list(range(local_today().year, 2014, -1)),
    )


def _analysis(district_id: int) -> dict:
    require("view_programme")
    district = get_or_404(District, district_id)
    return queries.district_analysis(db.session, district, year_from_args(request.values))


@bp.get("/programme/districts/<int:district_id>")
def analysis(district_id: int):
    data = _analysis(district_id)
    return render_template(
        "programme/analysis.html", data=data, questions=labels.QUESTIONS,
        districts=districts_by_name(), years=list(range(local_today().year + 1, 2014, -1)),
    )


@bp.get("/programme/districts/<int:district_id>/analysis.pdf")
def analysis_pdf(district_id: int):
    data = _analysis(district_id)
    pdf = render_analysis(data)
    name = f"djupanalys-{data['district'].code}-{data['year']}.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
