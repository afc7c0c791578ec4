from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import LimitedStream

from app import page_cache
from app.errors import too_large_message
from app.extensions import db
from app.findings import bp
from app.findings import operations as finding_service
from app.findings.forms import FindingForm
from app.findings.photos import attach_photo, photo_keys
from app.findings.photos import delete_photo as delete_photo_operation
from app.findings.queries import finding_or_404
from app.htmx import wants_fragment
from app.i18n import human_size, locale_code
from app.labels import options
from app.models import Building, Category, Finding, Photo, PhotoKind, Walk
from app.policy import can, visible_findings_clause
from app.services import DomainError
from app.services import photos as photo_service
from app.services.geo import nearest_buildings
from app.storage import commit_or_discard, delete_files, get_storage
from app.walks.queries import finding_counts, walk_or_404


def _prepare(form: FindingForm, walk: Walk) -> list[Category]:
    categories = db.session.scalars(
        select(Category).where(Category.active).order_by(Category.position, Category.id)
    ).all()
    locale = locale_code()
    form.category_id.choices = options((c.id, c.name(locale)) for c in categories)
    buildings = db.session.scalars(
        select(Building).where(Building.district_id == walk.district_id).order_by(Building.address)
    ).all()
    pairs = [(0, _("— not at a building / don't know —"))] + [(b.id, b.label) for b in buildings]
    if form.building_id.data and form.building_id.data not in {b.id for b in buildings}:
        chosen = db.session.get(Building, form.building_id.data)
        if chosen is not None:
            pairs.append((chosen.id, chosen.label))
    form.building_id.choices = options(pairs)
    return categories


class _Discard:
    """Where the file parts of a too-large form go: nowhere (only its text fields are kept)."""

    def write(self, data: bytes) -> int:
        return len(data)

    def seek(self, *args) -> int:
        return 0

    def read(self, *args) -> bytes:
        return b""

    def tell(self) -> int:
        return 0


def _text_fields_of_too_large_form() -> MultiDict | None:
    """The text fields of a form over MAX_CONTENT_LENGTH, its photos thrown away unread:
    the walker gets the form back with what they typed, not a bare 413 page. None when the
    body is not read (far over the limit, or not a form): then nothing of it is kept."""
    length = request.content_length or 0
    if request.mimetype != "multipart/form-data" or length > 4 * current_app.config.get(
        "MAX_CONTENT_LENGTH", length
    ):
        return None
    parser = FormDataParser(
        stream_factory=lambda *args, **kwargs: _Discard(),
        max_form_memory_size=1024 * 1024,
        max_content_length=None,
    )
    stream = LimitedStream(request.environ["wsgi.input"], length)
    try:
        _, form, _files = parser.parse(stream, request.mimetype, length, request.mimetype_params)
    except (ValueError, RequestEntityTooLarge):
        return None
    return form


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    endpoint, args = request.endpoint, request.view_args or {}
    fields = None
    if request.method == "POST" and endpoint in {"findings.new", "findings.edit"}:
        fields = _text_fields_of_too_large_form()
    if fields is None:
        return render_template("errors/error.html", title=_("Too large"),
                               message=too_large_message()), 413
    finding = None
    if endpoint == "findings.edit":
        finding = finding_or_404(args["finding_id"])
        walk = finding.walk
        allowed = can(current_user, "edit_finding", finding)
    else:
        walk = walk_or_404(args["walk_id"])
        allowed = can(current_user, "add_finding", walk)
    if not allowed:
        abort(403)
    form = FindingForm(formdata=fields)
    categories = _prepare(form, walk)
    if not form.uuid.data and finding is None:
        form.uuid.data = finding_service.new_uuid()
    form.photos.errors = [
        _("The photos were too large together (at most %(size)s at a time). Nothing was "
          "saved; your text is kept. Choose fewer or smaller photos and save again.",
          size=human_size(current_app.config["MAX_CONTENT_LENGTH"]))
    ]
    return _form_response(form, walk, categories, finding, status=413)


def _photos_not_kept(form: FindingForm) -> None:
    """A refused plain form cannot give its files back: say so where the photos are."""
    if any(f and f.filename for f in request.files.getlist("photos")) and not form.photos.errors:
        form.photos.errors = [_("Nothing was saved: choose the photos again before you save.")]


def _uploads() -> list[bytes]:
    return [f.read() for f in request.files.getlist("photos") if f and f.filename]


def _process_uploads(form: FindingForm) -> list | None:
    """Every uploaded photo processed, or None with the reason on the photos field."""
    processed = []
    for number, data in enumerate(_uploads(), start=1):
        try:
            processed.append(photo_service.process_upload(data))
        except photo_service.PhotoRejected as rejected:
            form.photos.errors = [
                _("Photo %(number)d: %(reason)s", number=number, reason=str(rejected.message)),
                _("Nothing was saved. Choose the photos again and send."),
            ]
            return None
    return processed


def _save_photos(finding: Finding, processed: list) -> list[str]:
    keys = []
    storage = get_storage()
    for item in processed:
        photo, _created = attach_photo(db.session, storage, finding, item,
                                       kind=PhotoKind.FINDING, uploaded_by_id=current_user.id)
        keys += photo_keys(photo)
    return keys


def _form_response(form, walk, categories, finding=None, status=200):
    template = "findings/_form.html" if wants_fragment() else "findings/form.html"
    return (
        render_template(
            template, form=form, walk=walk, categories=categories, finding=finding,
            inline=wants_fragment(),
        ),
        status,
    )


@bp.route("/walks/<int:walk_id>/findings/new", methods=["GET", "POST"])
def new(walk_id: int):
    walk = walk_or_404(walk_id)
    if not can(current_user, "add_finding", walk):
        abort(403)
    form = FindingForm()
    categories = _prepare(form, walk)
    if request.method == "GET":
        form.uuid.data = finding_service.new_uuid()
        return _form_response(form, walk, categories)

    if not form.validate_on_submit():
        _photos_not_kept(form)
        return _form_response(form, walk, categories, status=422)
    processed = _process_uploads(form)
    if processed is None:
        return _form_response(form, walk, categories, status=422)
    try:
        finding, created = finding_service.create_finding(
            db.session, walk=walk, author=current_user, data=form.input(),
            finding_uuid=form.uuid.data,
        )
        keys = _save_photos(finding, processed) if created else []
    except DomainError as error:
        db.session.rollback()
        target = getattr(form, f"{error.field}_id", None) or getattr(form, error.field or "", None)
        (target or form.description).errors = [str(error.message)]
        return _form_response(form, walk, categories, status=422)
    commit_or_discard(db.session, keys)

    if wants_fragment():
        counts = finding_counts(db.session, [walk.id], visible_findings_clause(current_user))
        return render_template("findings/_created.html", walk=walk, finding=finding,
                               count=counts.get(walk.id, 0))
    flash(_("The finding is saved."), "success")
    return redirect(url_for("walks.show", walk_id=walk.id), code=303)


@bp.get("/walks/<int:walk_id>/buildings/near")
def near(walk_id: int):
    walk = walk_or_404(walk_id)
    lat = request.args.get("lat", type=float)
    lon = request.args.get("lon", type=float)
    near = []
    if lat is not None and lon is not None:
        near = nearest_buildings(
            db.session, lat, lon,
            radius_m=current_app.config["NEAREST_RADIUS_M"],
            limit=current_app.config["NEAREST_LIMIT"],
        )
    return render_template("findings/_near.html", near=near, walk=walk)


@bp.get("/findings/<int:finding_id>")
def show(finding_id: int):
    finding = finding_or_404(finding_id)  # who may see it: checked on every request
    from app.remediation.page import finding_page  # the page shows the remediation too

    # Kept per state of the findings, as this user sees it (their forms, their actions).
    return page_cache.page("findings", lambda: finding_page(finding)[0])


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
def edit(finding_id: int):
    finding = finding_or_404(finding_id)
    if not can(current_user, "edit_finding", finding):
        abort(403)
    walk = finding.walk
    form = FindingForm(obj=finding)
    categories = _prepare(form, walk)
    if request.method == "GET":
        form.building_id.data = finding.building_id or 0
        form.severity.data = finding.severity.value
        form.place_type.data = finding.place_type.value
        return _form_response(form, walk, categories, finding)
    if not form.validate_on_submit():
        _photos_not_kept(form)
        return _form_response(form, walk, categories, finding, status=422)
    processed = _process_uploads(form)
    if processed is None:
        return _form_response(form, walk, categories, finding, status=422)
    from app.remediation.timeline import record_changes, snapshot

    before = snapshot(finding)
    try:
        finding_service.update_finding(db.session, finding, form.input())
        record_changes(db.session, finding, before, actor=current_user)  # category, building
        keys = _save_photos(finding, processed)
    except DomainError as error:
        db.session.rollback()
        target = getattr(form, f"{error.field}_id", None) or getattr(form, error.field or "", None)
        (target or form.description).errors = [str(error.message)]
        return _form_response(form, walk, categories, finding, status=422)
    commit_or_discard(db.session, keys)
    flash(_("The finding is saved."), "success")
    return redirect(url_for("findings.show", finding_id=finding.id), code=303)


@bp.post("/findings/<int:finding_id>/delete")
def delete(finding_id: int):
    finding = finding_or_404(finding_id)
    if not can(current_user, "delete_finding", finding):
        abort(403)
    walk_id = finding.walk_id
    try:
        keys = finding_service.delete_finding(db.session, finding)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("findings.show", finding_id=finding.id), code=303)
    db.session.commit()
    delete_files(keys)
    flash(_("The finding is deleted."), "success")
    return redirect(url_for("walks.show", walk_id=walk_id), code=303)


@bp.post("/findings/<int:finding_id>/photos/<int:photo_id>/delete")
def delete_photo(finding_id: int, photo_id: int):
    finding = finding_or_404(finding_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.finding_id != finding.id:
        abort(404)
    if not can(current_user, "edit_finding", finding):
        abort(403)
    keys = delete_photo_operation(db.session, photo)
    db.session.commit()
    delete_files(keys)
    flash(_("The photo is deleted."), "success")
    return redirect(url_for("findings.edit", finding_id=finding.id), code=303)
