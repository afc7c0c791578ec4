"""Remediation: the findings list and map, bulk actions, the workflow actions on a finding,
the fixer's task list, possible duplicates, and the admin pages for priorities and mail."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
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
from markupsafe import Markup, escape
from sqlalchemy import Select, select
from sqlalchemy.orm.exc import StaleDataError

from app import jobs, page_cache
from app import mail as mail_service
from app.extensions import db
from app.findings import duplicates
from app.findings.photos import attach_photo, photo_keys
from app.findings.queries import finding_or_404
from app.htmx import wants_fragment
from app.i18n import local_date, locale_code
from app.labels import choices, label, options
from app.models import (
    Building,
    Category,
    District,
    Finding,
    FindingStatus,
    OutboxMail,
    PhotoKind,
    Priority,
    Severity,
    User,
    Walk,
)
from app.policy import can, get_or_404, require
from app.remediation import assignment, bp, comments, queries, workflow
from app.remediation import filters as lists
from app.remediation.bulk import bulk_apply
from app.remediation.forms import (
    AssignForm,
    BulkForm,
    CommentForm,
    FindingFilterForm,
    FixForm,
    PriorityForm,
    TransitionForm,
)
from app.remediation.page import (
    STATUS_COLOURS,
    assignable_staff,
    fill_assign_form,
    finding_page,
)
from app.services import DomainError
from app.services import photos as photo_service
from app.storage import commit_or_discard, get_storage

PER_PAGE = 25
MAP_LIMIT = 2000


@bp.app_context_processor
def remediation_helpers():
    return {"is_overdue": lists.is_overdue}


# --- list, map, bulk ---------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class FilterPart:
    """What the filter form adds to the list and map pages, rendered once per state of the
    districts, buildings, walks, categories and people it offers (page_cache scope
    "filters"), language and filter values: building its ~600 options was half of the
    list's time at a million findings."""

    html: Markup  # remediation/_filters.html
    building_html: Markup  # its building select, refreshed out of band by htmx
    active: list[str]  # the filters in use, in words
    building: str  # the building filter as kept (dropped when not in the district)
    categories: dict[int, tuple[str, str]]  # id: (icon, name), for rows and markers


def _filters_and_part(endpoint: str) -> tuple[lists.FindingFilters, FilterPart]:
    form = FindingFilterForm(request.args)
    key = (endpoint, locale_code(), tuple(sorted(
        (name, value) for name, value in request.args.items(multi=True)
        if name not in ("page", "bbox"))))
    part = page_cache.cached(db.session, "filters", key,
                             lambda: _filter_part(form, endpoint))
    form.building.data = part.building
    return lists.FindingFilters.from_form(form), part


def _filter_part(form: FindingFilterForm, endpoint: str) -> FilterPart:
    form.validate()  # says what is wrong with a bad date; the filters ignore it
    locale = locale_code()
    every = [("", _l("All"))]
    # Plain columns, not ORM objects: hundreds of options on every list and map page.
    districts = db.session.execute(select(District.id, District.name).order_by(District.name))
    form.district.choices = options(every + [(str(id_), name) for id_, name in districts])
    district_id = _int(form.district.data)
    walks = (select(Walk.id, Walk.title, Walk.planned_start)
             .order_by(Walk.planned_start.desc()).limit(300))
    if district_id:
        walks = walks.where(Walk.district_id == district_id)
    buildings = _building_choices(district_id, _int(form.building.data))
    form.building.choices = options(every + buildings)
    if form.building.data not in {value for value, _label in buildings}:
        form.building.data = ""  # e.g. a building of another district: the select says "All"
    form.walk.choices = options(every + [
        (str(id_), f"{title} · {planned_start.date().isoformat()}")
        for id_, title, planned_start in db.session.execute(walks)])
    categories = {c.id: (c.icon, c.name(locale)) for c in db.session.scalars(
        select(Category).order_by(Category.position, Category.id))}
    form.category.choices = options(every + [
        (str(id_), name) for id_, (_icon, name) in categories.items()])
    form.severity.choices = options(every) + choices(Severity)
    form.status.choices = options(
        every + [("open", _l("Open (not done)")), ("done", _l("Done or closed"))]
    ) + choices(FindingStatus)
    form.assignee.choices = options(
        every + [("-1", _l("Nobody"))]
        + [(str(u.id), u.name) for u in assignable_staff()])
    form.confidential.choices = options(
        [("", _l("All")), ("no", _l("Not confidential")), ("yes", _l("Only confidential"))])
    form.sort.choices = options((key, text) for key, (text, _order) in lists.SORTS.items())
    active = active_filters(form)
    target = "#finding-results" if endpoint == "remediation.findings" else None
    return FilterPart(
        html=Markup(render_template("remediation/_filters.html", form=form, active=active,
                                    action=url_for(endpoint), target=target)),
        building_html=Markup(render_template("remediation/_building_filter.html", form=form,
                                             building_oob=True)),
        active=active, building=form.building.data or "", categories=categories,
    )


def active_filters(form: FindingFilterForm) -> list[str]:
    """The filters in use, in words, for the one-line summary above the folded form."""
    words = []
    if form.q.data:
        words.append(f"“{form.q.data}”")
    for name in ("district", "building", "walk", "category", "status", "severity", "assignee",
                 "confidential"):
        field = form[name]
        if field.data:
            text = next((str(c.label) for c in field.choices if c.value == field.data), None)
            if text:
                words.append(text)
    if form.responsible.data:
        words.append(f"{form.responsible.label.text}: {form.responsible.data}")
    if form.overdue.data:
        words.append(str(form.overdue.label.text))
    if form.date_from.data:
        words.append(f"{form.date_from.label.text} {local_date(form.date_from.data)}")
    if form.date_to.data:
        words.append(f"{form.date_to.label.text} {local_date(form.date_to.data)}")
    return words


def _building_choices(district_id: int | None, building_id: int | None) -> list[tuple[str, str]]:
    """(id, label) of the buildings of the chosen district. Without a district there are
    tens of thousands: offer none, except the one a bookmarked URL filters on."""
    query = select(Building.id, Building.address, Building.code)
    if district_id:
        query = query.where(Building.district_id == district_id).order_by(Building.address)
    elif building_id:
        query = query.where(Building.id == building_id)
    else:
        return []
    return [(str(id_), Building.label_of(address, code))
            for id_, address, code in db.session.execute(query)]


def _bulk_form() -> BulkForm:
    form = BulkForm()
    fill_assign_form(form, None)  # same people and priorities as the single form
    form.to.choices = options([("", _l("— choose —"))] + [
        (s.value, label(s)) for s in (
            FindingStatus.ACKNOWLEDGED, FindingStatus.IN_PROGRESS, FindingStatus.FIXED,
            FindingStatus.VERIFIED, FindingStatus.WONT_FIX)])
    return form


def _query_string() -> str:
    return request.query_string.decode("utf-8", "replace")


@bp.get("/findings")
def findings():
    if not can(current_user, "list_findings"):
        abort(404)
    # Kept per state of the findings: a manager's reload costs a lookup ("5 minutes ago" in
    # its rows: a minute at most).
    return page_cache.page("findings", _findings_page, minutes=True)


def _findings_page() -> str:
    filters, part = _filters_and_part("remediation.findings")
    query = lists.filtered_findings(filters)
    page = lists.capped_page(
        db.session, lists.list_rows(query), query,
        page=request.args.get("page", 1, type=int) or 1, per_page=PER_PAGE,
        cap=lists.count_cap(filters))
    bulk = BulkForm()  # its token and where to come back; the rest is kept as HTML
    bulk.next.data = request.full_path
    bulk_actions = page_cache.cached(
        db.session, "filters", ("bulk", locale_code()),
        lambda: Markup(render_template("remediation/_bulk_actions.html", bulk=_bulk_form())))
    fragment = wants_fragment()
    return render_template(
        "remediation/_results.html" if fragment else "remediation/list.html",
        part=part, page=page, bulk=bulk, bulk_actions=bulk_actions, query=_query_string(),
        status_colours=STATUS_COLOURS, fragment=fragment,
    )


@bp.get("/findings/map")
def findings_map():
    if not can(current_user, "list_findings"):
        abort(404)
    if request.accept_mimetypes.best == "application/json":  # map.js, after a pan or zoom
        response = jsonify(points=page_cache.answer("findings", lambda: _map_request()[2]))
        response.vary.add("Accept")
        return response
    return page_cache.page("findings", _map_page)


def _map_request() -> tuple[lists.FindingFilters, FilterPart, dict, Select]:
    """The map's filters, filter form, markers and matching query for this request."""
    filters, part = _filters_and_part("remediation.findings_map")
    matching = lists.filtered_findings(filters)
    # The last box wins: map.js appends its box to the page's own URL.
    points = _map_points(matching, _bbox((request.args.getlist("bbox") or [None])[-1]),
                         part.categories)
    return filters, part, points, matching


def _map_page() -> str:
    filters, part, points, matching = _map_request()
    total, capped = lists.capped_count(db.session, matching, lists.count_cap(filters))
    return render_template(
        "remediation/map.html", part=part, points=points, total=total, capped=capped,
        point_list=_point_list(points),
        query=_query_string(), status_colours=STATUS_COLOURS, limit=MAP_LIMIT,
        status_labels=points["labels"],
    )


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """south,west,north,east from the query string, or None when absent or malformed."""
    try:
        south, west, north, east = (float(part) for part in (value or "").split(","))
    except ValueError:
        return None
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        return None
    return south, west, north, east


def _map_points(matching: Select, bbox, categories: dict[int, tuple[str, str]]) -> dict:
    """The markers of the matching findings, compactly: each a row [id, lat, lon, status,
    category id, overdue (0/1), thumbnail photo id or 0], and once per page the link
    patterns, the categories' titles and the statuses' words (map.js expands them). Read as
    plain columns, thumbnails in the same query."""
    query = (
        matching
        .with_only_columns(Finding.id, Finding.latitude, Finding.longitude, Finding.status,
                           Finding.category_id, lists.overdue_condition().label("overdue"),
                           lists.first_photo_id().label("thumb"))
        .where(Finding.latitude.is_not(None), Finding.longitude.is_not(None))
        .limit(MAP_LIMIT)
    )
    if bbox is not None:
        south, west, north, east = bbox
        query = query.where(Finding.latitude.between(south, north),
                            Finding.longitude.between(west, east))
    rows = [[id_, lat, lon, status.value, category_id, 1 if overdue else 0, thumb or 0]
            for id_, lat, lon, status, category_id, overdue, thumb
            in db.session.execute(query)]
    return {
        "url": url_for("findings.show", finding_id=1234567890).replace("1234567890", "{}"),
        "thumb": url_for("photos.serve", photo_id=1234567890, variant="thumb").replace(
            "1234567890", "{}"),
        "titles": {str(id_): f"{icon} {name} #" for id_, (icon, name) in categories.items()},
        "labels": {s.value: label(s) for s in FindingStatus},
        "rows": rows,
    }


def _point_list(points: dict) -> Markup:
    """The map's markers as list items (the map's text alternative): written here rather
    than by a template loop, which took half of the map page's time at 2,000 markers. Each
    category's title and each status's label is escaped once."""
    overdue = Markup(' <span class="badge badge-overdue">{}</span>').format(_("Overdue"))
    url = str(escape(points["url"]))
    titles = {int(id_): str(escape(title)) for id_, title in points["titles"].items()}
    badges = {status: str(Markup('<span class="badge badge-{}">{}</span>').format(status, word))
              for status, word in points["labels"].items()}
    return Markup("\n".join(
        f'<li><a href="{url.format(id_)}">{titles.get(category_id, "")}{id_}</a> '
        f'{badges[status]}{overdue if late else ""}</li>'
        for id_, _lat, _lon, status, category_id, late, _thumb in points["rows"]))


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return fallback


@bp.post("/findings/bulk")
def bulk():
    if not can(current_user, "assign_finding"):
        abort(403)
    form = _bulk_form()
    back = _safe_next(form.next.data, url_for("remediation.findings"))
    ids = [i for i in (form.ids.data or []) if i]
    if not form.validate() or not ids:
        if not ids:
            flash(_("Select at least one finding."), "error")
        else:
            flash(_("The bulk action could not be done: %(errors)s",
                    errors="; ".join(e for errs in form.errors.values() for e in errs)),
                  "error")
        return redirect(back, code=303)
    findings = db.session.scalars(
        select(Finding).where(Finding.id.in_(ids)).order_by(Finding.id)).all()
    versions = {f.id: request.form.get(f"v-{f.id}") for f in findings}
    action = request.form.get("action") or form.action.data
    notify: list[int] = []

    if action == "assign":
        assignee = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
        priority = db.session.get(Priority, form.priority_id.data) if form.priority_id.data \
            else None
        if assignee is None:
            flash(_("Choose whom to assign the findings to."), "error")
            return redirect(back, code=303)

        def act(finding, version):
            changed = assignment.assign(
                db.session, finding, actor=current_user, expected_version=version,
                assignment=assignment.Assignment(assignee=assignee, priority=priority,
                                              due_date=form.due_date.data,
                                              note=form.reason.data or ""))
            if changed:
                notify.append(finding.id)
        def done_message(n):
            return ngettext("%(num)d finding assigned.", "%(num)d findings assigned.", n)
    elif action == "status" and form.to.data:
        def act(finding, version):
            workflow.transition(db.session, finding, actor=current_user, to=form.to.data,
                               reason=form.reason.data or "", expected_version=version)
        def done_message(n):
            return ngettext("%(num)d finding changed.", "%(num)d findings changed.", n)
    else:
        flash(_("Choose a new status."), "error")
        return redirect(back, code=303)

    result = bulk_apply(db.session, findings, versions, act)
    for finding in findings:
        if finding.id in notify:
            mail_service.notify_assignment(db.session, finding, actor=current_user,
                                           config=current_app.config)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed these findings at the same time. Nothing was saved; "
                "please try again."), "error")
        return redirect(back, code=303)
    _deliver_mail()
    if result.done:
        flash(done_message(len(result.done)), "success")
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
    """One workflow form on a finding's page: validate, `change()` (returns the storage keys
    it wrote, if any), commit. None once committed, else the page to answer: 409 when
    someone else changed the finding, else 422 with the form open and the service's error
    on `error_field(error)`."""
    finding_id = finding.id

    def again(finding: Finding):
        return finding_page(finding, status=422, open_form=name, **{_FORMS[name]: form})

    if not form.validate_on_submit():
        return again(finding)
    try:
        keys = change() or ()
    except workflow.ConflictError as error:
        return _conflict(finding_id, error.message)
    except StaleDataError:
        # The change's own flush met a version someone committed after the form check.
        return _conflict(finding_id)
    except DomainError as error:
        db.session.rollback()
        error_field(error).errors = [str(error.message)]
        return again(finding_or_404(finding_id))
    return _commit_or_conflict(finding_id, keys)


def _field_named(form, default: str):
    """The form field a service error names, else `default`."""
    return lambda error: getattr(form, error.field or default, None) or getattr(form, default)


@bp.post("/findings/<int:finding_id>/assign")
def assign(finding_id: int):
    finding = finding_or_404(finding_id)
    if not can(current_user, "assign_finding", finding):
        abort(403)
    form = AssignForm()
    fill_assign_form(form, finding)

    def assign_it() -> None:
        changed = assignment.assign(
            db.session, finding, actor=current_user, expected_version=form.version.data,
            assignment=assignment.Assignment(
                assignee=db.session.get(User, form.assignee_id.data),
                priority=db.session.get(Priority, form.priority_id.data)
                if form.priority_id.data else None,
                due_date=form.due_date.data,
                responsible_party=form.responsible_party.data or "",
                planned_action=form.planned_action.data or "",
                note=form.note.data or "",
            ),
        )
        if changed:
            mail_service.notify_assignment(db.session, finding, actor=current_user,
                                           config=current_app.config)

    failed = _submit(finding, form, "assign", assign_it, _field_named(form, "assignee_id"))
    if failed:
        return failed
    _deliver_mail()
    return _after_action(finding, _("Assigned to %(name)s.", name=finding.assignee.name))


@bp.post("/findings/<int:finding_id>/status")
def change_status(finding_id: int):
    finding = finding_or_404(finding_id)
    if not can(current_user, "transition_finding", finding):
        abort(403)
    form = TransitionForm()

    def move() -> None:
        duplicate_of = None
        if form.duplicate_of_id.data:
            duplicate_of = db.session.get(Finding, form.duplicate_of_id.data)
            if duplicate_of is None or not can(current_user, "view_finding", duplicate_of):
                raise DomainError(_("There is no finding with that number."),
                                  field="duplicate_of_id")
        workflow.transition(
            db.session, finding, actor=current_user, to=form.to.data,
            note=form.note.data or "", reason=form.reason.data or "",
            referred_to=form.referred_to.data or "", duplicate_of=duplicate_of,
            expected_version=form.version.data,
        )

    def status_error_field(error: DomainError):
        target = getattr(form, error.field or "to", None)
        if target is None or error.field == "to":
            # The status field may not offer the refused target at all: say it up top too.
            flash(str(error.message), "error")
            target = form.to
        return target

    failed = _submit(finding, form, "status", move, status_error_field)
    if failed:
        return failed
    return _after_action(finding, _("The status is now “%(status)s”.",
                                    status=label(finding.status)))


def _processed_photo(form) -> object | None:
    """The optional photo sent with the form, processed; DomainError on `photo` if rejected."""
    upload = request.files.get(form.photo.name)
    if not upload or not upload.filename:
        return None
    try:
        return photo_service.process_upload(upload.read())
    except photo_service.PhotoRejected as rejected:
        raise DomainError(_("The photo was not saved: %(reason)s Choose it again and send.",
                            reason=str(rejected.message)), field="photo") from rejected


def _save_optional_photo(finding: Finding, processed, kind: PhotoKind, **extra) -> list[str]:
    """Store the photo if one came with the form; the storage keys to remove on failure."""
    if processed is None:
        return []
    photo, _created = attach_photo(db.session, get_storage(), finding, processed, kind=kind,
                                   uploaded_by_id=current_user.id, **extra)
    return photo_keys(photo)


@bp.post("/findings/<int:finding_id>/fixed")
def mark_fixed(finding_id: int):
    finding = finding_or_404(finding_id)
    if not can(current_user, "transition_finding", finding):
        abort(403)
    form = FixForm()

    def mark() -> list[str]:
        processed = _processed_photo(form)
        workflow.transition(db.session, finding, actor=current_user, to=FindingStatus.FIXED,
                           note=form.note.data or "", expected_version=form.version.data)
        return _save_optional_photo(finding, processed, PhotoKind.AFTER)

    failed = _submit(finding, form, "fix", mark,
                     lambda error: form.photo if error.field == "photo" else form.note)
    if failed:
        return failed
    flash(_("Marked as fixed. Thank you!"), "success")
    target = url_for("remediation.tasks") if can(current_user, "list_tasks") else url_for(
        "findings.show", finding_id=finding.id)
    return redirect(target, code=303)


@bp.post("/findings/<int:finding_id>/comments")
def comment(finding_id: int):
    finding = finding_or_404(finding_id)
    if not can(current_user, "comment_finding", finding):
        abort(403)
    form = CommentForm()

    def add() -> list[str]:
        processed = _processed_photo(form)
        item = comments.add_comment(db.session, finding, author=current_user,
                                   body=form.body.data)
        return _save_optional_photo(finding, processed, PhotoKind.COMMENT, comment_id=item.id)

    failed = _submit(finding, form, "comment", add,
                     lambda error: form.photo if error.field == "photo" else form.body)
    if failed:
        return failed
    flash(_("The comment is saved."), "success")
    return redirect(url_for("findings.show", finding_id=finding.id) + "#comments", code=303)


@bp.get("/findings/possible-duplicates")
def possible_duplicates():
    """Open findings of the same category within 30 m (for the add-finding form)."""
    if not can(current_user, "find_duplicates"):
        abort(404)
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
    return render_template("remediation/_duplicates.html", near=near, asked=True)


# --- managers' inboxes -------------------------------------------------------------------


# The order a manager chose for "To verify", kept in the session cookie for them (not for
# the next person to log in on the same phone).
_VERIFY_SORT = "verify_sort"


@bp.get("/inbox/verify")
def inbox_verify():
    if not can(current_user, "list_findings"):
        abort(404)
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
    back = url_for("remediation.inbox_verify", page=page.page if page.page > 1 else None)
    return render_template(
        "remediation/inbox.html", kind="verify", page=page, items=page.items,
        sort=sort, sorts=[(key, label) for key, (label, _order) in
                          queries.VERIFY_SORTS.items()],
        back=back, counts=queries.inbox_counts(db.session))


@bp.get("/inbox/new")
def inbox_new():
    if not can(current_user, "list_findings"):
        abort(404)
    return render_template("remediation/inbox.html", kind="new",
                           items=queries.new_findings(db.session),
                           back=url_for("remediation.inbox_new"),
                           counts=queries.inbox_counts(db.session),
                           limit=queries.INBOX_LIMIT)


# --- fixer --------------------------------------------------------------------------------


@bp.get("/tasks")
def tasks():
    if not can(current_user, "list_tasks"):
        abort(404)
    items = queries.my_tasks(db.session, current_user)
    return render_template("remediation/tasks.html", tasks=items)


# --- admin --------------------------------------------------------------------------------


@bp.get("/admin/outbox")
def outbox():
    require("read_outbox")
    page = db.paginate(
        select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc()),
        per_page=50, error_out=False)
    return render_template("remediation/outbox.html", page=page)


@bp.get("/admin/outbox/<int:mail_id>")
def outbox_mail(mail_id: int):
    require("read_outbox")
    item = get_or_404(OutboxMail, mail_id)
    return render_template("remediation/outbox_mail.html", mail=item)


@bp.get("/admin/priorities")
def priorities():
    require("admin")
    rows = db.session.scalars(select(Priority).order_by(Priority.position, Priority.days)).all()
    return render_template("remediation/priorities.html", priorities=rows)


@bp.route("/admin/priorities/new", methods=["GET", "POST"], defaults={"priority_id": None})
@bp.route("/admin/priorities/<int:priority_id>", methods=["GET", "POST"])
def priority(priority_id: int | None):
    require("admin")
    item = get_or_404(Priority, priority_id) if priority_id else Priority(position=0)
    form = PriorityForm(obj=item)
    if form.validate_on_submit():
        form.populate_obj(item)
        db.session.add(item)
        db.session.commit()
        flash(_("The priority is saved."), "success")
        return redirect(url_for("remediation.priorities"), code=303)
    status = 422 if form.errors else 200
    return render_template("remediation/priority_form.html", form=form, item=item), status
