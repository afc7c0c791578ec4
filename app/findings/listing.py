"""The findings list and map pages: the filter form (its option lists kept per state of
what they offer), a page of rows, the map's markers and their text alternative."""

from __future__ import annotations

import math
from dataclasses import dataclass

import orjson
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)

from app import page_cache
from app.extensions import db
from app.findings import fact_list
from app.findings import filters as lists
from app.findings.forms import BulkForm, FindingFilterForm
from app.findings.page import assignable_staff, fill_assign_form
from app.forms import WrittenSelect, option_html
from app.htmx import wants_fragment
from app.i18n import local_date, locale_code
from app.labels import STATUS_COLOURS, choices, label, options
from app.models import Building, Category, District, Finding, FindingStatus, Severity, Walk
from app.search import building_text_query, dialect_name, searches_texts

PER_PAGE = 25
MAP_LIMIT = 2000


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class FilterPart:
    """What the filter form adds to the list and map pages. Rendered on every request from
    option lists kept per state of what they offer (FilterChoices): a filter combination
    never seen before costs ~2 ms, not a new form (~150 ms at a million findings, and a
    kept copy per combination in every worker)."""

    html: Markup  # findings/_filters.html
    building_html: Markup  # its building and walk fields, refreshed out of band by htmx
    # (only in the list's htmx fragment; empty otherwise)
    active: list[str]  # the filters in use, in words
    categories: dict[int, tuple[str, str]]  # id: (icon, name), for rows and markers
    # The search's text when it is too short for the findings' texts (app.search.
    # searches_texts): the note under the count says where it was looked for.
    places_only: str | None = None


@dataclass(frozen=True)
class Choices:
    """One select's options: as HTML once (forms.WrittenSelect marks the chosen one), and
    each value's words for the summary of the filters in use."""

    html: str
    words: dict[str, str]

    @classmethod
    def of(cls, pairs) -> Choices:
        pairs = [(str(value), str(text)) for value, text in pairs]
        return cls(option_html(pairs), dict(pairs))


@dataclass(frozen=True)
class FilterChoices:
    """The filter form's option lists in one language, kept per state of the districts,
    categories and people they offer (page_cache scope "filters")."""

    selects: dict[str, Choices]
    categories: dict[int, tuple[str, str]]


def _filter_choices() -> FilterChoices:
    locale = locale_code()
    every = [("", _l("All"))]
    # Plain columns, not ORM objects.
    districts = db.session.execute(select(District.id, District.name).order_by(District.name))
    categories = {c.id: (c.icon, c.name(locale)) for c in db.session.scalars(
        select(Category).order_by(Category.position, Category.id))}
    words = {
        "district": every + [(id_, name) for id_, name in districts],
        "category": every + [(id_, name) for id_, (_icon, name) in categories.items()],
        "severity": every + [(c.value, c.label) for c in choices(Severity)],
        "status": every + [("open", _l("Open (not done)")), ("done", _l("Done or closed"))]
        + [(c.value, c.label) for c in choices(FindingStatus)],
        "assignee": every + [("-1", _l("Nobody"))]
        + [(u.id, u.name) for u in assignable_staff()],
        "confidential": every + [("no", _l("Not confidential")),
                                 ("yes", _l("Only confidential"))],
        "sort": [(key, text) for key, (text, _order) in lists.SORTS.items()],
    }
    return FilterChoices({name: Choices.of(pairs) for name, pairs in words.items()},
                         categories)


def filter_choices() -> FilterChoices:
    return page_cache.cached(db.session, "filters", ("filter-choices", locale_code()),
                             _filter_choices)


WALK_OPTIONS = 300


def _walk_choices(district_id: int | None, walk_id: int | None) -> Choices:
    """The walks of the chosen district, newest first, kept per district; without a
    district only the walk a link filters on (a walk's findings are linked from its page)."""
    def walks(query=None) -> Choices:
        rows = db.session.execute(query) if query is not None else ()
        return Choices.of([("", _l("All"))] + [
            (id_, f"{title} · {planned_start.date().isoformat()}")
            for id_, title, planned_start in rows])

    query = select(Walk.id, Walk.title, Walk.planned_start)
    if district_id:
        return page_cache.cached(
            db.session, "filters", ("filter-walks", locale_code(), district_id),
            lambda: walks(query.where(Walk.district_id == district_id)
                          .order_by(Walk.planned_start.desc()).limit(WALK_OPTIONS)))
    return walks(query.where(Walk.id == walk_id) if walk_id else None)


def _kept_building(form: FindingFilterForm) -> str:
    """The building filter as the form shows it: a building's id (from a link) becomes its
    label, and is dropped when it lies outside the chosen district; typed text stays."""
    value = (form.building.data or "").strip()
    if not value.isdigit():
        return value
    row = db.session.execute(
        select(Building.address, Building.code, Building.district_id)
        .where(Building.id == int(value[:18]))).first()
    district_id = _int(form.district.data)
    if row is None or (district_id and row.district_id != district_id):
        return ""
    return Building.label_of(row.address, row.code)


def filters_of(form: FindingFilterForm) -> lists.FindingFilters:
    """The request's filters (the map's answer needs no form)."""
    form.building.data = _kept_building(form)
    return lists.FindingFilters.from_form(form)


def _filters_and_part(endpoint: str) -> tuple[lists.FindingFilters, FilterPart]:
    form = FindingFilterForm(request.args)
    form.validate()  # says what is wrong with a bad date; the filters ignore it
    filters = filters_of(form)
    kept = filter_choices()
    selects = dict(kept.selects)
    selects["walk"] = _walk_choices(filters.district_id, filters.walk_id)
    for name, choices_ in selects.items():
        form[name].widget = WrittenSelect(choices_.html)
    active = active_filters(form, selects)
    target = "#finding-results" if endpoint == "findings.findings" else None
    building_html = Markup()
    if target and wants_fragment():
        building_html = Markup(render_template("findings/_building_filter.html", form=form,
                                               building_oob=True))
    part = FilterPart(
        html=Markup(render_template("findings/_filters.html", form=form, active=active,
                                    action=url_for(endpoint), target=target)),
        building_html=building_html, active=active, categories=kept.categories,
        places_only=filters.q if filters.q and not searches_texts(filters.q) else None,
    )
    return filters, part


def building_suggestions(text: str, district_id: int | None) -> list[str]:
    """Labels of up to 20 buildings whose address or code contains `text` (of the district,
    if one is chosen), for the building field's suggestions."""
    text = text.strip()
    if len(text) < 2 or (not district_id and len(text) < 3):
        return []
    query = select(Building.address, Building.code).where(
        Building.id.in_(building_text_query(text, dialect_name(db.session))))
    if district_id:
        query = query.where(Building.district_id == district_id)
    return [Building.label_of(address, code) for address, code in db.session.execute(
        query.order_by(Building.address, Building.code).limit(20))]


def active_filters(form: FindingFilterForm, selects: dict[str, Choices]) -> list[str]:
    """The filters in use, in words, for the one-line summary above the folded form."""
    words = []
    if form.q.data:
        words.append(f"“{form.q.data}”")
    for name in ("district", "building", "walk", "category", "status", "severity", "assignee",
                 "confidential"):
        value = form[name].data
        text = value if name == "building" else selects[name].words.get(value or "")
        if value and text:
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
    number = request.args.get("page", 1, type=int) or 1
    page = _list_page(filters, number)
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


def _list_page(filters: lists.FindingFilters, number: int) -> lists.CappedPage:
    """The list's page of rows: without a text to match, from statements built once per
    shape (lists.shaped_page); else built for the request."""
    if fact_list.applies(db.session, filters):
        return fact_list.fact_page(db.session, filters, page=number, per_page=PER_PAGE)
    if lists.shaped(filters):
        return lists.shaped_page(db.session, filters, page=number, per_page=PER_PAGE)
    query = lists.filtered_findings(filters)

    def rows(limit: int, offset: int, among: list[int] | None):
        return lists.list_rows(lists.chosen_first(
            query, filters.sort, limit=limit, offset=offset, among=among,
            bounded=bool(filters.district_id), many=bool(filters.q) and among is None))

    return lists.district_search_page(
        db.session, query, filters, rows, page=number, per_page=PER_PAGE) or lists.capped_page(
        db.session, rows, query, page=number, per_page=PER_PAGE,
        cap=lists.count_cap(filters))


def map_answer() -> dict:
    """The map's markers after a pan or zoom (map.js asks for JSON): no filter form."""
    filters = filters_of(FindingFilterForm(request.args))
    return _map_points(lists.filtered_findings(filters), filters, _last_bbox(),
                       filter_choices().categories)


def answer_json(points: dict) -> bytes:
    """The map's JSON answer, written by orjson: 0.2 ms for 2,000 markers where Flask's
    json.dumps took 1.9 ms (a sixth of the answer's CPU)."""
    return orjson.dumps({"points": points})


def _last_bbox():
    # The last box wins: map.js appends its box to the page's own URL.
    return _bbox((request.args.getlist("bbox") or [None])[-1])


def map_page() -> str:
    filters, part = _filters_and_part("findings.findings_map")
    matching = lists.filtered_findings(filters)
    points = _map_points(matching, filters, _last_bbox(), part.categories)
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


def _map_points(matching: Select, filters: lists.FindingFilters, bbox,
                categories: dict[int, tuple[str, str]]) -> dict:
    """The markers of the matching findings, compactly: each a row [id, lat, lon, status,
    category id, overdue (0/1), thumbnail photo id or 0], and once per page the link
    patterns, the categories' titles and the statuses' words (map.js expands them). Read as
    plain columns, thumbnails in the same query; the first MAP_LIMIT in the list's order,
    chosen by their ids (a box may hold tens of thousands)."""
    matching = matching.where(Finding.latitude.is_not(None), Finding.longitude.is_not(None))
    if bbox is not None:
        south, west, north, east = bbox
        matching = matching.where(Finding.latitude.between(south, north),
                                  Finding.longitude.between(west, east))
    dialect = dialect_name(db.session)
    if dialect == "postgresql" and not filters.district_id:
        query = _markers_from_index(_in_bands(matching, bbox), filters.sort)
    else:
        query = lists.chosen_first(matching, filters.sort, limit=MAP_LIMIT,
                                   bounded=bool(filters.district_id)).with_only_columns(
            *_marker_columns(dialect, Finding.id, Finding.latitude, Finding.longitude,
                             Finding.status, Finding.category_id, lists.overdue_condition(),
                             lists.first_photo_id()))
    # Plain columns on the session's connection, each as the answer writes it: up to 2,000
    # rows past the ORM's loading and any work per row in Python.
    rows = [tuple(row) for row in db.session.connection().execute(query).all()]
    return {
        "url": url_for("findings.show", finding_id=1234567890).replace("1234567890", "{}"),
        "thumb": url_for("photos.serve", photo_id=1234567890, variant="thumb").replace(
            "1234567890", "{}"),
        # Plain text in a Leaflet tooltip: no emoji (a phone without an emoji font shows a box).
        "titles": {str(id_): f"{name} #" for id_, (_icon, name) in categories.items()},
        "labels": {s.value: label(s) for s in FindingStatus},
        "rows": rows,
    }


# What a sort orders by besides the markers' own columns and created_at.
_SORT_COLUMNS = {"severity": (Finding.severity,), "updated": (Finding.updated_at,)}


def _marker_columns(dialect: str, id_, latitude, longitude, status, category_id, overdue,
                    thumb) -> list:
    """A marker's columns as the answer writes them, computed by the database: positions to
    6 decimals (~0.1 m, past any phone's fix; a float's 15-17 digits made 2,000 markers
    125 KB, now 91 KB), the status as its text (not the enum's round trip to the same
    string), overdue 1 or 0, no thumbnail 0. In Python the rounding alone took ~3 ms of a
    map answer's CPU.

    PostgreSQL has no round(double precision, int): the position is rounded to whole
    millionths in double precision and divided back, which gives the double nearest to the
    six-decimal number (1e6 is exact and IEEE division rounds correctly), so it is written
    as that number. Through numeric it cost ~4 ms of the server's CPU per 2,000 markers."""
    def six_decimals(column):
        if dialect == "postgresql":
            return func.round(column * 1e6, type_=Float) / 1e6
        return func.round(column, 6)

    return [id_, six_decimals(latitude), six_decimals(longitude), type_coerce(status, String),
            category_id, case((overdue, 1), else_=0), func.coalesce(thumb, 0)]


# ix_findings_map_band's bands of latitude (migration i36m_map_bands): 1/200 degree, ~560 m.
MAP_BANDS_PER_DEGREE = 200
# A box that crosses more bands (~35 km high) reads ix_findings_position_created instead.
_MAX_BANDS = 64


def _in_bands(matching: Select, bbox) -> Select:
    """The box's findings also by the latitude bands it crosses, so that PostgreSQL reads
    ix_findings_map_band: in each band only the entries at the box's longitudes, where the
    index keyed by latitude first reads every entry of the box's latitudes round the world
    (3.5 ms of the server's CPU for a typical box at a million findings, 1.7 ms by bands).
    A finding in the box is in one of these bands: floor() of the same product of doubles,
    in Python and in the database, grows with the latitude."""
    if bbox is None:
        return matching
    south, _west, north, _east = bbox
    first = math.floor(south * MAP_BANDS_PER_DEGREE)
    last = math.floor(north * MAP_BANDS_PER_DEGREE)
    if last - first >= _MAX_BANDS:
        return matching
    # The index's own expression, word for word (a bound 200 would not match it).
    band = cast(func.floor(Finding.latitude * literal_column(str(MAP_BANDS_PER_DEGREE))),
                Integer)
    return matching.where(band.in_(range(first, last + 1)))


def _markers_from_index(matching: Select, sort: str) -> Select:
    """The map's first MAP_LIMIT markers on PostgreSQL, read in one pass: every column a
    marker needs (and the default sort's) is in ix_findings_position_created (its INCLUDE,
    i32m_map_covering_index), so a box's newest 2,000 come from an index-only scan rather
    than chosen there by id and each row of findings read again by id (chosen_first). The
    same rows in the same order as chosen_first's; thumbnails only for the rows kept. A
    district's map keeps chosen_first's bounded reading (see there)."""
    chosen = matching.with_only_columns(
        Finding.id, Finding.latitude, Finding.longitude, Finding.status, Finding.category_id,
        Finding.due_date, Finding.created_at, *_SORT_COLUMNS.get(sort, ()),
        lists.overdue_condition().label("overdue")).limit(MAP_LIMIT).subquery()
    rows = chosen.c  # its columns, not an ORM alias of Finding (~0.5 ms more per answer)
    return select(*_marker_columns("postgresql", rows.id, rows.latitude, rows.longitude,
                                   rows.status, rows.category_id, rows.overdue,
                                   lists.first_photo_id(rows.id))).order_by(
        *lists.sort_order(sort, rows))


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

