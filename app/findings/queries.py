"""Reads for the finding pages and the inboxes (what waits for managers and for a fixer),
and the one loader of a finding (load + may-view check)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, false, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.extensions import db
from app.findings.filters import (
    SEVERITY_ORDER,
    list_options,
    open_clause,
    overdue_condition,
)
from app.models import (
    Building,
    Category,
    Comment,
    Finding,
    FindingEvent,
    FindingStatus,
    OutboxMail,
    Photo,
    PhotoKind,
    Priority,
    User,
    Walk,
)
from app.places.queries import district_buildings
from app.policy import can, get_or_404
from app.timeutil import local_today


def finding_or_404(finding_id: int, may: str | None = None, *,
                   for_page: bool = False) -> Finding:
    """The finding, if the current user may see it; else 404 (hidden, not forbidden). With
    `may`, a policy action: 403 unless the user may also do that to it. `for_page`: with
    what its page shows, in four statements rather than one each (walk, district,
    building, category, people, participants: each round trip ~10 ms on a busy server)."""
    finding = get_or_404(Finding, finding_id, "view_finding",
                         options=PAGE_LOADS if for_page else ())
    if may is not None and not can(current_user, may, finding):
        abort(403)
    return finding


PAGE_LOADS = (
    joinedload(Finding.walk).joinedload(Walk.district),
    joinedload(Finding.building), joinedload(Finding.category), joinedload(Finding.author),
    joinedload(Finding.assignee), joinedload(Finding.priority),
    selectinload(Finding.walk, Walk.participants),
    selectinload(Finding.photos),
    # The timeline names each event's actor and the comments their authors: joined to the
    # rows they come with, not one statement per person the identity map lacks.
    selectinload(Finding.events).joinedload(FindingEvent.actor),
    selectinload(Finding.comments).joinedload(Comment.author),
)


def walk_or_404(walk_id: int, may: str | None = None) -> Walk:
    """The walk a finding is recorded on, if the current user may see it; else 404 (the same
    rule as walks' own loader: the finding views stay below the walks package). With `may`,
    a policy action: 403 unless the user may also do that to it (add_finding)."""
    walk = get_or_404(Walk, walk_id, "view_walk")
    if may is not None and not can(current_user, may, walk):
        abort(403)
    return walk


def finding_photo_or_404(finding: Finding, photo_id: int) -> Photo:
    """One of the finding's photos; 404 for another finding's."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.finding_id != finding.id:
        abort(404)
    return photo


# --- what the forms offer ----------------------------------------------------------------


def categories(*, active_only: bool = False) -> list[Category]:
    """In their order on the forms (the admin page shows the retired ones too)."""
    query = select(Category).order_by(Category.position, Category.id)
    if active_only:
        query = query.where(Category.active)
    return list(db.session.scalars(query))


def priorities() -> list[Priority]:
    return list(db.session.scalars(select(Priority).order_by(Priority.position, Priority.days)))


def building_choices(district_id: int, chosen_id: int | None) -> list[tuple[int, str]]:
    """(id, label) of the district's buildings, and the one already chosen when it lies
    elsewhere (a finding whose building is in another district keeps it)."""
    buildings = district_buildings(district_id)
    pairs = [(b.id, b.label) for b in buildings]
    if chosen_id and chosen_id not in {b.id for b in buildings}:
        chosen = db.session.get(Building, chosen_id)
        if chosen is not None:
            pairs.append((chosen.id, chosen.label))
    return pairs


def outbox_page():
    """The mail outbox, newest first, fifty a page."""
    return db.paginate(
        select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc()),
        per_page=50, error_out=False)


# --- inboxes ------------------------------------------------------------------------------


INBOX_LIMIT = 100


# "To verify": the order a manager picks (kept for the session), ten cards a page.
VERIFY_PER_PAGE = 10
VERIFY_SORTS = {
    "newest": (_l("Newest fix first"), lambda: [
        Finding.fixed_at.is_(None), Finding.fixed_at.desc(), Finding.id.desc()]),
    "waiting": (_l("Longest waiting first"), lambda: [
        Finding.fixed_at.is_(None), Finding.fixed_at, Finding.id]),
    "due": (_l("Due date"), lambda: [
        Finding.due_date.is_(None), Finding.due_date, Finding.fixed_at, Finding.id]),
    "severity": (_l("Most severe first"), lambda: [
        case(SEVERITY_ORDER, value=Finding.severity, else_=9), Finding.fixed_at, Finding.id]),
}
VERIFY_SORT_DEFAULT = "newest"


def to_verify(sort: str = VERIFY_SORT_DEFAULT, page: int = 1,
              per_page: int = VERIFY_PER_PAGE):
    """Fixed and waiting for a manager's check, one page of them in the order `sort` names
    (the newest fix first unless the manager chose otherwise): a page of Flask-SQLAlchemy's
    Pagination, the last page when `page` lies past it (its last card was just verified)."""
    order = VERIFY_SORTS.get(sort, VERIFY_SORTS[VERIFY_SORT_DEFAULT])[1]()
    query = (select(Finding).where(Finding.status == FindingStatus.FIXED)
             .options(*list_options()).order_by(*order))
    result = db.paginate(query, page=max(1, page), per_page=per_page, error_out=False)
    if result.page > 1 and not result.items and result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False)
    return result


def new_findings(session: Session, limit: int = INBOX_LIMIT) -> list[Finding]:
    """Reported and not yet acknowledged by anyone: the oldest first."""
    return list(session.scalars(
        select(Finding).where(Finding.status == FindingStatus.NEW)
        .options(*list_options())
        .order_by(Finding.created_at, Finding.id)
        .limit(limit)))


def inbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Finding.status, func.count()).where(
            Finding.status.in_([FindingStatus.FIXED, FindingStatus.NEW]))
        .group_by(Finding.status)).all()
    counts = {FindingStatus(status).value: n for status, n in rows}
    return {"verify": counts.get("fixed", 0), "new": counts.get("new", 0)}


def my_tasks(session: Session, user: User, today: date | None = None) -> list[Finding]:
    """Open findings assigned to the user: overdue first, then by due date."""
    today = today or local_today()
    return list(session.scalars(
        select(Finding)
        .where(Finding.assignee_id == user.id, open_clause(),
               Finding.confidential == false())
        .options(*list_options())
        .order_by(case((overdue_condition(today), 0), else_=1),
                  Finding.due_date.is_(None), Finding.due_date, Finding.id)
    ))


def before_after(finding: Finding) -> tuple[list[Photo], list[Photo]]:
    before = [p for p in finding.photos if p.kind == PhotoKind.FINDING]
    after = [p for p in finding.photos if p.kind == PhotoKind.AFTER]
    return before, after


def duplicates_of(finding: Finding) -> list[Finding]:
    """The findings closed as duplicates of this one, their photos loaded."""
    return list(db.session.scalars(
        select(Finding).where(Finding.duplicate_of_id == finding.id)
        .options(selectinload(Finding.photos)).order_by(Finding.id)))


def comment_photos(finding: Finding) -> dict[int, list[Photo]]:
    """The photos sent with the finding's comments, by comment id (from its photos, which
    are all of them)."""
    by_comment: dict[int, list[Photo]] = defaultdict(list)
    for photo in finding.photos:
        if photo.kind == PhotoKind.COMMENT:
            by_comment[photo.comment_id].append(photo)
    return by_comment


def names_of(ids: dict[str, set[int]], locale: str) -> dict[str, dict[int, str]]:
    """The names the timeline shows for the people, priorities, categories and buildings
    whose ids its events hold, by field."""
    names: dict[str, dict[int, str]] = {}
    if ids.get("assignee"):
        names["assignee"] = dict(db.session.execute(
            select(User.id, User.name).where(User.id.in_(ids["assignee"]))).all())
    if ids.get("priority"):
        names["priority"] = {p.id: p.name(locale) for p in db.session.scalars(
            select(Priority).where(Priority.id.in_(ids["priority"])))}
    if ids.get("category"):
        names["category"] = {c.id: c.name(locale) for c in db.session.scalars(
            select(Category).where(Category.id.in_(ids["category"])))}
    if ids.get("building"):
        names["building"] = {b.id: b.label for b in db.session.scalars(
            select(Building).where(Building.id.in_(ids["building"])))}
    return names


def finding_counts(session: Session, walk_ids: list[int], visible) -> dict[int, int]:
    """Findings per walk, counting only those that match `visible`."""
    if not walk_ids:
        return {}
    rows = session.execute(
        select(Finding.walk_id, func.count(Finding.id))
        .where(Finding.walk_id.in_(walk_ids), visible)
        .group_by(Finding.walk_id)
    )
    return dict(rows.all())
