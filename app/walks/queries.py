"""Reads for the walk pages, and the one loader of a walk (load + may-view check)."""

from __future__ import annotations

import hashlib

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from app.extensions import db
from app.findings.queries import finding_counts
from app.i18n import locale_code
from app.labels import STATUS_COLOURS, label
from app.models import (
    DONE_STATUSES,
    Building,
    Category,
    Finding,
    FollowUpItem,
    Photo,
    PinStatus,
    ResidentPin,
    User,
    Walk,
    WalkInvitation,
    WalkStatus,
    WalkTarget,
)
from app.policy import (
    can,
    get_or_404,
    my_walks_clause,
    visible_findings_clause,
    walk_leaders_clause,
)
from app.timeutil import local_day_bounds, local_today

BUILDING_COLOURS = {"building": "#546e7a", "open_elsewhere": "#b3261e", "pin": "#00838f"}


def walk_or_404(walk_id: int, action: str | None = None) -> Walk:
    """The walk, if the current user may see it; else 404 (hidden, not forbidden). Given an
    `action` (edit_walk, walk_protocol…) they may not do to it: 403."""
    walk = get_or_404(Walk, walk_id, "view_walk")
    if action is not None and not can(current_user, action, walk):
        abort(403)
    return walk


def invitation_counts(walk: Walk) -> dict[str, int]:
    """How many are invited to the walk, and how many of them by e-mail (who are mailed a
    cancellation): for the page that asks before the walk is cancelled."""
    total, mailed = db.session.execute(
        select(func.count(WalkInvitation.id),
               func.count(WalkInvitation.id).filter(WalkInvitation.email != ""))
        .where(WalkInvitation.walk_id == walk.id)).one()
    return {"total": total, "mailed": mailed}


def checklist_item_or_404(walk: Walk, item_id: int) -> FollowUpItem:
    """An item of the walk's checklist; 404 also when the user may not see its finding (the
    checklist carries confidential findings too: whoever may not see one may not check it)."""
    item = db.session.get(FollowUpItem, item_id)
    if (item is None or item.walk_id != walk.id
            or not can(current_user, "view_finding", item.finding)):
        abort(404)
    return item


def my_walks(user: User) -> dict:
    """/walks/mine: today's walks (and earlier ones never started or completed, on top), the
    next planned ones and the last completed ones, with their visible findings counted."""
    start, end = local_day_bounds(local_today())
    mine = my_walks_clause(user)
    today = db.session.scalars(
        select(Walk)
        .where(mine, Walk.planned_start >= start, Walk.planned_start < end)
        .order_by(
            case((Walk.status == WalkStatus.IN_PROGRESS, 0), else_=1), Walk.planned_start
        )
    ).all()
    unfinished_earlier = db.session.scalars(
        select(Walk)
        .where(
            mine,
            Walk.status.in_([WalkStatus.IN_PROGRESS, WalkStatus.PLANNED]),
            Walk.planned_start < start,
        )
        .order_by(Walk.planned_start.desc())
    ).all()
    planned = db.session.scalars(
        select(Walk)
        # Called-off ones too, marked so: whoever expects the walk learns it is off.
        .where(mine, Walk.status.in_([WalkStatus.PLANNED, WalkStatus.CANCELLED]),
               Walk.planned_start >= end)
        .order_by(Walk.planned_start)
        .limit(20)
    ).all()
    recent = db.session.scalars(
        select(Walk)
        .where(mine, Walk.status == WalkStatus.COMPLETED, Walk.planned_start < start)
        .order_by(Walk.completed_at.desc())
        .limit(10)
    ).all()
    shown = [*today, *unfinished_earlier, *planned, *recent]
    return {
        "today": [*unfinished_earlier, *today],
        "planned": planned,
        "recent": recent,
        "counts": finding_counts(db.session, [w.id for w in shown],
                                 visible_findings_clause(user)),
    }


def walk_list(user: User, *, district_id: int | None, status: str | None):
    """/walks: one page of all walks, newest first, filtered; and the visible findings per
    walk on it."""
    query = select(Walk).options(selectinload(Walk.leader)).order_by(Walk.planned_start.desc())
    if district_id:
        query = query.where(Walk.district_id == district_id)
    if status in set(WalkStatus):
        query = query.where(Walk.status == WalkStatus(status))
    page = db.paginate(query, per_page=25, error_out=False)
    counts = finding_counts(db.session, [w.id for w in page.items],
                            visible_findings_clause(user))
    return page, counts


def leader_choices() -> list[tuple[int, str]]:
    """Who may lead a walk, by name."""
    leaders = db.session.scalars(select(User).where(walk_leaders_clause()).order_by(User.name))
    return [(user.id, user.name) for user in leaders]


def walk_targets(year: int) -> dict[int, int]:
    """The year's walk target per district id."""
    return dict(db.session.execute(
        select(WalkTarget.district_id, WalkTarget.target).where(WalkTarget.year == year)
    ).all())


def findings_per_category(session: Session, walk: Walk, visible) -> list[tuple[Category, int]]:
    """Counts per category of the findings on the walk that match `visible`."""
    rows = session.execute(
        select(Category, func.count(Finding.id))
        .join(Finding, Finding.category_id == Category.id)
        .where(Finding.walk_id == walk.id, visible)
        .group_by(Category.id)
        .order_by(func.count(Finding.id).desc(), Category.position)
    )
    return [(category, count) for category, count in rows]


def visible_findings(walk: Walk, *, internal: bool = False) -> list[Finding]:
    """The walk's findings the current user may see, newest first, photos loaded (and, with
    `internal`, the assignee and history the remediation side shows)."""
    options = [selectinload(Finding.photos), selectinload(Finding.building),
               selectinload(Finding.category), selectinload(Finding.author),
               selectinload(Finding.guest)]
    if internal:
        options += [selectinload(Finding.assignee), selectinload(Finding.events)]
    return db.session.scalars(
        select(Finding)
        .where(Finding.walk_id == walk.id, visible_findings_clause(current_user))
        .options(*options)
        .order_by(Finding.created_at.desc(), Finding.id.desc())
    ).all()


def walk_page(walk: Walk, **extra) -> dict:
    """Everything walks/show.html needs; `extra` for a form to show again with its errors.
    The walk's own findings are on the map as its live layer (static/js/live.js draws them
    from the list's points, and again each time the list changes)."""
    findings = visible_findings(walk)
    return {
        "walk": walk,
        "findings": findings,
        "map_points": walk_map_points(walk, [], current_user),
        "live_points": finding_points(findings),
        "live_version": live_version(walk, current_user),
        "map_colours": {**STATUS_COLOURS, **BUILDING_COLOURS},
        "per_category": findings_per_category(
            db.session, walk, visible_findings_clause(current_user)
        ),
        **extra,
    }


def walk_map_points(walk: Walk, findings: list[Finding], user) -> list[dict]:
    """The walk map: the district's buildings, marked when findings from earlier walks are
    still open there (only those the user may see), and this walk's findings."""
    open_counts = dict(
        db.session.execute(
            select(Finding.building_id, func.count(Finding.id))
            .join(Building, Building.id == Finding.building_id)
            .where(
                Building.district_id == walk.district_id,
                Finding.walk_id != walk.id,
                Finding.status.not_in(list(DONE_STATUSES)),
                visible_findings_clause(user),
            )
            .group_by(Finding.building_id)
        ).all()
    )
    buildings = db.session.scalars(
        select(Building).where(Building.district_id == walk.district_id).order_by(Building.id)
    ).all()
    points = []
    for building in buildings:
        count = open_counts.get(building.id, 0)
        open_text = _("Open findings: %(num)s", num=count)
        points.append({
            "lat": building.latitude,
            "lon": building.longitude,
            "status": "open_elsewhere" if count else "building",
            "label": open_text if count else _("Building"),
            "title": building.label + (f" — {open_text}" if count else ""),
        })
    for pin in db.session.scalars(
            select(ResidentPin).where(ResidentPin.walk_id == walk.id,
                                      ResidentPin.status == PinStatus.APPROVED)
            .options(selectinload(ResidentPin.building)).order_by(ResidentPin.id)):
        place = pin.building if pin.latitude is None else pin
        if place is None or place.latitude is None:
            continue
        points.append({  # a resident's place (app/afterwalk), approved: a route suggestion
            "lat": place.latitude,
            "lon": place.longitude,
            "status": "pin",
            "label": _("Residents' suggestion"),
            "title": f"{label(pin.time_of_day)}: {pin.description[:120]}",
        })
    return points + finding_points(findings)


def finding_points(findings: list[Finding]) -> list[dict]:
    """A walk's findings as map markers."""
    return [{
        "lat": finding.latitude,
        "lon": finding.longitude,
        "status": finding.status.value,
        "label": label(finding.status),
        "title": f"#{finding.id} {finding.category.name(locale_code())}",
        "url": url_for("findings.show", finding_id=finding.id),
    } for finding in findings if finding.latitude is not None]


def live_version(walk: Walk, user) -> str:
    """The ETag of the walk's live list as this user sees it, from one small query: how many
    findings and photos the user may see on the walk, the newest of each and the latest
    change. Any new finding, photo, edit, status change or deletion changes it; so do the
    viewer, their language, the day ("overdue") and the walk's status."""
    visible = and_(Finding.walk_id == walk.id, visible_findings_clause(user))
    def of_findings(column):
        return select(column).where(visible).scalar_subquery()

    def of_photos(column):
        return (select(column).join(Finding, Finding.id == Photo.finding_id).where(visible)
                .scalar_subquery())

    row = db.session.execute(select(
        of_findings(func.count(Finding.id)), of_findings(func.max(Finding.id)),
        of_findings(func.max(Finding.updated_at)),
        of_photos(func.count(Photo.id)), of_photos(func.max(Photo.id)))).one()
    viewer = (getattr(user, "id", None), getattr(user, "role", None), locale_code(),
              walk.status.value, local_today().isoformat())
    text = "|".join(str(part) for part in (*row, *viewer))
    return hashlib.sha256(text.encode()).hexdigest()[:20]
