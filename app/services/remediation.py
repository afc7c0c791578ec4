"""Remediation: the workflow after a walk.

Status changes go through `transition`, assignment through `assign`; both check the one
transition table in app.policy, stamp the *_at columns reports read, and write an
immutable FindingEvent for every field they change. Forms carry the finding's version:
`check_version` turns a stale form into a ConflictError instead of an overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, case, false, func, select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Comment,
    Finding,
    FindingEvent,
    FindingStatus,
    Photo,
    PhotoKind,
    Priority,
    Role,
    Severity,
    User,
    Walk,
    utcnow,
)
from app.policy import can_transition, is_manager, is_reopen
from app.services import DomainError
from app.services.geo import bounding_box, distance_m, valid_position
from app.timeutil import local_today

DUPLICATE_RADIUS_M = 30.0
STAFF_ROLES = (Role.FIXER, Role.MANAGER, Role.ADMIN)

# Where a finding that is "not ours" was referred to.
REFERRALS = {
    "municipality": _l("Municipality"),
    "traffic_office": _l("Traffic office"),
    "police": _l("Police"),
    "private_owner": _l("Private owner"),
    "other": _l("Other owner"),
}

# Fields whose changes are written to the timeline.
TRACKED_FIELDS = ("status", "assignee", "priority", "due_date", "category", "building")

SEVERITY_ORDER = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
STATUS_ORDER = {status: n for n, status in enumerate(FindingStatus)}


class ConflictError(DomainError):
    """The finding changed since the form was rendered."""


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


# --- events ----------------------------------------------------------------------------


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))[:200]


def record_event(session: Session, finding: Finding, *, actor: User | None, field: str,
                 old, new, note: str = "") -> FindingEvent | None:
    """Add a timeline line when the value really changed. Values are stored as codes/ids."""
    old_text, new_text = _text(old), _text(new)
    if old_text == new_text and not note:
        return None
    event = FindingEvent(
        finding=finding, actor_id=actor.id if actor else None, field=field,
        from_value=old_text, to_value=new_text, note=(note or "").strip(),
    )
    session.add(event)
    return event


def snapshot(finding: Finding) -> dict[str, str | None]:
    """The tracked fields as event values, to compare before and after an edit."""
    return {
        "status": _text(finding.status),
        "assignee": _text(finding.assignee_id),
        "priority": _text(finding.priority_id),
        "due_date": _text(finding.due_date),
        "category": _text(finding.category_id),
        "building": _text(finding.building_id),
    }


def record_changes(session: Session, finding: Finding, before: dict, *,
                   actor: User | None, note: str = "") -> list[FindingEvent]:
    """Events for every tracked field that differs from `before` (e.g. after an edit)."""
    session.flush()
    after = snapshot(finding)
    events = []
    for name in TRACKED_FIELDS:
        if before.get(name) != after[name]:
            event = record_event(session, finding, actor=actor, field=name,
                                 old=before.get(name), new=after[name], note=note)
            if event is not None:
                events.append(event)
    return events


def check_version(finding: Finding, expected: int | str | None) -> None:
    if expected in (None, ""):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        expected = -1
    if expected != finding.version:
        raise ConflictError(
            _l("Someone else changed this finding while you were working on it. "
               "Nothing of yours was saved: check its current state below and try again."),
            field="version",
        )


# --- transitions -------------------------------------------------------------------------


def transition(
    session: Session,
    finding: Finding,
    *,
    actor: User,
    to: FindingStatus | str,
    note: str = "",
    reason: str = "",
    referred_to: str = "",
    duplicate_of: Finding | None = None,
    expected_version: int | str | None = None,
) -> Finding:
    """Move a finding to another status, if the transition table allows it."""
    check_version(finding, expected_version)
    try:
        target = FindingStatus(to)
    except ValueError as error:
        raise DomainError(_l("Unknown status."), field="to") from error
    old = finding.status
    if target == old:
        raise DomainError(_l("The finding already has that status."), field="to")
    if not can_transition(actor, finding, target):
        from app.labels import label

        raise DomainError(
            _l("A finding cannot go from “%(old)s” to “%(new)s”%(who)s.",
               old=label(old), new=label(target),
               who=_l(" by you") if actor.role == Role.FIXER else ""),
            field="to",
        )
    note = (note or "").strip()
    reason = (reason or "").strip()
    now = utcnow()

    if is_reopen(old, target):
        if not reason:
            raise DomainError(_l("Say why the finding is reopened."), field="reason")
        if target == FindingStatus.ASSIGNED and finding.assignee_id is None:
            raise DomainError(_l("Assign someone first, or reopen it as acknowledged."),
                              field="to")
        finding.fixed_at = finding.verified_at = finding.closed_at = None
        finding.close_reason = ""
        if finding.duplicate_of_id is not None:
            record_event(session, finding, actor=actor, field="duplicate_of",
                         old=finding.duplicate_of_id, new=None)
            finding.duplicate_of_id = None
        note = reason if not note else f"{reason}\n{note}"
    elif target == FindingStatus.ASSIGNED and finding.assignee_id is None:
        raise DomainError(_l("Choose who should fix it: use “Assign”."), field="to")

    if target == FindingStatus.ACKNOWLEDGED:
        finding.acknowledged_at = finding.acknowledged_at or now
    elif target == FindingStatus.ASSIGNED:
        finding.acknowledged_at = finding.acknowledged_at or now
        finding.assigned_at = now
    elif target == FindingStatus.FIXED:
        finding.fixed_at = now
    elif target == FindingStatus.VERIFIED:
        finding.verified_at = finding.closed_at = now
    elif target == FindingStatus.WONT_FIX:
        if not reason:
            raise DomainError(_l("Say why it will not be fixed."), field="reason")
        finding.close_reason = reason
        finding.closed_at = now
        note = reason if not note else f"{reason}\n{note}"
    elif target == FindingStatus.NOT_OURS:
        if referred_to not in REFERRALS:
            raise DomainError(_l("Choose whom it was referred to."), field="referred_to")
        with force_locale("sv"):
            party = str(REFERRALS[referred_to])
        if finding.responsible_party != party:
            record_event(session, finding, actor=actor, field="responsible_party",
                         old=finding.responsible_party, new=party)
        finding.responsible_party = party
        finding.close_reason = reason or note
        finding.closed_at = now
    elif target == FindingStatus.DUPLICATE:
        original = _original(duplicate_of, finding)
        finding.duplicate_of_id = original.id
        finding.closed_at = now
        record_event(session, finding, actor=actor, field="duplicate_of", old=None,
                     new=original.id)

    finding.status = target
    finding.updated_at = now
    record_event(session, finding, actor=actor, field="status", old=old, new=target, note=note)
    session.flush()
    return finding


def _original(duplicate_of: Finding | None, finding: Finding) -> Finding:
    if duplicate_of is None:
        raise DomainError(_l("Give the number of the finding it duplicates."),
                          field="duplicate_of_id")
    seen = {finding.id}
    original = duplicate_of
    # Point at the root of a chain, so photos gather on one page.
    while original.status == FindingStatus.DUPLICATE and original.duplicate_of is not None:
        if original.id in seen:
            break
        seen.add(original.id)
        original = original.duplicate_of
    if original.id in seen:
        raise DomainError(_l("A finding cannot be a duplicate of itself."),
                          field="duplicate_of_id")
    return original


# --- assignment --------------------------------------------------------------------------


@dataclass
class Assignment:
    assignee: User
    priority: Priority | None = None
    due_date: date | None = None
    responsible_party: str | None = None
    planned_action: str | None = None
    note: str = ""


def assign(
    session: Session,
    finding: Finding,
    *,
    actor: User,
    assignment: Assignment,
    expected_version: int | str | None = None,
    today: date | None = None,
) -> bool:
    """Set assignee, priority and due date; a new or acknowledged finding becomes assigned.

    Returns True when the assignee changed (the caller mails them after commit).
    """
    check_version(finding, expected_version)
    assignee = assignment.assignee
    if assignee is None or not assignee.active or assignee.role not in STAFF_ROLES:
        raise DomainError(_l("Choose a fixer or another staff member."), field="assignee_id")
    if finding.status in DONE_STATUSES:
        raise DomainError(_l("This finding is closed. Reopen it before assigning it."),
                          field="assignee_id")
    if not may_be_assigned(assignee, finding):
        raise DomainError(
            _l("This finding is confidential and %(name)s may not see it. Assign it to a "
               "manager or an administrator.", name=assignee.name),
            field="assignee_id")
    today = today or local_today()
    due = assignment.due_date
    if due is None and assignment.priority is not None:
        due = today + timedelta(days=assignment.priority.days)
    if due is not None and due < today:
        raise DomainError(_l("The due date is in the past."), field="due_date")

    note = (assignment.note or "").strip()
    changed_assignee = finding.assignee_id != assignee.id
    record_event(session, finding, actor=actor, field="assignee",
                 old=finding.assignee_id, new=assignee.id, note=note if changed_assignee else "")
    finding.assignee = assignee
    new_priority_id = assignment.priority.id if assignment.priority else None
    record_event(session, finding, actor=actor, field="priority",
                 old=finding.priority_id, new=new_priority_id)
    finding.priority = assignment.priority
    record_event(session, finding, actor=actor, field="due_date", old=finding.due_date, new=due)
    finding.due_date = due
    if assignment.responsible_party is not None:
        party = assignment.responsible_party.strip()[:120]
        if party != finding.responsible_party:
            record_event(session, finding, actor=actor, field="responsible_party",
                         old=finding.responsible_party, new=party)
            finding.responsible_party = party
    if assignment.planned_action is not None:
        finding.planned_action = assignment.planned_action.strip()
    finding.updated_at = utcnow()
    session.flush()
    if finding.status in (FindingStatus.NEW, FindingStatus.ACKNOWLEDGED):
        transition(session, finding, actor=actor, to=FindingStatus.ASSIGNED,
                   note="" if changed_assignee else note)
    if changed_assignee:
        finding.assigned_at = utcnow()
    session.flush()
    return changed_assignee


def may_be_assigned(user: User, finding: Finding) -> bool:
    """Whether the user may see the finding once it is theirs. The view_finding policy
    never shows a confidential finding to a fixer, so it must not become their task."""
    return not finding.confidential or is_manager(user)


def assignable_users(session: Session) -> list[User]:
    return list(session.scalars(
        select(User).where(User.active, User.role.in_(STAFF_ROLES))
        .order_by(case((User.role == Role.FIXER, 0), else_=1), User.name)
    ))


# --- comments ----------------------------------------------------------------------------


def add_comment(session: Session, finding: Finding, *, author: User, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write a comment."), field="body")
    if len(body) > 5000:
        raise DomainError(_l("The comment is too long."), field="body")
    comment = Comment(finding=finding, author=author, body=body)
    session.add(comment)
    session.flush()
    return comment


# --- duplicates --------------------------------------------------------------------------


@dataclass(frozen=True)
class NearFinding:
    finding: Finding
    distance_m: float


def possible_duplicates(
    session: Session, lat: float | None, lon: float | None, category_id: int | None, *,
    exclude_id: int | None = None, radius_m: float = DUPLICATE_RADIUS_M, limit: int = 10,
) -> list[NearFinding]:
    """Open findings of the same category within radius_m, nearest first."""
    if not valid_position(lat, lon) or not category_id:
        return []
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_m)
    query = (
        select(Finding)
        .where(
            Finding.category_id == category_id,
            open_clause(),
            Finding.latitude.between(min_lat, max_lat),
            Finding.longitude.between(min_lon, max_lon),
        )
        .options(selectinload(Finding.photos), selectinload(Finding.building))
    )
    if exclude_id:
        query = query.where(Finding.id != exclude_id)
    near = []
    for candidate in session.scalars(query):
        d = distance_m(lat, lon, candidate.latitude, candidate.longitude)
        if d <= radius_m:
            near.append(NearFinding(candidate, d))
    near.sort(key=lambda n: (n.distance_m, n.finding.id))
    return near[:limit]


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
        """The filters of the findings list as its URL spells them; bad values are ignored,
        so a bookmarked or hand-edited link still works."""

        def number(name: str) -> int | None:
            try:
                value = int(args.get(name) or 0)
            except (TypeError, ValueError):
                return None
            return value if value == -1 or 0 < value < 2**63 else None

        def day(name: str) -> date | None:
            try:
                value = date.fromisoformat(args.get(name) or "")
            except ValueError:
                return None
            return value if 1900 <= value.year <= 2100 else None

        sort = args.get("sort") or "newest"
        return cls(
            district_id=number("district"),
            building_id=number("building"),
            walk_id=number("walk"),
            category_id=number("category"),
            severity=args.get("severity") or None,
            status=args.get("status") or None,
            assignee_id=number("assignee"),
            responsible=(args.get("responsible") or "").strip() or None,
            overdue=bool(args.get("overdue")),
            confidential=args.get("confidential") or None,
            date_from=day("date_from"),
            date_to=day("date_to"),
            q=(args.get("q") or "").strip() or None,
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
    # None: PostgreSQL, where text matches are ILIKE (see _contains).
    lower = lowercase_function(session) if session.get_bind().dialect.name == "sqlite" else None
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
        query = query.where(_contains(lower, Finding.responsible_party, filters.responsible))
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
        query = query.where(_text_match(lower, filters.q.strip(), session))
    return query


def lowercase_function(session: Session):
    """The SQL function that lower-cases like Python's str.lower.

    SQLite's lower() folds only ASCII, so "Övergiven" would never match "övergiven";
    app.sqlite_tuning registers unicode_lower() on every SQLite connection. PostgreSQL's
    lower() folds Å, Ä, Ö itself (in a UTF-8 locale).
    """
    if session.get_bind().dialect.name == "sqlite":
        return func.unicode_lower
    return func.lower


def _contains(lower, column, text: str):
    """Case-insensitive substring match; % and _ in the text match only themselves.

    On PostgreSQL this is ILIKE on the bare column, which the pg_trgm GIN indexes serve
    (lower(column) LIKE … would need expression indexes); ILIKE folds Å, Ä, Ö alike.
    """
    if lower is None:
        escaped = text.strip().replace("/", "//").replace("%", "/%").replace("_", "/_")
        return column.ilike(f"%{escaped}%", escape="/")
    return lower(column).contains(text.strip().lower(), autoescape=True)


def _text_match(lower, q: str, session: Session):
    from app.search import finding_text_match

    return finding_text_match(q, session)


def list_options():
    """Eager loads a list of findings needs."""
    return (
        selectinload(Finding.photos), selectinload(Finding.category),
        selectinload(Finding.building), selectinload(Finding.assignee),
        selectinload(Finding.walk).selectinload(Walk.district),
    )


def my_tasks(session: Session, user: User, today: date | None = None) -> list[Finding]:
    """Open findings assigned to the user: overdue first, then by due date."""
    today = today or local_today()
    return list(session.scalars(
        select(Finding)
        .where(Finding.assignee_id == user.id, Finding.status.not_in(list(DONE_STATUSES)),
               Finding.confidential == false())
        .options(*list_options())
        .order_by(case((overdue_condition(today), 0), else_=1),
                  Finding.due_date.is_(None), Finding.due_date, Finding.id)
    ))


# --- pages with a capped count ----------------------------------------------------------

COUNT_CAP = 1000


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


def first_photo_ids(session: Session, finding_ids: list[int]) -> dict[int, int]:
    """Each finding's first reported photo (for thumbnails on the map)."""
    if not finding_ids:
        return {}
    rows = session.execute(
        select(Photo.finding_id, func.min(Photo.id))
        .where(Photo.finding_id.in_(finding_ids), Photo.kind == PhotoKind.FINDING)
        .group_by(Photo.finding_id)
    )
    return dict(rows.all())


def capped_count(session: Session, query: Select, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): the rows `query` selects, counted up to cap (then capped is True)."""
    cap = cap or COUNT_CAP
    limited = query.with_only_columns(Finding.id).order_by(None).limit(cap + 1).subquery()
    count = session.scalar(select(func.count()).select_from(limited)) or 0
    return (cap, True) if count > cap else (count, False)


def capped_page(session: Session, query: Select, count_query: Select, *, page: int,
                per_page: int, cap: int | None = None) -> CappedPage:
    """Page `page` of `query`, and the rows of `count_query` (the same without loader
    options) counted up to `cap`. A page past the end is the last page."""
    total, capped = capped_count(session, count_query, cap)
    if not capped:
        page = min(page, max(1, -(-total // per_page)))
    page = max(1, page)
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return CappedPage(items=items, page=page, per_page=per_page, total=total, capped=capped)


# --- bulk ------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list[int]
    failed: list[tuple[int, str]]


def bulk_apply(session: Session, findings: Iterable[Finding], versions: dict[int, str],
               action) -> BulkResult:
    """Run `action(finding, expected_version)` for each finding in its own savepoint.

    A finding that breaks a rule (or changed meanwhile) is left as it was and reported;
    the others go through the same service rules as one at a time.
    """
    result = BulkResult(done=[], failed=[])
    for finding in findings:
        try:
            with session.begin_nested():
                action(finding, versions.get(finding.id))
        except DomainError as error:
            session.refresh(finding)
            result.failed.append((finding.id, str(error.message)))
        else:
            result.done.append(finding.id)
    return result


def before_after(finding: Finding) -> tuple[list[Photo], list[Photo]]:
    before = [p for p in finding.photos if p.kind == PhotoKind.FINDING]
    after = [p for p in finding.photos if p.kind == PhotoKind.AFTER]
    return before, after
