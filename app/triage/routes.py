"""/tenant-reports: the inbox; /tenant-reports/<id>: one report with its three decisions;
its photo for managers."""

from __future__ import annotations

from io import BytesIO

from babel import Locale
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.htmx import add_vary, wants_fragment
from app.i18n import locale_code
from app.labels import options
from app.models import District, ReportStatus, TenantReport
from app.policy import get_or_404, require
from app.storage import delete_files, get_storage
from app.tenants.forms import CATEGORY_WORDS, PLACE_WORDS, TIME_WORDS
from app.triage import bp, queries, translate
from app.triage import operations as ops
from app.triage.forms import DECLINE_REASONS, AcceptForm, DeclineForm, MergeForm
from app.triage.qr_sheet import DEFAULT_FONT_DIR, Label, qr_sheet, tenant_url


def _can_translate(report: TenantReport) -> bool:
    """The button: a translation service is set, and the text is in another language than
    the reader's."""
    return translate.configured(current_app.config) and bool(report.description) \
        and report.language != locale_code()


@bp.context_processor
def triage_helpers():
    # The report's language in the reader's: "arabiska", "Somali".
    return {"language_name": lambda code: Locale.parse(code).get_display_name(locale_code()),
            "can_translate": _can_translate}


@bp.get("")
def inbox():
    require("triage_reports")
    return render_template("triage/inbox.html", reports=queries.inbox(),
                           districts=queries.districts())


def _scan_here() -> list[tuple[str, str]]:
    """The label's invitation in every tenant language, Swedish first."""
    phrases = []
    for lang in current_app.config["TENANT_LANGUAGES"]:
        with force_locale(lang):
            phrases.append((lang, _("Something that feels unsafe? Scan here")))
    return phrases


@bp.get("/qr-sheets/<int:district_id>.pdf")
def qr_sheet_pdf(district_id: int):
    require("triage_reports")
    district = get_or_404(District, district_id)
    base_url = current_app.config["BASE_URL"]
    labels = [Label(tenant_url(base_url, b.code), b.address)
              for b in queries.district_buildings(district)]
    pdf = qr_sheet(labels, _scan_here(), title=f"Trygg QR {district.name}",
                   font_dir=current_app.config.get("PDF_FONT_DIR", DEFAULT_FONT_DIR))
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=False,
                     download_name=f"trygg-qr-{district.code}.pdf")


def _report(report_id: int) -> TenantReport:
    return get_or_404(TenantReport, report_id, "triage_reports")


def _accept_form(report: TenantReport) -> AcceptForm:
    form = AcceptForm(category_id=report.category_id)
    form.category_id.choices = options((i, c.name(locale_code()))
                                       for i, c in queries.category_choices())
    return form


def _page(report: TenantReport, *, accept_form=None, merge_form=None, decline_form=None,
          translation: dict | None = None, status: int = 200):
    return render_template(
        "triage/report.html", report=report, translation=translation,
        accept_form=accept_form or _accept_form(report),
        merge_form=merge_form or MergeForm(), decline_form=decline_form or DeclineForm(),
        candidates=ops.merge_candidates(db.session, report)
        if report.status == ReportStatus.NEW else [],
        place_words=PLACE_WORDS, time_words=TIME_WORDS, decline_words=DECLINE_REASONS,
        tenant_word=CATEGORY_WORDS, position=queries.tenant_position(report),
    ), status


@bp.get("/<int:report_id>")
def show(report_id: int):
    return _page(_report(report_id))


def _done(message: str, finding_id: int | None = None):
    flash(message, "success")
    if finding_id is not None:
        return redirect(url_for("findings.show", finding_id=finding_id), code=303)
    return redirect(url_for("triage.inbox"), code=303)


@bp.post("/<int:report_id>/accept")
def accept(report_id: int):
    report = _report(report_id)
    form = _accept_form(report)
    if form.validate_on_submit():
        try:
            finding = ops.accept(db.session, get_storage(), report, current_user,
                                 category_id=form.category_id.data, severity=form.severity.data)
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "category_id")
        else:
            db.session.commit()
            return _done(_("The report is a finding now."), finding.id)
    return _page(report, accept_form=form, status=422)


@bp.post("/<int:report_id>/merge")
def merge(report_id: int):
    report = _report(report_id)
    form = MergeForm()
    if form.validate_on_submit():
        try:
            finding = ops.merge(db.session, get_storage(), report, current_user,
                                finding_id=form.finding_id.data)
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "finding_id")
        else:
            db.session.commit()
            return _done(_("The report is merged with finding %(id)d.", id=finding.id),
                         finding.id)
    return _page(report, merge_form=form, status=422)


@bp.post("/<int:report_id>/decline")
def decline(report_id: int):
    report = _report(report_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            files = ops.decline(db.session, report, current_user, reason=form.reason.data,
                                config=current_app.config)
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "reason")
        else:
            db.session.commit()
            delete_files(files)
            return _done(_("The report is declined; the tenant sees the reason."))
    return _page(report, decline_form=form, status=422)


@bp.post("/<int:report_id>/translate")
def translated(report_id: int):
    """The report's text machine-translated into the reader's language, under the original:
    the fragment for htmx, else the report's page with it."""
    report = _report(report_id)
    if not _can_translate(report):
        abort(404)
    try:
        result = {"text": translate.translate(
            report.description, source=report.language, target=locale_code(),
            config=current_app.config), "error": None}
    except translate.TranslationFailed as failed:
        result = {"text": None, "error": str(failed)}
    if wants_fragment():
        return add_vary(make_response(render_template(
            "triage/_translation.html", report=report, translation=result)))
    return _page(report, translation=result)


@bp.get("/<int:report_id>/photo/<any(full, thumb):variant>.jpg")
def photo(report_id: int, variant: str):
    report = _report(report_id)
    if not report.photo:
        abort(404)
    key = report.photo["key" if variant == "full" else "thumb"]
    try:
        data = get_storage().read(key)
    except FileNotFoundError:
        abort(404)
    response = send_file(BytesIO(data), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response
