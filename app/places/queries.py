"""Reads of districts and buildings that several domains' pages share."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import District


def districts_by_name() -> list[District]:
    return db.session.scalars(select(District).order_by(District.name)).all()


def district_choices() -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in districts_by_name()]
