"""Issue 25's optional map pin on the tenant report page, on a 390×844 phone: "Mark on a
map" opens a small map of the building and its neighbours (Leaflet fetched only then); a
tap places or moves the pin, which fills the same fields as "Use my position" and arrives
with the report; staff see the spot on the triage page. It works without map tiles, by
keyboard (Enter pins the middle, Tab leaves the map, "Remove the pin"), is not mirrored in
Arabic, and stays hidden without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import TenantReport
from app.places.geo import distance_m
from tests.browser.conftest import log_in, shot

WIDTH, HEIGHT = 390, 844
LAT, LON = 59.2472, 17.8610
PLACED = {"sv": "Markeringen är satt. Tryck på kartan igen för att flytta den.",
          "ar": "تم وضع العلامة. اضغط على الخريطة مرة أخرى لتحريكها."}
NO_TILES = ("Ingen kartbakgrund här: husen ritas som prickar, ditt i färg med sin adress.")


@pytest.fixture
def tiles(app):
    """Tiles from the app itself (any small PNG will do): no network in the tests."""
    before = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = "/static/icons/favicon-32.png?{z}-{x}-{y}"
    yield
    app.config["MAP_TILE_URL"] = before


@pytest.fixture
def no_tiles(app):
    before = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = ""
    yield
    app.config["MAP_TILE_URL"] = before


def _tenant_phone(chromium, live_server, lang: str, **options):
    context = chromium.new_context(
        base_url=live_server, viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2, is_mobile=True, has_touch=True, locale=lang,
        extra_http_headers={"Accept-Language": f"{lang},en;q=0.5"}, **options)
    context.set_default_timeout(20_000)
    return context


def _street(make, code: str):
    district = make.district()
    make.building(district, lat=LAT, lon=LON, code=code, address="Kartvägen 1")
    make.building(district, lat=LAT + 0.0008, lon=LON + 0.0010, address="Kartvägen 3")
    make.building(district, lat=LAT - 0.0006, lon=LON - 0.0012, address="Kartvägen 5")
    make.building(district, lat=LAT + 0.05, lon=LON, address="Långt bort 1")  # 5.5 km
    return district


def _fields(page) -> tuple[str, str]:
    return (page.input_value("input[name='report-latitude']"),
            page.input_value("input[name='report-longitude']"))


def _tap_map(page, x: float, y: float) -> None:
    """A tap at (x, y) inside the map box: Playwright scrolls it into view and makes sure
    the map, not the sticky send bar, is what is under that point."""
    page.locator("#pin-map").click(position={"x": x, "y": y})


def _map_ready(page) -> None:
    page.locator("#pin-map.leaflet-container").wait_for()
    page.locator("#pin-map .map-label").wait_for()


def test_a_tenant_pins_a_spot_in_arabic_and_staff_see_it(chromium, live_server, phone, app,
                                                          make, axe, tiles):
    _street(make, "PIN-AR")
    manager = make.user("manager", language="sv")
    context = _tenant_phone(chromium, live_server, "ar")
    page = context.new_page()
    errors, fetched = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("/t/PIN-AR")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # Leaflet is not part of the first visit.
    assert not [url for url in fetched if "leaflet" in url or "pin-map" in url]
    page.get_by_text("الإضاءة", exact=True).tap()
    choice = page.locator("details[data-pin-map]")
    summary = choice.locator("summary")
    assert summary.inner_text().strip() == "حدّد على الخريطة (اختياري)"
    summary.tap()
    _map_ready(page)
    assert [url for url in fetched if url.split("?")[0].endswith("leaflet.js")]
    assert page.locator("#pin-map .map-label").inner_text() == "Kartvägen 1"
    assert page.get_by_role("button", name="تكبير").is_visible()  # Leaflet's "Zoom in"
    # The map is not mirrored: the box is left to right, and a tap to the right of the
    # building is east of it.
    box = page.locator("#pin-map").bounding_box()
    assert page.locator("#pin-map").evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert box["width"] >= WIDTH - 2 * 16 - 2 * 14 - 2  # the whole width of the disclosure
    _tap_map(page, box["width"] / 2 + 60, box["height"] / 2 - 40)
    assert choice.locator("[role=status]").inner_text() == PLACED["ar"]
    lat, lon = map(float, _fields(page))
    assert lon > LON and lat > LAT
    assert 10 < distance_m(lat, lon, LAT, LON) < 100
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 1
    remove = choice.get_by_role("button", name="أزل العلامة")
    assert remove.is_visible()
    # A second tap moves the pin, it does not add one.
    _tap_map(page, box["width"] / 2 - 50, box["height"] / 2 + 30)
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 1
    lat, lon = map(float, _fields(page))
    assert lon < LON and lat < LAT
    page.locator("#pin-map").scroll_into_view_if_needed()
    shot(page, "tenant-pin-ar")
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.get_by_role("button", name="إرسال").tap()
    page.wait_for_url("**/t/status/**")
    assert errors == []
    with app.app_context():
        report = db.session.scalar(select(TenantReport).order_by(TenantReport.id.desc()))
        assert (report.latitude, report.longitude) == (lat, lon)
        report_id = report.id
        metres = round(distance_m(lat, lon, LAT, LON))
    context.close()

    staff = phone(locale="sv-SE")
    log_in(staff, app, manager)
    staff.goto(f"/tenant-reports/{report_id}")
    assert (f"Plats markerad av hyresgästen: {metres} m från huset."
            in staff.locator("main").inner_text())
    staff.locator("#report-map .leaflet-interactive").first.wait_for()
    assert staff.locator("#report-map .leaflet-interactive").count() == 2
    shot(staff, "triage-report-pinned", full_page=True)
    assert axe(staff) == []


def test_the_map_without_tiles_and_by_keyboard(chromium, live_server, app, make, axe,
                                               no_tiles):
    _street(make, "PIN-KEY")
    context = _tenant_phone(chromium, live_server, "sv")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/t/PIN-KEY")
    summary = page.locator("details[data-pin-map] summary")
    summary.focus()
    page.keyboard.press("Enter")
    _map_ready(page)
    # No tiles: a plain background with the building (named) and its two neighbours as
    # dots, not the one 5 km away; a note says why.
    assert page.locator("#pin-map img.leaflet-tile").count() == 0
    assert page.locator("details[data-pin-map] .map-note").inner_text() == NO_TILES
    assert page.locator("#pin-map path.leaflet-interactive").count() == 0  # drawn only
    # The 300 m circle, the building, its two neighbours.
    assert page.locator("#pin-map .leaflet-overlay-pane path").count() == 1 + 1 + 2
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pin-map"
    page.keyboard.press("Enter")  # the pin in the middle: the building
    status = page.locator("details[data-pin-map] [role=status]").last
    assert status.inner_text() == PLACED["sv"]
    lat, lon = map(float, _fields(page))
    assert distance_m(lat, lon, LAT, LON) < 2
    page.keyboard.press("ArrowRight")  # the map moves; Enter moves the pin with it
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")
    assert float(_fields(page)[1]) > lon
    shot(page, "tenant-pin-sv-no-tiles")
    assert axe(page) == []
    # Tab leaves the map: its zoom buttons, then "Remove the pin".
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Ta bort markeringen":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Ta bort markeringen"
    page.keyboard.press("Enter")
    assert _fields(page) == ("", "")
    assert status.inner_text() == "Markeringen är borttagen."
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 0
    assert page.evaluate("document.activeElement.id") == "pin-map"
    # Farther than 300 m is refused here, as the server would drop it.
    for _ in range(2):  # (one click per zoom animation)
        page.locator("#pin-map .leaflet-control-zoom-out").click()
        page.wait_for_timeout(500)
    box = page.locator("#pin-map").bounding_box()
    _tap_map(page, 8, box["height"] - 8)
    assert status.inner_text() == "Det är mer än 300 m från huset. Sätt markeringen närmare."
    assert _fields(page) == ("", "")
    assert errors == []
    context.close()


def test_without_javascript_the_map_choice_is_not_shown(chromium, live_server, make):
    _street(make, "PIN-NOJS")
    context = _tenant_phone(chromium, live_server, "sv", java_script_enabled=False)
    page = context.new_page()
    page.goto("/t/PIN-NOJS")
    assert page.locator("details[data-pin-map]").is_hidden()
    assert page.locator("[data-position]").is_hidden()
    context.close()


@pytest.mark.parametrize("lang", ["sv", "en", "ar", "so", "fi"])
def test_the_open_map_in_every_language(chromium, live_server, make, axe, tiles, lang):
    _street(make, f"PIN-{lang}")
    context = _tenant_phone(chromium, live_server, lang)
    page = context.new_page()
    page.goto(f"/t/PIN-{lang}")
    page.locator("details[data-pin-map] summary").tap()
    _map_ready(page)
    box = page.locator("#pin-map").bounding_box()
    _tap_map(page, box["width"] / 2 + 30, box["height"] / 2)
    assert page.locator("details[data-pin-map] button").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert axe(page) == []
    context.close()


def test_the_phones_position_shows_on_the_map_and_a_pin_replaces_it(chromium, live_server,
                                                                   make, tiles):
    _street(make, "PIN-GPS")
    context = _tenant_phone(chromium, live_server, "fi", permissions=["geolocation"],
                            geolocation={"latitude": LAT + 0.0003, "longitude": LON,
                                         "accuracy": 10})
    page = context.new_page()
    page.goto("/t/PIN-GPS")
    use = page.locator("[data-position] button")
    use.tap()
    page.wait_for_selector("[data-position] button[aria-pressed=true]")
    page.locator("details[data-pin-map] summary").tap()
    _map_ready(page)
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 1  # the GPS position
    assert _fields(page) == (f"{LAT + 0.0003:.6f}", f"{LON:.6f}")
    assert use.get_attribute("aria-pressed") == "true"
    box = page.locator("#pin-map").bounding_box()
    _tap_map(page, box["width"] / 2 - 40, box["height"] / 2 + 20)
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 1
    assert float(_fields(page)[1]) < LON
    assert use.get_attribute("aria-pressed") == "false"  # the pin says where now
    context.close()


def test_the_residents_pin_page_shares_the_pin_map(phone, app, make, tiles):
    from datetime import timedelta

    from app.models import utcnow

    district = make.district("Alby")
    make.building(district, lat=59.2390, lon=17.8450, address="Albyvägen 12")
    manager = make.user("manager", language="sv")
    walk = make.walk(district, status="planned", planned_start=utcnow() + timedelta(days=14))
    page = phone(locale="sv-SE")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, app, manager)
    page.goto(f"/walks/{walk}")
    page.get_by_role("link", name="Sida för boende och QR-kod").click()
    page.get_by_role("button", name="Öppna sidan för boende").click()
    url = page.locator(".public-link a").first.get_attribute("href")
    page.goto(url)
    page.locator("details.pin-map-choice summary").click()
    page.locator("#pin-map.leaflet-container").wait_for()
    box = page.locator("#pin-map").bounding_box()
    _tap_map(page, box["width"] / 2 + 20, box["height"] / 2 - 20)
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 1
    assert float(page.input_value("#latitude")) > 59.2390
    assert float(page.input_value("#longitude")) > 17.8450
    assert errors == []
