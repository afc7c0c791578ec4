"""Reads for Open311: the services (categories) and findings as service requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import DONE_STATUSES, Category, Finding, FindingStatus

MAX_PAGE_SIZE = 1000


def services(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.active)
                                .order_by(Category.position, Category.id)))


def service(session: Session, code: str) -> Category | None:
    return session.scalar(select(Category).where(Category.slug == code, Category.active))


@dataclass
class RequestFilter:
    ids: list[int] | None = None
    codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: set[str] | None = None  # "open", "closed"
    page: int = 1
    page_size: int = 50


def _shareable():
    """What Open311 may show at all: never a confidential finding."""
    return Finding.confidential.is_(False)


def service_requests(session: Session, f: RequestFilter) -> list[Finding]:
    query = (select(Finding).where(_shareable())
             .options(joinedload(Finding.category), joinedload(Finding.building)))
    if f.ids is not None:
        query = query.where(Finding.id.in_(f.ids))
    else:
        if f.codes:
            query = query.where(Finding.category.has(Category.slug.in_(f.codes)))
        if f.start is not None:
            query = query.where(Finding.created_at >= f.start)
        if f.end is not None:
            query = query.where(Finding.created_at <= f.end)
        if f.statuses and f.statuses != {"open", "closed"}:
            done = [FindingStatus(s) for s in DONE_STATUSES]
            query = query.where(Finding.status.in_(done) if "closed" in f.statuses
                                else Finding.status.not_in(done))
    query = (query.order_by(Finding.created_at.desc(), Finding.id.desc())
             .limit(f.page_size).offset((f.page - 1) * f.page_size))
    return list(session.scalars(query))


def service_request(session: Session, request_id: int) -> Finding | None:
    return session.scalar(select(Finding).where(Finding.id == request_id, _shareable())
                          .options(joinedload(Finding.category),
                                   joinedload(Finding.building)))


def by_token(session: Session, token: str) -> Finding | None:
    return session.scalar(select(Finding).where(Finding.uuid == token, _shareable()))


INTAKE_RADIUS_M = 500


def building_at(session: Session, *, address_id: str | None, address_string: str | None,
                lat: float | None, lon: float | None):
    """The building a request is about: by its code (address_id), its address or code
    (address_string), else the nearest within 500 m of the position. None: not found."""
    from sqlalchemy import func

    from app.models import Building
    from app.places.geo import nearest_buildings

    if address_id:
        return session.scalar(select(Building).where(Building.code == address_id.strip()))
    if address_string:
        text = address_string.strip().lower()
        found = session.scalar(select(Building).where(
            (func.lower(Building.address) == text) | (func.lower(Building.code) == text))
            .order_by(Building.id).limit(1))
        if found is not None or lat is None:
            return found
    if lat is not None and lon is not None:
        near = nearest_buildings(session, lat, lon, radius_m=INTAKE_RADIUS_M, limit=1)
        return near[0].building if near else None
    return None
