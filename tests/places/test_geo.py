import pytest

from app.extensions import db
from app.places.geo import bounding_box, distance_m, nearest_buildings


def test_distance_is_geodesic_metres():
    # One thousandth of a degree of latitude is about 111 m.
    assert distance_m(59.0, 17.0, 59.001, 17.0) == pytest.approx(111.6, abs=0.5)


def test_bounding_box_contains_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(59.2472, 17.8610, 200)
    assert distance_m(59.2472, 17.8610, max_lat, 17.8610) >= 200
    assert distance_m(59.2472, 17.8610, 59.2472, max_lon) >= 200
    assert distance_m(59.2472, 17.8610, 59.2472, min_lon) >= 200


def test_nearest_three_within_radius_sorted(make, ctx):
    district = make.district()
    ids = [make.building(district, lat=59.2472 + i * 0.0003, lon=17.8610) for i in range(5)]
    make.building(district, lat=59.30, lon=17.86)
    near = nearest_buildings(db.session, 59.2472, 17.8610, radius_m=200, limit=3)
    assert [n.building.id for n in near] == ids[:3]
    assert near[0].distance_m == pytest.approx(0, abs=0.1)
    assert all(n.distance_m <= 200 for n in near)


def test_nothing_near_or_invalid_position(make, ctx):
    make.building(make.district(), lat=59.2472, lon=17.8610)
    assert nearest_buildings(db.session, 59.30, 17.86) == []
    assert nearest_buildings(db.session, float("nan"), 17.86) == []
    assert nearest_buildings(db.session, 91, 17.86) == []


def test_flat_distance_is_within_the_bound_duplicates_rely_on():
    """possible_duplicates stops measuring once flat distance × FLAT_LOWER_BOUND exceeds the
    list's last geodesic distance: that is safe only if geodesic ≥ that bound × flat."""
    import math
    import random

    from app.findings.duplicates import FLAT_LOWER_BOUND
    from app.places.geo import flat_distance_m

    rng = random.Random(7)
    for _ in range(3000):
        lat, lon = rng.uniform(-80, 80), rng.uniform(-179, 179)
        metres, bearing = rng.uniform(0.5, 300), rng.uniform(0, 2 * math.pi)
        lat2 = lat + metres / 111_000 * math.cos(bearing)
        lon2 = lon + metres / 111_000 * math.sin(bearing) / math.cos(math.radians(lat))
        flat = flat_distance_m(lat, lon, lat2, lon2)
        assert distance_m(lat, lon, lat2, lon2) >= FLAT_LOWER_BOUND * flat
