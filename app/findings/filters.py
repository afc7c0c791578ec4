"""Lists of findings: the filters every list, map and export shares, the overdue rule in
SQL, text search, and pages whose count stops at a cap.

The rest of the remediation sits beside it in app/findings/: workflow (status changes),
assignment, comments, timeline (events), bulk and duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    case,
    false,
    func,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from app import page_cache
from app.extensions import db
from app.findings.forms import FindingFilterForm
from app.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Building,
    District,
    Finding,
    FindingFact,
    FindingStatus,
    Photo,
    PhotoKind,
    Severity,
    User,
    Walk,
)
from app.search import (
    buildings_named,
    contains,
    dialect_name,
    estimated_share,
    finding_text_match,
    searches_texts,
)
from app.timeutil import local_day_bounds, local_today

SEVERITY_ORDER = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
STATUS_ORDER = {status: n for n, status in enumerate(FindingStatus)}


# --- overdue: the one rule -----------------------------------------------------------------


def overdue_condition(today=None):
    """SQL: past its due date (Europe/Stockholm) and not done; `today` may be a bound
    parameter."""
    if today is None:
        today = local_today()
    return and_(
        Finding.due_date.is_not(None),
        Finding.due_date < today,
        open_clause(),
    )


def open_clause():
    """SQL: not done. Spelt as IN (the open statuses), which the partial indexes on open
    findings match, rather than NOT IN (the done ones), which they cannot. The values are
    written into the SQL: SQLite uses a partial index only for literal values, in its order."""
    return Finding.status.in_(bindparam("open_statuses", list(OPEN_STATUSES), expanding=True,
                                        literal_execute=True))


def is_overdue(finding: Finding, today: date | None = None) -> bool:
    """Python twin of overdue_condition, for a finding already loaded."""
    today = today or local_today()
    return (
        finding.due_date is not None
        and finding.due_date < today
        and finding.status not in DONE_STATUSES
    )


# --- lists -------------------------------------------------------------------------------


@dataclass
class FindingFilters:
    district_id: int | None = None
    building_id: int | None = None
    building_text: str | None = None  # typed: the buildings whose address or code has it
    walk_id: int | None = None
    category_id: int | None = None
    severity: str | None = None
    status: str | None = None  # a FindingStatus value, or "open" / "done"
    assignee_id: int | None = None  # -1: nobody
    responsible: str | None = None
    overdue: bool = False
    confidential: str | None = None  # "yes" / "no"
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    sort: str = "newest"

    @classmethod
    def from_args(cls, args: Mapping) -> FindingFilters:
        """The filters of the findings list as its URL spells them (an export job keeps
        them so)."""
        return cls.from_form(FindingFilterForm(MultiDict(args)))

    @classmethod
    def from_form(cls, form: FindingFilterForm) -> FindingFilters:
        """The filters the list's form read from its URL (the one parse of the query string);
        bad values are ignored, so a bookmarked or hand-edited link still works."""
        data = form.data

        def number(name: str) -> int | None:
            try:
                value = int(data.get(name) or 0)
            except (TypeError, ValueError):
                return None
            return value if value == -1 or 0 < value < 2**63 else None

        def day(name: str) -> date | None:
            value = data.get(name)
            return value if value and 1900 <= value.year <= 2100 else None

        def text(name: str, limit: int) -> str | None:
            return (data.get(name) or "").strip()[:limit] or None

        sort = data.get("sort") or "newest"
        building = text("building", 200) or ""
        return cls(
            district_id=number("district"),
            building_id=number("building") if building.isdigit() else None,
            building_text=None if building.isdigit() else building or None,
            walk_id=number("walk"),
            category_id=number("category"),
            severity=data.get("severity") or None,
            status=data.get("status") or None,
            assignee_id=number("assignee"),
            responsible=text("responsible", 120),
            overdue=bool(data.get("overdue")),
            confidential=data.get("confidential") or None,
            date_from=day("date_from"),
            date_to=day("date_to"),
            q=text("q", 200),
            sort=sort if sort in SORTS else "newest",
        )


# Each order over a findings entity (the table, or the rows of a subquery).
SORTS = {
    "newest": (_l("Newest first"), lambda f: [f.created_at.desc(), f.id.desc()]),
    "oldest": (_l("Oldest first"), lambda f: [f.created_at, f.id]),
    "due": (_l("Due date"), lambda f: [f.due_date.is_(None), f.due_date, f.id]),
    "severity": (_l("Severity"), lambda f: [
        case(SEVERITY_ORDER, value=f.severity, else_=9), f.created_at.desc()]),
    "status": (_l("Status"), lambda f: [
        case(STATUS_ORDER, value=f.status, else_=99), f.created_at.desc()]),
    "updated": (_l("Recently changed"), lambda f: [f.updated_at.desc(), f.id.desc()]),
}


def filtered_findings(filters: FindingFilters, today: date | None = None, *,
                      session: Session | None = None) -> Select:
    """select(Finding) narrowed by the list's filters and sorted; for pages and maps."""
    query = apply_filters(select(Finding), filters, today, session=session)
    return query.order_by(*sort_order(filters.sort))


def sort_order(sort: str, entity=Finding) -> list:
    return SORTS.get(sort, SORTS["newest"])[1](entity)


def chosen_first(query: Select, sort: str, *, limit: int, offset: int = 0,
                 among: list[int] | None = None, bounded: bool = False,
                 many: bool = False) -> Select:
    """select(Finding) of the rows offset … offset + limit of `query` (from
    filtered_findings, sorted by `sort`), in that order. The rows are chosen by their ids
    alone, then read: SQLite computes every column of every row it sorts (a thumbnail's
    subquery per finding of a district, 30,000 for a map's box), and the choosing may read
    nothing but an index (filter, created_at, id).

    `among`: all of query's ids, when known (see capped_page): the page is chosen from
    them. `bounded`: query's rows are few however many findings there are (one district's):
    all of them are found through the filters' indexes and sorted, rather than found by
    walking every finding newest first until the page is full, as PostgreSQL's planner
    otherwise chooses (page 40 of a district's verified findings read 124,629 buffers of
    a million findings; a rare word in a district 64,241).

    `many`: a text search that matched more than its count's cap: on SQLite the page is
    found walking the (created_at, id) index in the order, each finding's match checked,
    until the page is full, rather than all of the word's matches read and sorted (a
    common word at 100,000 findings: 19-27 -> 3-7 ms). PostgreSQL's planner chooses this
    itself."""
    if among is not None:
        ids = (select(Finding.id).where(_id_among(among))
               .order_by(*sort_order(sort)).limit(limit).offset(offset))
    elif bounded:
        ids = ordered_ids(query, sort).limit(limit).offset(offset)
    else:
        ids = query.with_only_columns(Finding.id).limit(limit).offset(offset)
        if many and sort in ("newest", "oldest"):
            ids = ids.with_hint(Finding, "INDEXED BY ix_findings_created_at_id", "sqlite")
    return select(Finding).where(Finding.id.in_(ids)).order_by(*sort_order(sort))


def ordered_ids(query: Select, sort: str) -> Select:
    """SELECT the ids of `query`'s findings in the order `sort` gives, all of them found
    first through the filters' indexes and then sorted: OFFSET 0 keeps the planner from
    pushing the order and limit into the subquery. The subquery carries only the columns
    the orders read (SORTS): built in ~0.1 ms, where an ORM alias of all of Finding's took
    ~1.3 ms of every district's search."""
    rows = query.with_only_columns(
        Finding.id, Finding.created_at, Finding.due_date, Finding.updated_at, Finding.severity,
        Finding.status).order_by(None).offset(0).subquery()
    return select(rows.c.id).order_by(*sort_order(sort, rows.c))


def _id_among(ids: list[int]):
    """Finding.id IN ids. On PostgreSQL, for more than a search's 200, as `= ANY(one array
    parameter)`: up to 1,000 ids (capped_page's) bound one parameter each cost ~1.6 ms of
    CPU per list page at a million findings (a search's few hundred gained nothing and
    were planned no better)."""
    if len(ids) > SEARCH_COUNT_CAP and dialect_name(db.session) == "postgresql":
        return Finding.id == any_(bindparam("among", list(ids), type_=ARRAY(Integer)))
    return Finding.id.in_(ids)


def apply_filters(query: Select, filters: FindingFilters, today: date | None = None, *,
                  session: Session | None = None) -> Select:
    """`query` (which selects from findings) narrowed by the list's filters.

    `session` tells which database the query is for (text search differs); default
    Flask-SQLAlchemy's session.
    """
    today = today or local_today()
    if session is None:
        session = db.session
    dialect = dialect_name(session)
    if filters.district_id:
        query = query.where(district_condition(session, filters.district_id))
    if filters.building_id:
        query = query.where(Finding.building_id == filters.building_id)
    if filters.building_text:
        query = query.where(Finding.building_id.in_(buildings_named(filters.building_text,
                                                                    dialect)))
    if filters.walk_id:
        query = query.where(Finding.walk_id == filters.walk_id)
    if filters.category_id:
        query = query.where(Finding.category_id == filters.category_id)
    if filters.severity in set(Severity):
        query = query.where(Finding.severity == Severity(filters.severity))
    if filters.status == "open":
        query = query.where(open_clause())
    elif filters.status == "done":
        query = query.where(Finding.status.in_(list(DONE_STATUSES)))
    elif filters.status in set(FindingStatus):
        query = query.where(Finding.status == FindingStatus(filters.status))
    if filters.assignee_id == -1:
        query = query.where(Finding.assignee_id.is_(None))
    elif filters.assignee_id:
        query = query.where(Finding.assignee_id == filters.assignee_id)
    if filters.responsible:
        query = query.where(contains(Finding.responsible_party, filters.responsible, dialect))
    if filters.overdue:
        query = query.where(overdue_condition(today))
    if filters.confidential == "yes":
        query = query.where(Finding.confidential)
    elif filters.confidential == "no":
        query = query.where(Finding.confidential == false())
    if filters.date_from:
        query = query.where(Finding.created_at >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        query = query.where(Finding.created_at < local_day_bounds(filters.date_to)[1])
    if filters.q and filters.q.strip():
        query = query.where(finding_text_match(
            filters.q, session,
            narrowed=bool(filters.district_id or filters.walk_id or filters.building_id)))
    return query


# Up to this many walks a district's findings are asked for by their walks' ids.
DISTRICT_WALK_IDS = 2000


def district_condition(session: Session, district_id: int):
    """SQL: the finding's walk is in the district, as `walk_id IN (the district's walks)`
    with the ids written out (on PostgreSQL `walk_id = ANY(an array of them)`). A join on
    the walk's district left the database no index on findings to combine with the other
    filters: at a million findings a search in a district read every one of its ~10,000
    findings from the table and matched their texts; with the ids, the walk index's rows
    are intersected with the text index's (PostgreSQL) or read newest first per walk
    (SQLite)."""
    ids = district_walk_ids(session, district_id)
    if len(ids) > DISTRICT_WALK_IDS:
        return Finding.walk_id.in_(select(Walk.id).where(Walk.district_id == district_id))
    if dialect_name(session) == "postgresql":
        # One array parameter, not ~200 bound one each: a statement of ~8 KB is past
        # psycopg's cache of parsed queries (4 KB) and was split by its regex per request.
        return Finding.walk_id == any_(bindparam("district_walks", list(ids),
                                                 type_=ARRAY(Integer), unique=True))
    return Finding.walk_id.in_(ids)


def district_walk_ids(session: Session, district_id: int) -> tuple[int, ...]:
    """The district's walks' ids, up to DISTRICT_WALK_IDS + 1, kept per state of the walks
    (page_cache scope "filters"): a query per list, search and map page with a district."""
    walks = select(Walk.id).where(Walk.district_id == district_id)
    return page_cache.cached(session, "filters", ("district-walks", district_id), lambda: tuple(
        session.scalars(walks.limit(DISTRICT_WALK_IDS + 1))))


def list_rows(query: Select, today=None) -> Select:
    """`query` (from chosen_first) as the columns one row of the findings list shows,
    in one statement: no ORM objects and no eager loads per page (they were a third of the
    page's time at a million findings). Rows have id, version, status, severity,
    confidential, due_date, created_at, place_type, category_id, address, district,
    assignee, thumb and overdue."""
    return (
        query.with_only_columns(
            Finding.id, Finding.version, Finding.status, Finding.severity, Finding.confidential,
            Finding.due_date, Finding.created_at, Finding.place_type, Finding.category_id,
            Building.address.label("address"), District.name.label("district"),
            User.name.label("assignee"), first_photo_id().label("thumb"),
            overdue_condition(today).label("overdue"),
        )
        .join(Walk, Walk.id == Finding.walk_id)
        .join(District, District.id == Walk.district_id)
        .outerjoin(Building, Building.id == Finding.building_id)
        .outerjoin(User, User.id == Finding.assignee_id)
    )


def list_options():
    """Eager loads a list of findings needs."""
    return (
        selectinload(Finding.photos), selectinload(Finding.category),
        selectinload(Finding.building), selectinload(Finding.assignee),
        selectinload(Finding.walk).selectinload(Walk.district),
    )


# --- pages with a capped count ----------------------------------------------------------

COUNT_CAP = 1000
# A text search is counted only this far: each row counted is a row whose text is matched
# (at a million findings, counting a common word's 1 000 took 45 ms of a 50 ms page).
SEARCH_COUNT_CAP = 200


def count_cap(filters: FindingFilters) -> int:
    return SEARCH_COUNT_CAP if filters.q else COUNT_CAP


@dataclass
class CappedPage:
    """One page of a list whose count stops at `cap`: counting a million rows per page view
    costs more than the page itself, and "more than 1 000" tells the reader as much.

    Quacks like Flask-SQLAlchemy's Pagination for the pagination macro.
    """

    items: list
    page: int
    per_page: int
    total: int  # exact when not capped, else cap
    capped: bool

    @property
    def pages(self) -> int:
        pages = max(1, -(-self.total // self.per_page))
        return max(pages, self.page + 1) if self.capped and self.has_next else pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.capped or self.page * self.per_page < self.total

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def counted(found: int, cap: int, page: int, per_page: int) -> tuple[bool, int, int]:
    """(capped, total, page) of a list whose count read `found` ids, up to cap + 1: the
    total is the cap when more were found, and a page past the end of an uncapped count
    is its last page."""
    capped = found > cap
    total = cap if capped else found
    if not capped:
        page = min(page, max(1, -(-total // per_page)))
    return capped, total, max(1, page)


def first_photo_id(finding_id=Finding.id):
    """SQL, per row of findings (or of the subquery whose column `finding_id` is): its
    first reported photo's id (a thumbnail), or NULL. Correlated, so a map of 2,000 markers
    needs no second query with 2,000 parameters."""
    return (
        select(func.min(Photo.id))
        .where(Photo.finding_id == finding_id, Photo.kind == PhotoKind.FINDING)
        .correlate_except(Photo)
        .scalar_subquery()
    )


def capped_count(session: Session, query: Select, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): the rows `query` selects, counted up to cap (then capped is True)."""
    cap = cap or COUNT_CAP
    limited = query.with_only_columns(Finding.id).order_by(None).limit(cap + 1).subquery()
    count = session.scalar(select(func.count()).select_from(limited)) or 0
    return (cap, True) if count > cap else (count, False)


# The orders that end with the id (no ties): a page chosen from ids read in that order is
# the page the order gives.
_TOTAL_ORDERS = ("newest", "oldest", "due", "updated")


def district_search_page(session: Session, query: Select, filters: FindingFilters,
                         rows: Callable[[int, int, list[int] | None], Select], *,
                         page: int, per_page: int) -> CappedPage | None:
    """A search within a district as capped_page answers it, from one statement instead of
    two: the district's matching ids in the list's order, as many as the count (cap + 1)
    and the page need. capped_page counted them (cap + 1 ids, whose text the indexes
    matched) and then, when capped, matched them all again to choose the page: for a
    common word ("släck", in 15 % of a million findings) ~25 ms for the count and ~30 ms
    for the page; now the second alone. None when it does not apply (no word or no
    district, an order with ties): the caller falls back to capped_page.

    `query` is filtered_findings(filters); a district's matches are few enough (its
    findings) to be found through the filters' indexes and sorted (see chosen_first)."""
    if not filters.q or not filters.district_id or filters.sort not in _TOTAL_ORDERS:
        return None
    cap = count_cap(filters)
    page = max(1, page)
    if page * per_page <= cap and (ids := _common_word_first(session, filters, cap)):
        chosen = ids[(page - 1) * per_page:page * per_page]
        return CappedPage(items=session.execute(rows(per_page, 0, chosen)).all(), page=page,
                          per_page=per_page, total=cap, capped=True)
    ids = list(session.scalars(ordered_ids(query, filters.sort)
                               .limit(max(cap + 1, page * per_page))))
    capped, total, page = counted(len(ids), cap, page, per_page)
    chosen = ids[(page - 1) * per_page:page * per_page]
    items = session.execute(rows(per_page, 0, chosen)).all() if chosen else []
    return CappedPage(items=items, page=page, per_page=per_page, total=total, capped=capped)


# A word in at least this share of all findings (PostgreSQL's estimate) is looked for among
# a district's newest (or oldest) DISTRICT_PROBE findings first.
COMMON_SHARE = 0.08
DISTRICT_PROBE = 4000
_FACT_ORDERS = {
    "newest": lambda c: [c.created_at.desc(), c.finding_id.desc()],
    "oldest": lambda c: [c.created_at, c.finding_id],
}


def _common_word_first(session: Session, filters: FindingFilters, cap: int) -> list[int]:
    """The first cap + 1 matches of a common word searched in a district (no other
    filter), newest (or oldest) first, found among the district's newest (oldest) 4,000
    findings, read in that order from the dashboard's facts (one row per finding with its
    walk's district; app.reports.rollups), each finding's texts matched in turn until cap +
    1 match: 5-10 ms for "släck", where the text indexes' whole answer (~150,000 findings,
    25-30 ms) was intersected with the district's walks. Empty when it does not apply or
    fewer match there (the caller then reads all the district's matches)."""
    from app.reports.rollups import is_stale  # the reports' facts, read here

    order = _FACT_ORDERS.get(filters.sort)
    alone = replace(filters, q=None, district_id=None, sort="newest") == FindingFilters()
    if order is None or not alone or not searches_texts(filters.q):
        return []
    share = estimated_share(session, filters.q)  # None: not PostgreSQL (no LATERAL)
    if share is None or share < COMMON_SHARE or is_stale(session):
        return []
    recent = (select(FindingFact.finding_id, FindingFact.created_at)
              .where(FindingFact.district_id == filters.district_id)
              .order_by(*order(FindingFact)).limit(DISTRICT_PROBE).subquery("recent"))
    # LATERAL with a LIMIT of its own: one finding looked up by id per fact, in order; as a
    # plain join the planner chose the text indexes' whole answer again.
    match = (select(Finding.id)
             .where(Finding.id == recent.c.finding_id, finding_text_match(filters.q, session))
             .limit(1).lateral("match"))
    ids = list(session.scalars(select(match.c.id).select_from(recent).join(match, true())
                               .order_by(*order(recent.c)).limit(cap + 1)))
    return ids if len(ids) > cap else []


def capped_page(session: Session, rows: Callable[[int, int, list[int] | None], Select],
                count_query: Select, *, page: int, per_page: int,
                cap: int | None = None) -> CappedPage:
    """Page `page` of the rows `rows(limit, offset, among)` selects, and the rows of
    `count_query` (the same, unpaged, without their extra columns) counted up to `cap`. A
    page past the end is the last page.

    The count reads the matching ids (up to cap + 1); when they are all there, `among` is
    them and the page is chosen from them alone. At a million findings PostgreSQL otherwise
    walked the newest-first index and matched every finding's text until 25 matched: a
    rare word in a district read 64,000 findings (64,241 buffers, 195 ms) for 25 of its
    ~200."""
    cap = cap or COUNT_CAP
    ids = list(session.scalars(
        count_query.with_only_columns(Finding.id).order_by(None).limit(cap + 1)))
    capped, total, page = counted(len(ids), cap, page, per_page)
    items = session.execute(
        rows(per_page, (page - 1) * per_page, None if capped else ids)).all()
    return CappedPage(items=items, page=page, per_page=per_page, total=total, capped=capped)


# --- the list's statements, built once per shape ------------------------------------------
#
# The findings list without a text search (and without typed building or responsible text)
# runs two statements: the capped count's ids and the page's rows. They are built once per
# shape (which filters are set, the sort, how a district's and the page's ids go in) with
# bound parameters, so no Python builds their tree per request and SQLAlchemy's compiled
# cache is found from the kept statement's memoized key; the SQL is the same as
# filtered_findings, chosen_first and list_rows write.


# The filters _filter_shape and _shaped_conditions know. Any other one set (a text, or a
# filter added later to apply_filters alone) sends the list down filtered_findings' path.
_SHAPED_FIELDS = frozenset({
    "district_id", "building_id", "walk_id", "category_id", "severity", "status",
    "assignee_id", "overdue", "confidential", "date_from", "date_to", "sort",
})
_OTHER_FIELDS = tuple(f for f in fields(FindingFilters) if f.name not in _SHAPED_FIELDS)


def shaped(filters: FindingFilters) -> bool:
    """Whether the list's page can come from shaped_page: no filter set beyond those its
    statements know."""
    return all(getattr(filters, f.name) == f.default for f in _OTHER_FIELDS)


def _district_mode(session: Session, filters: FindingFilters) -> tuple[str | None, dict]:
    if not filters.district_id:
        return None, {}
    ids = district_walk_ids(session, filters.district_id)
    if len(ids) > DISTRICT_WALK_IDS:
        return "walks", {"district": filters.district_id}
    mode = "array" if dialect_name(session) == "postgresql" else "in"
    return mode, {"district_walks": list(ids)}


def _filter_shape(session: Session, filters: FindingFilters) -> tuple[tuple, dict]:
    """(shape, parameters) of the filters (see _shaped_conditions)."""
    district, params = _district_mode(session, filters)
    status = filters.status
    if status not in ("open", "done"):
        status = "one" if status in set(FindingStatus) else None
    assignee = "nobody" if filters.assignee_id == -1 else bool(filters.assignee_id)
    day_from, day_to = filters.date_from, filters.date_to
    params |= {
        "building_id": filters.building_id, "walk_id": filters.walk_id,
        "category_id": filters.category_id, "assignee_id": filters.assignee_id,
        "severity": Severity(filters.severity) if filters.severity in set(Severity) else None,
        "status": FindingStatus(filters.status) if status == "one" else None,
        "date_from": local_day_bounds(day_from)[0] if day_from else None,
        "date_to": local_day_bounds(day_to)[1] if day_to else None,
        "today": local_today(),  # the overdue filter's and the rows' overdue flag
    }
    confidential = filters.confidential if filters.confidential in ("yes", "no") else None
    shape = (district, bool(filters.building_id), bool(filters.walk_id),
             bool(filters.category_id), params["severity"] is not None, status, assignee,
             filters.overdue, confidential, bool(day_from), bool(day_to))
    return shape, {k: v for k, v in params.items() if v is not None}


def _bound(name: str, column):
    return bindparam(name, type_=column.type)


def _shaped_conditions(shape: tuple) -> list:
    """apply_filters' conditions for a shape, with its values bound by name."""
    (district, building, walk, category, severity, status, assignee, overdue, confidential,
     day_from, day_to) = shape
    conditions = []
    if district == "walks":
        conditions.append(Finding.walk_id.in_(
            select(Walk.id).where(Walk.district_id == bindparam("district", type_=Integer))))
    elif district == "array":
        conditions.append(Finding.walk_id == any_(
            bindparam("district_walks", type_=ARRAY(Integer))))
    elif district == "in":
        conditions.append(Finding.walk_id.in_(bindparam("district_walks", expanding=True)))
    for present, column, name in ((building, Finding.building_id, "building_id"),
                                  (walk, Finding.walk_id, "walk_id"),
                                  (category, Finding.category_id, "category_id"),
                                  (severity, Finding.severity, "severity")):
        if present:
            conditions.append(column == _bound(name, column))
    if status == "open":
        conditions.append(open_clause())
    elif status == "done":
        conditions.append(Finding.status.in_(list(DONE_STATUSES)))
    elif status == "one":
        conditions.append(Finding.status == _bound("status", Finding.status))
    if assignee == "nobody":
        conditions.append(Finding.assignee_id.is_(None))
    elif assignee:
        conditions.append(Finding.assignee_id == _bound("assignee_id", Finding.assignee_id))
    if overdue:
        conditions.append(overdue_condition(_bound("today", Finding.due_date)))
    if confidential == "yes":
        conditions.append(Finding.confidential)
    elif confidential == "no":
        conditions.append(Finding.confidential == false())
    if day_from:
        conditions.append(Finding.created_at >= _bound("date_from", Finding.created_at))
    if day_to:
        conditions.append(Finding.created_at < _bound("date_to", Finding.created_at))
    return conditions


_LIMIT = bindparam("limit", type_=Integer)
_OFFSET = bindparam("offset", type_=Integer)


@lru_cache(maxsize=512)
def _shaped_statements(shape: tuple, sort: str, among: str | None) -> tuple[Select, Select]:
    """(the count's ids, the page's rows) for a shape of the filters, `sort`, and how the
    page's ids go in (`among`: "array" or "in" when the count read them all, else None)."""
    query = (select(Finding).where(*_shaped_conditions(shape))
             .order_by(*sort_order(sort)))
    count = query.with_only_columns(Finding.id).order_by(None).limit(
        bindparam("cap", type_=Integer))
    if among == "array":
        ids = (select(Finding.id).where(Finding.id == any_(
            bindparam("among", type_=ARRAY(Integer)))).order_by(*sort_order(sort)))
    elif among == "in":
        ids = (select(Finding.id).where(Finding.id.in_(bindparam("among", expanding=True)))
               .order_by(*sort_order(sort)))
    elif shape[0]:  # a district's: bounded (see chosen_first)
        ids = ordered_ids(query, sort)
    else:
        ids = query.with_only_columns(Finding.id)
    chosen = (select(Finding).where(Finding.id.in_(ids.limit(_LIMIT).offset(_OFFSET)))
              .order_by(*sort_order(sort)))
    return count, list_rows(chosen, _bound("today", Finding.due_date))


def shaped_page(session: Session, filters: FindingFilters, *, page: int,
                per_page: int) -> CappedPage:
    """capped_page(…) of the list's rows for filters without text (see shaped), from
    statements kept per shape."""
    shape, params = _filter_shape(session, filters)
    cap = count_cap(filters)
    count, _rows = _shaped_statements(shape, filters.sort, None)
    # Plain columns: run on the session's connection, past the ORM's execution steps.
    connection = session.connection()
    ids = list(connection.scalars(count, params | {"cap": cap + 1}))
    capped, total, page = counted(len(ids), cap, page, per_page)
    params |= {"limit": per_page, "offset": (page - 1) * per_page}
    among = None
    if not capped:
        among = ("array" if len(ids) > SEARCH_COUNT_CAP
                 and dialect_name(session) == "postgresql" else "in")
        params["among"] = ids
    _count, rows = _shaped_statements(shape, filters.sort, among)
    items = connection.execute(rows, params).all()
    return CappedPage(items=items, page=page, per_page=per_page, total=total, capped=capped)
