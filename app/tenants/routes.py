"""/t/<code>: a building's tenant page (the QR code's target) where a tenant reports what
feels unsafe; /t/status/<token>: the report's status page (its secret link);
/t/tillganglighet: the accessibility statement."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.extensions import db, limiter
from app.i18n import locale_code, text_direction
from app.labels import options
from app.media.photos import PhotoRejected
from app.models import utcnow
from app.pictograms import PLACE_PICTOGRAMS, TIME_PICTOGRAMS, category_pictogram
from app.places.geo import valid_position
from app.storage import commit_or_discard, get_storage
from app.tenants import bp, queries
from app.tenants import operations as ops
from app.tenants.forms import (
    CATEGORY_WORDS,
    DECLINE_WORDS,
    AnswerForm,
    ReportForm,
)
from app.timeutil import to_local

# The languages of the switcher, each named in itself.
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "ar": "العربية", "so": "Soomaali",
                  "fi": "Suomi"}
# When the tenant pages were last checked (axe-core at 390 × 844 in every language); the
# statement says so and must be updated with the next check.
ACCESSIBILITY_TESTED = date(2026, 12, 6)


@bp.context_processor
def tenant_page_helpers():
    return {"text_direction": text_direction, "tenant_languages": LANGUAGE_NAMES,
            "time_pictograms": TIME_PICTOGRAMS}


@bp.before_request
def limit_request_size():
    # A report is a photo and a few words: far below the app's limit for staff uploads.
    request.max_content_length = current_app.config["TENANT_MAX_REQUEST_BYTES"]


@bp.get("/tillganglighet")
def accessibility():
    return render_template("tenants/accessibility.html", tested=ACCESSIBILITY_TESTED)


def _ip_limit() -> str:
    return current_app.config["TENANT_REPORT_LIMIT_IP"]


def _building_limit() -> str:
    return current_app.config["TENANT_REPORT_LIMIT_BUILDING"]


def _building_key() -> str:
    return "tenant-building:" + (request.view_args or {}).get("code", "")


def _sent(response) -> bool:
    """Only a report that was saved counts: a refused or invalid one costs nobody a try."""
    return response.status_code == 303 and "/t/status/" in response.headers.get("Location", "")


def _report_form(categories) -> ReportForm:
    # Prefixed: the pulse question on the same page has its own time_of_day and token.
    form = ReportForm(prefix="report")
    form.category.choices = options(
        (c.id, str(CATEGORY_WORDS.get(c.slug) or c.name(locale_code()))) for c in categories)
    if not form.time_of_day.data:
        form.time_of_day.data = ops.time_of_day_now(to_local(utcnow())).value
    return form


@bp.route("/<code>", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_sent)
@limiter.limit(_building_limit, key_func=_building_key, methods=["POST"], deduct_when=_sent)
def building(code: str):
    building = queries.building_or_404(code)
    categories = queries.categories()
    form = _report_form(categories)
    if form.validate_on_submit():
        if form.website.data:  # the honeypot: answered as if sent, nothing kept
            flash(_("Thank you. Your report is sent."), "success")
            return redirect(url_for("tenants.building", code=code), code=303)
        data = ops.ReportInput(
            category_id=form.category.data, place=form.place.data,
            time_of_day=form.time_of_day.data, description=form.description.data or "",
            language=locale_code(), contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "", latitude=form.latitude.data,
            longitude=form.longitude.data)
        upload = form.photo.data.read() if form.photo.data else None
        try:
            sent = ops.send_report(db.session, get_storage(), building, data,
                                   photo_upload=upload, config=current_app.config)
        except (DomainError, PhotoRejected) as error:
            db.session.rollback()
            form.show_error(error, "photo" if isinstance(error, PhotoRejected) else "category")
        else:
            commit_or_discard(db.session, sent.files)
            flash(_("Thank you. Your report is sent."), "success")
            return redirect(url_for("tenants.status", token=sent.token, sent=1), code=303)
    return _building_page(building, form, categories), 422 if form.errors else 200


def _pin_map(building) -> dict | None:
    """What the optional map draws: the building, its neighbours (a map without tiles still
    shows where one is) and the circle a pin must stay in (the server's own check)."""
    if not valid_position(building.latitude, building.longitude):
        return None
    here = [building.latitude, building.longitude]
    return {"center": here, "here": [*here, building.address], "radius": ops.POSITION_NEAR_M,
            "buildings": queries.neighbours(building, ops.POSITION_NEAR_M * 1.5)}


def _building_page(building, form: ReportForm, categories, **extra) -> str:
    return render_template(
        "tenants/building.html", building=building, form=form,
        category_icons={c.id: category_pictogram(c.slug, c.icon) for c in categories},
        place_icons=PLACE_PICTOGRAMS, time_icons=TIME_PICTOGRAMS, pin_map=_pin_map(building),
        **extra)


@bp.errorhandler(429)
def too_many(error):
    """Slowed, not lost: the form comes back with what was typed (not the photo) and says
    when to send again."""
    code = (request.view_args or {}).get("code")
    if request.endpoint != "tenants.building" or code is None:
        return render_template("tenants/slow_down.html"), 429
    building = queries.building_or_404(code)
    categories = queries.categories()
    form = _report_form(categories)
    retry = getattr(error, "retry_after", None) or 60
    return _building_page(building, form, categories, slow_down=True), 429, {
        "Retry-After": str(retry)}


@bp.route("/status/<token>", methods=["GET", "POST"])
def status(token: str):
    report = queries.report_or_404(token)
    state = queries.tenant_status(report)
    form = AnswerForm()
    if state.ask_fixed and form.validate_on_submit():
        try:
            ops.answer_fixed(db.session, report, fixed=form.answer.data == "yes",
                             note=form.note.data or "")
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "note")
        else:
            db.session.commit()
            flash(_("Thank you for your answer."), "success")
            return redirect(url_for("tenants.status", token=token), code=303)
    response = current_app.make_response((render_template(
        "tenants/status.html", report=report, state=state, form=form, token=token,
        just_sent=request.args.get("sent") == "1", decline_words=DECLINE_WORDS,
        category_word=CATEGORY_WORDS.get(report.category.slug) or report.category.name(
            locale_code()),
    ), 422 if form.errors else 200))
    # The link is the only key to the report: no cache keeps it, no page it links to sees it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
