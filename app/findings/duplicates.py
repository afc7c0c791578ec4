"""Possible duplicates: open findings of the same category close by."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Finding
from app.remediation.filters import open_clause
from app.services.geo import bounding_box, distance_m, valid_position

DUPLICATE_RADIUS_M = 30.0


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
