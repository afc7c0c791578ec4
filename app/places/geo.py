"""Distances and the nearest buildings.

The nearest-building query narrows by a latitude/longitude box in SQL (indexed), then
measures only the few candidates with geopy's geodesic distance.
"""

import math
from dataclasses import dataclass

from geopy.distance import geodesic
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Building

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class NearBuilding:
    building: Building
    distance_m: float


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return geodesic((lat1, lon1), (lat2, lon2)).meters


EARTH_MEAN_RADIUS_M = 6_371_008.8


def flat_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance on a sphere: a quick estimate for short distances, within
    about 0.6 % of distance_m below 80° latitude."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return EARTH_MEAN_RADIUS_M * math.hypot(x, y)


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) that contains the circle, with a small margin."""
    dlat = radius_m / METRES_PER_DEGREE_LAT * 1.01
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = radius_m / (METRES_PER_DEGREE_LAT * cos_lat) * 1.01
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def valid_position(lat: float | None, lon: float | None) -> bool:
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


def nearest_buildings(
    session: Session,
    lat: float,
    lon: float,
    *,
    radius_m: float = 200,
    limit: int = 3,
    district_id: int | None = None,
) -> list[NearBuilding]:
    if not valid_position(lat, lon):
        return []
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_m)
    query = select(Building).where(
        Building.latitude.between(min_lat, max_lat),
        Building.longitude.between(min_lon, max_lon),
    )
    if district_id is not None:
        query = query.where(Building.district_id == district_id)
    near = []
    for building in session.scalars(query):
        d = distance_m(lat, lon, building.latitude, building.longitude)
        if d <= radius_m:
            near.append(NearBuilding(building, d))
    near.sort(key=lambda n: n.distance_m)
    return near[:limit]
