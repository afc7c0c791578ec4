"""Reads of the triage inbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Building, Category, District, ReportStatus, TenantReport


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
