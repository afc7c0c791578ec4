"""Reads of districts and buildings that several domains' pages share."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Building, District


def districts_by_name() -> list[District]:
    return db.session.scalars(select(District).order_by(District.name)).all()


def district_choices() -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in districts_by_name()]


def district_buildings(district_id: int) -> list[Building]:
    """The district's buildings by address (a walk's: the capture form, the phone's copy)."""
    return list(db.session.scalars(
        select(Building).where(Building.district_id == district_id).order_by(Building.address)))
