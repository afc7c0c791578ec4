"""Issue 25's optional map pin: the report page offers a small map of the building and its
neighbours (Leaflet not in the first visit), a pinned spot is kept only within 300 m of the
building (the same check as the phone's position), and the triage page shows it."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Building, TenantReport
from app.tenants.operations import POSITION_NEAR_M
from tests.tenants.conftest import report_form

pytestmark = pytest.mark.usefixtures("ctx")

LAT, LON = 59.2472, 17.8610
METRES_PER_DEGREE_LAT = 111_320  # a pin due north: metres / this = degrees


def _last():
    return db.session.scalars(select(TenantReport).order_by(TenantReport.id.desc())).first()


def _north(metres: float) -> dict:
    return {"latitude": f"{LAT + metres / METRES_PER_DEGREE_LAT:.6f}", "longitude": f"{LON}"}


@pytest.mark.parametrize(("metres", "kept"), [(0, True), (120, True), (290, True),
                                              (310, False), (2000, False)])
def test_a_pin_is_kept_within_300_m_of_the_building(client, make, building, metres, kept):
    assert POSITION_NEAR_M == 300
    pin = _north(metres)
    assert client.post("/t/FIT-007", data=report_form(make, **pin)).status_code == 303
    report = _last()
    if kept:
        assert (report.latitude, report.longitude) == (float(pin["latitude"]), LON)
    else:  # the report arrives all the same, with the building as its place
        assert (report.latitude, report.longitude) == (None, None)
        assert report.building.code == "FIT-007"


@pytest.mark.parametrize("pin", [
    {"latitude": "59.2472", "longitude": ""},  # half a position
    {"latitude": "", "longitude": ""},
])
def test_a_pin_that_is_no_position_leaves_the_building(client, make, building, pin):
    assert client.post("/t/FIT-007", data=report_form(make, **pin)).status_code == 303
    assert (_last().latitude, _last().longitude) == (None, None)


@pytest.mark.parametrize("latitude", ["95", "nan", "inf"])
def test_an_impossible_pin_is_refused(client, make, building, latitude):
    # (No phone sends these: the fields are filled with toFixed(6) numbers.)
    answer = client.post("/t/FIT-007", data=report_form(make, latitude=latitude,
                                                         longitude="17.8610"))
    assert answer.status_code == 422
    assert _last() is None


def _data(page: str, name: str):
    match = re.search(rf"data-{name}='([^']*)'", page)
    return json.loads(match.group(1)) if match else None


def test_the_page_offers_the_map_with_the_building_and_its_neighbours(client, make,
                                                                      building):
    district = db.session.scalar(select(Building.district_id).where(Building.id == building))
    make.building(district, lat=LAT + 0.001, lon=LON, code="FIT-009", address='Fittja "9"')
    make.building(district, lat=LAT - 0.002, lon=LON + 0.002, code="FIT-011",
                  address="Fittjavägen 11")
    make.building(district, lat=LAT + 0.05, lon=LON, code="FAR-1", address="Långt bort")
    page = client.get("/t/FIT-007?lang=ar").get_data(as_text=True)
    assert "data-pin-map hidden" in page  # shown by the script only
    assert _data(page, "center") == [LAT, LON]
    assert _data(page, "here") == [LAT, LON, "Fittjavägen 7"]
    # Nearest first, not itself, not the one 5 km away.
    assert _data(page, "buildings") == [[LAT + 0.001, LON], [LAT - 0.002, LON + 0.002]]
    assert 'data-radius="300"' in page
    assert 'id="pin-map" dir="ltr"' in page  # the map is not mirrored
    # Leaflet is named for the script to fetch on opening, not loaded with the page.
    assert "leaflet.js" in page and "<script src=\"/static/vendor/leaflet" not in page
    assert '<link rel="stylesheet" href="/static/vendor/leaflet' not in page
    assert "أزل العلامة" in page and "حدّد على الخريطة (اختياري)" in page


def test_without_tiles_the_map_says_what_it_draws(client, app, building):
    before = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = ""
    try:
        page = client.get("/t/FIT-007?lang=sv").get_data(as_text=True)
    finally:
        app.config["MAP_TILE_URL"] = before
    assert 'data-tile-url=""' in page
    assert "Ingen kartbakgrund här: husen ritas som prickar, ditt i färg med sin adress." in page
