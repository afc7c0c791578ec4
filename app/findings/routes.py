"""/findings and what hangs off it: recording a finding on a walk, the list and map, bulk
actions, the workflow actions on a finding, the managers' inboxes, the fixer's task list,
and the admin pages for categories, priorities and the mail outbox."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import LimitedStream

from app import jobs
from app.errors import DomainError, too_large_message
from app.extensions import db
from app.findings import bp, duplicates, listing, queries
from app.findings import filters as lists
from app.findings import operations as finding_service
from app.findings.forms import (
    AssignForm,
    CategoryForm,
    CommentForm,
    FindingForm,
    FixForm,
    PriorityForm,
    TransitionForm,
)
from app.findings.operations import workflow
from app.findings.page import fill_assign_form, finding_page
from app.findings.queries import finding_counts, finding_or_404, walk_or_404
from app.htmx import wants_fragment
from app.i18n import human_size, locale_code
from app.labels import label, options
from app.media import photos as photo_service
from app.media.photos import ProcessedPhoto
from app.models import (
    Category,
    Finding,
    OutboxMail,
    Priority,
    Walk,
)
from app.navigation import walk_url
from app.places.geo import nearest_buildings
from app.policy import can, get_or_404, require, visible_findings_clause
from app.storage import commit_or_discard, delete_files, get_storage


def _prepare(form: FindingForm, walk: Walk) -> list[Category]:
    categories = queries.categories(active_only=True)
    locale = locale_code()
    form.category_id.choices = options((c.id, c.name(locale)) for c in categories)
    form.building_id.choices = options(
        [(0, _("— not at a building / don't know —"))]
        + queries.building_choices(walk.district_id, form.building_id.data))
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
        finding = finding_or_404(args["finding_id"], may="edit_finding")
        walk = finding.walk
    else:
        walk = walk_or_404(args["walk_id"], may="add_finding")
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


def _form_response(form, walk, categories, finding=None, status=200):
    template = "findings/_form.html" if wants_fragment() else "findings/form.html"
    return (
        render_template(
            template, form=form, walk=walk, categories=categories, finding=finding,
            inline=wants_fragment(),
        ),
        status,
    )


def _service_error(form: FindingForm, error: DomainError) -> None:
    """The operation's error under the field it names (the description when none)."""
    target = getattr(form, f"{error.field}_id", None) or getattr(form, error.field or "", None)
    (target or form.description).errors = [str(error.message)]


@bp.route("/walks/<int:walk_id>/findings/new", methods=["GET", "POST"])
def new(walk_id: int):
    walk = walk_or_404(walk_id, may="add_finding")
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
        finding, keys = finding_service.record_finding(
            db.session, get_storage(), walk=walk, author=current_user, data=form.input(),
            finding_uuid=form.uuid.data, photos=processed)
    except finding_service.SentTwiceAtOnce:
        db.session.rollback()  # the other request's finding is the one: no photos again
        finding, keys = _sent_at_once(form, walk), []
    except DomainError as error:
        db.session.rollback()
        _service_error(form, error)
        return _form_response(form, walk, categories, status=422)
    commit_or_discard(db.session, keys)
    return _created(walk, finding)


def _sent_at_once(form: FindingForm, walk: Walk) -> Finding:
    finding = finding_service.replayed_finding(db.session, form.uuid.data, walk=walk,
                                               author=current_user)
    if finding is None:
        raise RuntimeError("a finding uuid clashed, and no finding has it")
    return finding


def _created(walk: Walk, finding: Finding):
    if wants_fragment():
        counts = finding_counts(db.session, [walk.id], visible_findings_clause(current_user))
        return render_template("findings/_created.html", walk=walk, finding=finding,
                               count=counts.get(walk.id, 0))
    flash(_("The finding is saved."), "success")
    return redirect(walk_url(current_user, walk), code=303)


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
    return finding_page(finding_or_404(finding_id, for_page=True))


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
def edit(finding_id: int):
    finding = finding_or_404(finding_id, may="edit_finding")
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
    try:
        keys = finding_service.edit_finding(db.session, get_storage(), finding, form.input(),
                                            actor=current_user, photos=processed)
    except DomainError as error:
        db.session.rollback()
        _service_error(form, error)
        return _form_response(form, walk, categories, finding, status=422)
    commit_or_discard(db.session, keys)
    flash(_("The finding is saved."), "success")
    return redirect(url_for("findings.show", finding_id=finding.id), code=303)


@bp.post("/findings/<int:finding_id>/delete")
def delete(finding_id: int):
    finding = finding_or_404(finding_id, may="delete_finding")
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
    photo = queries.finding_photo_or_404(finding, photo_id)
    if not can(current_user, "edit_finding", finding):
        abort(403)
    keys = finding_service.remove_photo(db.session, photo)
    db.session.commit()
    delete_files(keys)
    flash(_("The photo is deleted."), "success")
    return redirect(url_for("findings.edit", finding_id=finding.id), code=303)


@bp.app_context_processor
def remediation_helpers():
    return {"is_overdue": lists.is_overdue}


# --- list, map, bulk ---------------------------------------------------------------------


@bp.get("/findings")
def findings():
    require("list_findings")
    return listing.findings_page()


@bp.get("/findings/map")
def findings_map():
    require("list_findings")
    if request.accept_mimetypes.best == "application/json":  # map.js, after a pan or zoom
        response = current_app.response_class(
            listing.answer_json(listing.map_answer()),
            mimetype="application/json")
        response.vary.add("Accept")
        return response
    return listing.map_page()


@bp.get("/findings/buildings")
def building_suggestions():
    """The building filter's suggestions as one types (htmx fills its <datalist>)."""
    require("list_findings")
    labels = listing.building_suggestions(request.args.get("building", "")[:200],
                                          request.args.get("district", type=int))
    return render_template("findings/_building_options.html", labels=labels)


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return fallback


_BULK_DONE = {
    "assign": lambda n: ngettext("%(num)d finding assigned.", "%(num)d findings assigned.", n),
    "status": lambda n: ngettext("%(num)d finding changed.", "%(num)d findings changed.", n),
}


@bp.post("/findings/bulk")
def bulk():
    if not can(current_user, "assign_finding"):
        abort(403)
    form = listing.bulk_form()
    back = _safe_next(form.next.data, url_for("findings.findings"))
    ids = [i for i in (form.ids.data or []) if i]
    if not ids:
        flash(_("Select at least one finding."), "error")
        return redirect(back, code=303)
    if not form.validate():
        flash(_("The bulk action could not be done: %(errors)s",
                errors="; ".join(e for errs in form.errors.values() for e in errs)), "error")
        return redirect(back, code=303)
    action = request.form.get("action") or form.action.data
    try:
        result = finding_service.bulk_change(
            db.session, ids, {i: request.form.get(f"v-{i}") for i in ids},
            actor=current_user, action=action, to=form.to.data or "",
            assignment=finding_service.AssignmentInput(
                assignee_id=form.assignee_id.data, priority_id=form.priority_id.data,
                due_date=form.due_date.data, note=form.reason.data or ""),
            config=current_app.config)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back, code=303)
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed these findings at the same time. Nothing was saved; "
                "please try again."), "error")
        return redirect(back, code=303)
    _deliver_mail()
    if result.done:
        flash(_BULK_DONE[action](len(result.done)), "success")
    for finding_id, reason in result.failed:
        flash(_("#%(id)d not changed: %(reason)s", id=finding_id, reason=reason), "error")
    return redirect(back, code=303)


def _deliver_mail() -> None:
    """Send queued mail in the background when SMTP is configured (never in the request: a
    slow mail server must not hold up the page); a failure stays in the outbox."""
    if current_app.config.get("MAIL_SERVER"):
        jobs.enqueue("deliver_mail")


# --- one finding --------------------------------------------------------------------------


def _conflict(finding_id: int, message=None):
    db.session.rollback()
    finding = finding_or_404(finding_id)
    return finding_page(
        finding, status=409,
        conflict=str(message or _l(
            "Someone else changed this finding while you were working on it. Nothing of "
            "yours was saved: check its current state below and try again.")),
    )


def _commit_or_conflict(finding_id: int, keys=()):
    """Commit; None when fine, else the 409 page (stored files of the attempt removed)."""
    try:
        commit_or_discard(db.session, keys)
    except StaleDataError:
        return _conflict(finding_id)
    return None


def _after_action(finding: Finding, message: str):
    flash(message, "success")
    return redirect(_safe_next(request.form.get("next"),
                               url_for("findings.show", finding_id=finding.id)), code=303)


# The workflow forms on a finding's page: open_form name → finding_page's argument.
_FORMS = {"assign": "assign_form", "status": "transition_form", "fix": "fix_form",
          "comment": "comment_form"}


def _submit(finding: Finding, form, name: str, change, error_field):
    """One workflow form on a finding's page: validate, `change()` (one operation; a list it
    returns is the storage keys it wrote), commit. None once committed, else the page to
    answer: 409 when someone else changed the finding, else 422 with the form open and the
    service's error on `error_field(error)`."""
    finding_id = finding.id

    def again(finding: Finding):
        return finding_page(finding, status=422, open_form=name, **{_FORMS[name]: form})

    if not form.validate_on_submit():
        return again(finding)
    try:
        done = change()
    except workflow.ConflictError as error:
        return _conflict(finding_id, error.message)
    except StaleDataError:
        # The change's own flush met a version someone committed after the form check.
        return _conflict(finding_id)
    except DomainError as error:
        db.session.rollback()
        error_field(error).errors = [str(error.message)]
        return again(finding_or_404(finding_id))
    return _commit_or_conflict(finding_id, done if isinstance(done, list) else ())


def _field_named(form, default: str):
    """The form field a service error names, else `default`."""
    return lambda error: getattr(form, error.field or default, None) or getattr(form, default)


@bp.post("/findings/<int:finding_id>/assign")
def assign(finding_id: int):
    finding = finding_or_404(finding_id, may="assign_finding")
    form = AssignForm()
    fill_assign_form(form, finding)
    failed = _submit(finding, form, "assign", lambda: finding_service.assign_finding(
        db.session, finding, finding_service.AssignmentInput(
            assignee_id=form.assignee_id.data, priority_id=form.priority_id.data,
            due_date=form.due_date.data,
            responsible_party=form.responsible_party.data or "",
            planned_action=form.planned_action.data or "", note=form.note.data or ""),
        actor=current_user, expected_version=form.version.data, config=current_app.config,
    ), _field_named(form, "assignee_id"))
    if failed:
        return failed
    _deliver_mail()
    return _after_action(finding, _("Assigned to %(name)s.", name=finding.assignee.name))


@bp.post("/findings/<int:finding_id>/status")
def change_status(finding_id: int):
    finding = finding_or_404(finding_id, may="transition_finding")
    form = TransitionForm()

    def status_error_field(error: DomainError):
        target = getattr(form, error.field or "to", None)
        if target is None or error.field == "to":
            # The status field may not offer the refused target at all: say it up top too.
            flash(str(error.message), "error")
            target = form.to
        return target

    failed = _submit(finding, form, "status", lambda: finding_service.change_status(
        db.session, finding, actor=current_user, to=form.to.data, note=form.note.data or "",
        reason=form.reason.data or "", referred_to=form.referred_to.data or "",
        duplicate_of_id=form.duplicate_of_id.data, expected_version=form.version.data,
    ), status_error_field)
    if failed:
        return failed
    return _after_action(finding, _("The status is now “%(status)s”.",
                                    status=label(finding.status)))


def _processed_photo(form) -> ProcessedPhoto | None:
    """The optional photo sent with the form, processed; DomainError on `photo` if rejected."""
    upload = request.files.get(form.photo.name)
    if not upload or not upload.filename:
        return None
    try:
        return photo_service.process_upload(upload.read())
    except photo_service.PhotoRejected as rejected:
        raise DomainError(_("The photo was not saved: %(reason)s Choose it again and send.",
                            reason=str(rejected.message)), field="photo") from rejected


@bp.post("/findings/<int:finding_id>/fixed")
def mark_fixed(finding_id: int):
    finding = finding_or_404(finding_id, may="transition_finding")
    form = FixForm()
    failed = _submit(finding, form, "fix", lambda: finding_service.mark_fixed(
        db.session, get_storage(), finding, actor=current_user, note=form.note.data or "",
        expected_version=form.version.data, photo=_processed_photo(form),
    ), lambda error: form.photo if error.field == "photo" else form.note)
    if failed:
        return failed
    flash(_("Marked as fixed. Thank you!"), "success")
    target = url_for("findings.tasks") if can(current_user, "list_tasks") else url_for(
        "findings.show", finding_id=finding.id)
    return redirect(target, code=303)


@bp.post("/findings/<int:finding_id>/comments")
def comment(finding_id: int):
    finding = finding_or_404(finding_id, may="comment_finding")
    form = CommentForm()
    failed = _submit(finding, form, "comment", lambda: finding_service.comment_finding(
        db.session, get_storage(), finding, author=current_user, body=form.body.data,
        photo=_processed_photo(form),
    ), lambda error: form.photo if error.field == "photo" else form.body)
    if failed:
        return failed
    flash(_("The comment is saved."), "success")
    return redirect(url_for("findings.show", finding_id=finding.id) + "#comments", code=303)


@bp.get("/findings/possible-duplicates")
def possible_duplicates():
    """Open findings of the same category within 30 m (for the add-finding form)."""
    require("find_duplicates")
    lat = request.args.get("lat", type=float, default=request.args.get("latitude", type=float))
    lon = request.args.get("lon", type=float,
                           default=request.args.get("longitude", type=float))
    category_id = request.args.get("category_id", type=int)
    exclude = request.args.get("exclude", type=int)
    near = [
        n for n in duplicates.possible_duplicates(db.session, lat, lon, category_id,
                                               exclude_id=exclude)
        if can(current_user, "view_finding", n.finding)
    ]
    return render_template("findings/_duplicates.html", near=near, asked=True)


# --- managers' inboxes -------------------------------------------------------------------


# The order a manager chose for "To verify", kept in the session cookie for them (not for
# the next person to log in on the same phone).
_VERIFY_SORT = "verify_sort"


@bp.get("/inbox/verify")
def inbox_verify():
    require("list_findings")
    mine = f"{current_user.id}:"
    sort = request.args.get("sort")
    if sort in queries.VERIFY_SORTS:
        cookie_session[_VERIFY_SORT] = mine + sort
    else:
        kept = str(cookie_session.get(_VERIFY_SORT, ""))
        sort = kept.removeprefix(mine) if kept.startswith(mine) else ""
        sort = sort if sort in queries.VERIFY_SORTS else queries.VERIFY_SORT_DEFAULT
    page = queries.to_verify(sort, request.args.get("page", 1, type=int))
    # A verified or reopened card brings the manager back to the page it was on.
    back = url_for("findings.inbox_verify", page=page.page if page.page > 1 else None)
    return render_template(
        "findings/inbox.html", kind="verify", page=page, items=page.items,
        sort=sort, sorts=[(key, label) for key, (label, _order) in
                          queries.VERIFY_SORTS.items()],
        back=back, counts=queries.inbox_counts(db.session))


@bp.get("/inbox/new")
def inbox_new():
    require("list_findings")
    return render_template("findings/inbox.html", kind="new",
                           items=queries.new_findings(db.session),
                           back=url_for("findings.inbox_new"),
                           counts=queries.inbox_counts(db.session),
                           limit=queries.INBOX_LIMIT)


# --- fixer --------------------------------------------------------------------------------


@bp.get("/tasks")
def tasks():
    require("list_tasks")
    items = queries.my_tasks(db.session, current_user)
    return render_template("findings/tasks.html", tasks=items)


# --- admin --------------------------------------------------------------------------------


@bp.get("/admin/outbox")
def outbox():
    require("read_outbox")
    return render_template("findings/outbox.html", page=queries.outbox_page())


@bp.get("/admin/outbox/<int:mail_id>")
def outbox_mail(mail_id: int):
    require("read_outbox")
    item = get_or_404(OutboxMail, mail_id)
    return render_template("findings/outbox_mail.html", mail=item)


def _admin_edit(item, form, save, *, template: str, saved: str, back: str):
    """An admin's edit page for one thing findings are filed under (a category, a
    priority): validate, `save(session, item, values)`, commit, back to the list; else the
    form again (422) with the operation's error under the field it names."""
    if form.validate_on_submit():
        try:
            save(db.session, item, {f.name: f.data for f in form if f.name != "csrf_token"})
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            if field is None:
                flash(str(error.message), "error")
            else:
                field.errors = [*field.errors, str(error.message)]
        else:
            db.session.commit()
            flash(saved, "success")
            return redirect(back, code=303)
    status = 422 if form.errors else 200
    return render_template(template, form=form, item=item), status


@bp.get("/admin/priorities")
def priorities():
    require("admin")
    return render_template("findings/priorities.html", priorities=queries.priorities())


@bp.route("/admin/priorities/new", methods=["GET", "POST"], defaults={"priority_id": None})
@bp.route("/admin/priorities/<int:priority_id>", methods=["GET", "POST"])
def priority(priority_id: int | None):
    require("admin")
    item = get_or_404(Priority, priority_id) if priority_id else Priority(position=0)
    return _admin_edit(item, PriorityForm(obj=item), finding_service.save_priority,
                       template="findings/priority_form.html",
                       saved=_("The priority is saved."), back=url_for("findings.priorities"))


@bp.get("/admin/categories")
def categories():
    require("admin")
    return render_template("findings/categories.html", categories=queries.categories())


@bp.route("/admin/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
def category(category_id: int | None):
    require("admin")
    item = get_or_404(Category, category_id) if category_id else Category(active=True)
    return _admin_edit(item, CategoryForm(obj=item), finding_service.save_category,
                       template="findings/category_form.html",
                       saved=_("The category is saved."), back=url_for("findings.categories"))
