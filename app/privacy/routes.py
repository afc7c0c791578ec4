"""Redacting a photo by hand, flagging one as not blurred well, the managers' list."""

from __future__ import annotations

import io

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.models import Photo, utcnow
from app.models.personal import OnErase
from app.policy import can, get_or_404, require
from app.privacy import PHOTO_FLASH, access, bp, erasure, operations, queries, retention
from app.privacy.extract import build_extract, extract_filename
from app.privacy.forms import EraseForm, ExtractForm
from app.privacy.record import ACTIVITIES
from app.storage import commit_or_discard, delete_files, get_storage


def _photo_or_404(photo_id: int, action: str) -> Photo:
    photo = get_or_404(Photo, photo_id, "view_photo")
    if not can(current_user, action, photo):
        abort(403)
    return photo


def _back(photo: Photo, message: str, category: str):
    """Back to the photo on its finding's page, with the message shown beside the photo (the
    page opens scrolled to it: a message at the top of the page would be off screen)."""
    flash(message, f"{category}{PHOTO_FLASH}{photo.id}")
    target = url_for("findings.show", finding_id=photo.finding_id) + f"#photo-{photo.id}"
    return redirect(target, code=303)


@bp.post("/photos/<int:photo_id>/redact")
def redact(photo_id: int):
    photo = _photo_or_404(photo_id, "redact_photo")
    storage = get_storage()
    try:
        regions = operations.parse_regions(request.form.get("regions"), photo.width,
                                           photo.height)
        replaced = operations.redact_photo(db.session, storage, photo, regions,
                                           actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return _back(photo, str(error.message), "error")
    still_flagged = photo.blur_flagged_at is not None
    commit_or_discard(db.session, replaced.new_keys)
    delete_files(replaced.old_keys)  # the rows no longer point at them
    message = _("The photo is masked. The previous version is deleted.")
    if still_flagged:
        message += " " + _("A manager will still check the blurring, as asked.")
    return _back(photo, message, "success")


@bp.post("/photos/<int:photo_id>/flag")
def flag(photo_id: int):
    return _flag_action(photo_id, "flag_photo", operations.flag_photo,
                        _("Thank you. A manager will look at the photo."))


@bp.post("/photos/<int:photo_id>/unflag")
def unflag(photo_id: int):
    return _flag_action(photo_id, "clear_photo_flag", operations.clear_flag,
                        _("The flag is removed."))


def _flag_action(photo_id: int, action: str, change, message: str):
    photo = _photo_or_404(photo_id, action)
    change(db.session, photo, actor=current_user)
    db.session.commit()
    return _back(photo, message, "success")


@bp.get("/privacy")
def overview():
    """Managers: photos flagged as not blurred well, and what the retention rule will delete."""
    if not can(current_user, "review_privacy"):
        abort(403)
    config = current_app.config
    due = operations.purge_expired(
        db.session, now=utcnow(), photo_months=config.get("PHOTO_RETENTION_MONTHS"),
        text_months=config.get("CONFIDENTIAL_TEXT_RETENTION_MONTHS"), dry_run=True,
    )
    personal = retention.purge_personal(db.session, now=utcnow(), config=config, dry_run=True)
    return render_template(
        "privacy/overview.html",
        personal=personal.counts,
        flagged=queries.flagged_photos(db.session),
        due=due,
        photo_months=config.get("PHOTO_RETENTION_MONTHS"),
        text_months=config.get("CONFIDENTIAL_TEXT_RETENTION_MONTHS"),
        face_blur=bool(config.get("FACE_BLUR")),
    )


# --- a person's rights: register extract (art. 15) and erasure (art. 17) -------------------

ERASE_ACTIONS = {
    OnErase.PSEUDONYM: _l("Replaced by the pseudonym"),
    OnErase.DELETE: _l("Deleted"),
    OnErase.CLEAR: _l("Cleared"),
    OnErase.REPLACE: _l("Name replaced by the pseudonym in the text"),
}
# Pages where a free text to review is edited, by table.
REVIEW_PAGES = {"findings": ("findings.show", "finding_id"), "walks": ("walks.show", "walk_id")}


def review_link(mention) -> str | None:
    page = REVIEW_PAGES.get(mention.table)
    return url_for(page[0], **{page[1]: mention.row_id}) if page else None


@bp.context_processor
def _erasure_words():
    return {"erase_actions": ERASE_ACTIONS, "review_link": review_link}


def _person(query: str | None):
    """The person asked about, or None with the reason to show by the search field."""
    if not (query or "").strip():
        return None, None
    try:
        return access.find_person(db.session, query), None
    except DomainError as error:
        return None, str(error.message)


@bp.get("/admin/people")
def people():
    """Find a person by e-mail or name: what Trygg holds about them, the register extract
    and the erasure's dry run."""
    require("person_export")
    query = request.args.get("person", "")
    person, error = _person(query)
    records = access.collect(db.session, person) if person else None
    return render_template("privacy/people.html", query=query, person=person, error=error,
                           records=records, table_label=access.table_label,
                           form=ExtractForm(person=query, language=get_locale().language))


@bp.post("/admin/people/extract")
def extract():
    require("person_export")
    form = ExtractForm()
    person, error = _person(form.person.data) if form.validate_on_submit() else (None, None)
    if person is None:
        flash(error or _("Give an e-mail address or a name."), "error")
        return redirect(url_for("privacy.people", person=form.person.data or ""), code=303)
    records = access.collect(db.session, person)
    with force_locale(form.language.data):
        data = build_extract(records, get_storage())
    erasure.record_access(db.session, current_user, records)
    db.session.commit()
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=extract_filename(records))


@bp.route("/admin/people/erase", methods=["GET", "POST"])
def erase():
    """The dry run (GET, and a refused POST), then the erasure itself (POST, confirmed)."""
    require("erase_person")
    form = EraseForm()
    query = form.person.data if request.method == "POST" else request.args.get("person", "")
    person, _reason = _person(query)
    if person is None:
        return redirect(url_for("privacy.people", person=query or ""), code=303)
    try:
        plan = erasure.plan_erasure(db.session, person, actor=current_user)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("privacy.people", person=query), code=303)
    if request.method == "POST" and form.validate_on_submit():
        erasure.erase(db.session, current_user, plan, now=utcnow())
        db.session.commit()
        return render_template("privacy/erased.html", plan=plan,
                               table_label=access.table_label)
    form.person.data = query
    status = 422 if form.errors else 200
    return render_template("privacy/erase.html", plan=plan, form=form,
                           table_label=access.table_label), status


@bp.get("/admin/record")
def record():
    """The record of processing, with each retention as the settings have it now."""
    require("view_record")
    config = current_app.config
    activities = [(a, a.retention(config)) for a in ACTIVITIES]
    return render_template("privacy/record.html", activities=activities)
