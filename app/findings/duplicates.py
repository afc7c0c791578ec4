"""Possible duplicates: open findings of the same category close by."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.findings.filters import open_clause
from app.models import Finding
from app.places.geo import bounding_box, distance_m, flat_distance_m, valid_position

DUPLICATE_RADIUS_M = 30.0
# Rows read per place on the list: equal or near-equal flat distances (findings reported
# from one door) need a margin beyond the list's own length.
CANDIDATES_PER_RESULT = 5


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
    query = select(Finding.id, Finding.latitude, Finding.longitude).where(
        Finding.category_id == category_id,
        open_clause(),
        Finding.latitude.between(min_lat, max_lat),
        Finding.longitude.between(min_lon, max_lon),
    )
    if exclude_id:
        query = query.where(Finding.id != exclude_id)
    # A busy building has hundreds of open findings of a category in the box (a thousand at a
    # million findings): the database orders them by a flat distance and sends the nearest
    # CANDIDATES_PER_RESULT × limit. Those are measured flat again here (cheap), then
    # geodesically in that order only while one could still make the list. The flat
    # distance is within 0.6 % of the geodesic one below 80° latitude (checked in
    # tests/places/test_geo.py), so stopping at FLAT_LOWER_BOUND loses no finding.
    scale = math.cos(math.radians(lat))
    east, north = (Finding.longitude - lon) * scale, Finding.latitude - lat
    query = query.order_by(east * east + north * north, Finding.id).limit(
        CANDIDATES_PER_RESULT * limit)
    rows = session.execute(query).all()
    flat = sorted((flat_distance_m(lat, lon, r.latitude, r.longitude), r.id, r) for r in rows)
    exact_for_all = abs(lat) > 80
    best: list[tuple[float, int]] = []  # (geodesic distance, id) within the radius, sorted
    measured: dict[tuple[float, float], float] = {}
    for approx, _id, row in flat:
        if not exact_for_all:
            lower = approx * FLAT_LOWER_BOUND
            if lower > radius_m or (len(best) >= limit and lower > best[limit - 1][0]):
                break
        point = (row.latitude, row.longitude)
        d = measured.get(point)
        if d is None:  # findings reported from one spot (one phone, one door) share it
            d = measured[point] = distance_m(lat, lon, *point)
        if d <= radius_m:
            bisect.insort(best, (d, row.id))
    best = best[:limit]
    if not best:
        return []
    loaded = {f.id: f for f in session.scalars(
        select(Finding).where(Finding.id.in_([i for _d, i in best]))
        .options(selectinload(Finding.photos), selectinload(Finding.building)))}
    return [NearFinding(loaded[i], d) for d, i in best]


# geodesic ≥ this × flat distance (measured ≥ 0.9944 below 80° latitude; a margin kept).
FLAT_LOWER_BOUND = 0.99
