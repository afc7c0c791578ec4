"""The findings list and map pages: the filter form (rendered once per state of what it
offers), a page of rows, the map's markers and their text alternative."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Select, select

from app import page_cache
from app.extensions import db
from app.findings import filters as lists
from app.findings.forms import BulkForm, FindingFilterForm
from app.findings.page import assignable_staff, fill_assign_form
from app.htmx import wants_fragment
from app.i18n import local_date, locale_code
from app.labels import STATUS_COLOURS, choices, label, options
from app.models import Building, Category, District, Finding, FindingStatus, Severity, Walk

PER_PAGE = 25
MAP_LIMIT = 2000


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

    html: Markup  # findings/_filters.html
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
    target = "#finding-results" if endpoint == "findings.findings" else None
    return FilterPart(
        html=Markup(render_template("findings/_filters.html", form=form, active=active,
                                    action=url_for(endpoint), target=target)),
        building_html=Markup(render_template("findings/_building_filter.html", form=form,
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


def bulk_form() -> BulkForm:
    form = BulkForm()
    fill_assign_form(form, None)  # same people and priorities as the single form
    form.to.choices = options([("", _l("— choose —"))] + [
        (s.value, label(s)) for s in (
            FindingStatus.ACKNOWLEDGED, FindingStatus.IN_PROGRESS, FindingStatus.FIXED,
            FindingStatus.VERIFIED, FindingStatus.WONT_FIX)])
    return form


def _query_string() -> str:
    return request.query_string.decode("utf-8", "replace")


def findings_page() -> str:
    filters, part = _filters_and_part("findings.findings")
    query = lists.filtered_findings(filters)
    page = lists.capped_page(
        db.session, lists.list_rows(query), query,
        page=request.args.get("page", 1, type=int) or 1, per_page=PER_PAGE,
        cap=lists.count_cap(filters))
    bulk = BulkForm()  # its token and where to come back; the rest is kept as HTML
    bulk.next.data = request.full_path
    bulk_actions = page_cache.cached(
        db.session, "filters", ("bulk", locale_code()),
        lambda: Markup(render_template("findings/_bulk_actions.html", bulk=bulk_form())))
    fragment = wants_fragment()
    return render_template(
        "findings/_results.html" if fragment else "findings/list.html",
        part=part, page=page, bulk=bulk, bulk_actions=bulk_actions, query=_query_string(),
        status_colours=STATUS_COLOURS, fragment=fragment,
    )


def map_request() -> tuple[lists.FindingFilters, FilterPart, dict, Select]:
    """The map's filters, filter form, markers and matching query for this request."""
    filters, part = _filters_and_part("findings.findings_map")
    matching = lists.filtered_findings(filters)
    # The last box wins: map.js appends its box to the page's own URL.
    points = _map_points(matching, _bbox((request.args.getlist("bbox") or [None])[-1]),
                         part.categories)
    return filters, part, points, matching


def map_page() -> str:
    filters, part, points, matching = map_request()
    total, capped = lists.capped_count(db.session, matching, lists.count_cap(filters))
    return render_template(
        "findings/map.html", part=part, points=points, total=total, capped=capped,
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

