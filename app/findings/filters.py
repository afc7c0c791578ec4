"""Lists of findings: the filters every list, map and export shares, the overdue rule in
SQL, text search, and pages whose count stops at a cap.

The rest of the remediation sits beside it in app/findings/: workflow (status changes),
assignment, comments, timeline (events), bulk and duplicates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, case, false, func, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from app.findings.forms import FindingFilterForm
from app.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Building,
    District,
    Finding,
    FindingStatus,
    Photo,
    PhotoKind,
    Severity,
    User,
    Walk,
)
from app.search import contains, dialect_name, finding_text_match
from app.timeutil import local_today

SEVERITY_ORDER = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
STATUS_ORDER = {status: n for n, status in enumerate(FindingStatus)}


# --- overdue: the one rule -----------------------------------------------------------------


def overdue_condition(today: date | None = None):
    """SQL: past its due date (Europe/Stockholm) and not done."""
    today = today or local_today()
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
        return cls(
            district_id=number("district"),
            building_id=number("building"),
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


SORTS = {
    "newest": (_l("Newest first"), lambda: [Finding.created_at.desc(), Finding.id.desc()]),
    "oldest": (_l("Oldest first"), lambda: [Finding.created_at, Finding.id]),
    "due": (_l("Due date"), lambda: [Finding.due_date.is_(None), Finding.due_date, Finding.id]),
    "severity": (_l("Severity"), lambda: [
        case(SEVERITY_ORDER, value=Finding.severity, else_=9), Finding.created_at.desc()]),
    "status": (_l("Status"), lambda: [
        case(STATUS_ORDER, value=Finding.status, else_=99), Finding.created_at.desc()]),
    "updated": (_l("Recently changed"), lambda: [Finding.updated_at.desc(), Finding.id.desc()]),
}


def filtered_findings(filters: FindingFilters, today: date | None = None, *,
                      session: Session | None = None) -> Select:
    """select(Finding) narrowed by the list's filters and sorted; for pages and maps."""
    query = select(Finding).join(Walk, Finding.walk_id == Walk.id)
    query = apply_filters(query, filters, today, session=session)
    order = SORTS.get(filters.sort, SORTS["newest"])[1]()
    return query.order_by(*order)


def apply_filters(query: Select, filters: FindingFilters, today: date | None = None, *,
                  session: Session | None = None) -> Select:
    """`query` (which selects from findings joined with walks) narrowed by the list's filters.

    `session` tells which database the query is for (text search differs); default
    Flask-SQLAlchemy's session.
    """
    from app.timeutil import local_day_bounds

    today = today or local_today()
    if session is None:
        from app.extensions import db

        session = db.session
    dialect = dialect_name(session)
    if filters.district_id:
        query = query.where(Walk.district_id == filters.district_id)
    if filters.building_id:
        query = query.where(Finding.building_id == filters.building_id)
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
        query = query.where(finding_text_match(filters.q, session))
    return query


def list_rows(query: Select) -> Select:
    """`query` (from filtered_findings) as the columns one row of the findings list shows,
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
            overdue_condition().label("overdue"),
        )
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


def first_photo_id():
    """SQL, per row of findings: its first reported photo's id (a thumbnail), or NULL.
    Correlated, so a map of 2,000 markers needs no second query with 2,000 parameters."""
    return (
        select(func.min(Photo.id))
        .where(Photo.finding_id == Finding.id, Photo.kind == PhotoKind.FINDING)
        .correlate(Finding)
        .scalar_subquery()
    )


def capped_count(session: Session, query: Select, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): the rows `query` selects, counted up to cap (then capped is True)."""
    cap = cap or COUNT_CAP
    limited = query.with_only_columns(Finding.id).order_by(None).limit(cap + 1).subquery()
    count = session.scalar(select(func.count()).select_from(limited)) or 0
    return (cap, True) if count > cap else (count, False)


def capped_page(session: Session, query: Select, count_query: Select, *, page: int,
                per_page: int, cap: int | None = None) -> CappedPage:
    """Page `page` of `query`'s rows, and the rows of `count_query` (the same without its
    extra columns) counted up to `cap`. A page past the end is the last page."""
    total, capped = capped_count(session, count_query, cap)
    if not capped:
        page = min(page, max(1, -(-total // per_page)))
    page = max(1, page)
    items = session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return CappedPage(items=items, page=page, per_page=per_page, total=total, capped=capped)
