"""Redacting a photo by hand, flagging one as not blurred well, the managers' list."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.models import Photo, utcnow
from app.policy import can, get_or_404
from app.privacy import PHOTO_FLASH, bp, operations, queries
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
    return render_template(
        "privacy/overview.html",
        flagged=queries.flagged_photos(db.session),
        due=due,
        photo_months=config.get("PHOTO_RETENTION_MONTHS"),
        text_months=config.get("CONFIDENTIAL_TEXT_RETENTION_MONTHS"),
        face_blur=bool(config.get("FACE_BLUR")),
    )
