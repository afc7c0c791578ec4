"""Reads for the walk page."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import locale_code
from app.labels import label
from app.models import DONE_STATUSES, Building, Finding, Walk
from app.policy import visible_findings_clause

BUILDING_COLOURS = {"building": "#546e7a", "open_elsewhere": "#b3261e"}


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
    for finding in findings:
        if finding.latitude is None:
            continue
        points.append({
            "lat": finding.latitude,
            "lon": finding.longitude,
            "status": finding.status.value,
            "label": label(finding.status),
            "title": f"#{finding.id} {finding.category.name(locale_code())}",
            "url": url_for("findings.show", finding_id=finding.id),
        })
    return points
