"""Reads of the triage inbox."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Building, Category, District, ReportStatus, TenantReport
from app.places.geo import distance_m, valid_position

# The two markers of a report's map: the building in grey, the tenant's spot in the tenant
# pages' colour.
POSITION_COLOURS = {"building": "#6b7780", "tenant": "#0b5c6b"}


def inbox() -> list[TenantReport]:
    """New reports, oldest first (at most 200: triage keeps the list short)."""
    return list(db.session.scalars(
        select(TenantReport).where(TenantReport.status == ReportStatus.NEW)
        .order_by(TenantReport.created_at, TenantReport.id).limit(200)
        .options(selectinload(TenantReport.building).selectinload(Building.district),
                 selectinload(TenantReport.category))))


def category_choices() -> list[tuple[int, str]]:
    return [(c.id, c) for c in db.session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.position,
                                                                  Category.id))]


def districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


def district_buildings(district: District) -> list[Building]:
    return list(db.session.scalars(select(Building).where(Building.district_id == district.id)
                                   .order_by(Building.address, Building.code)))


def tenant_position(report: TenantReport) -> dict | None:
    """Where the tenant said it is (a pin on the map or the phone's GPS: the same two
    fields, kept only within 300 m of the building), with its distance from the building
    and the markers of a small map; None when the building is all the report says."""
    building = report.building
    if not valid_position(report.latitude, report.longitude):
        return None
    points = [{"lat": report.latitude, "lon": report.longitude, "status": "tenant",
               "title": _("Marked by the tenant")}]
    metres = None
    if valid_position(building.latitude, building.longitude):
        metres = distance_m(report.latitude, report.longitude, building.latitude,
                            building.longitude)
        points.insert(0, {"lat": building.latitude, "lon": building.longitude,
                          "status": "building", "title": building.label})
    return {"metres": metres, "points": points, "colours": POSITION_COLOURS}
