"""The managers' map without a tile server (offline, or none configured): markers still show."""

import pytest

from tests.browser.conftest import log_in


@pytest.fixture(autouse=True)
def no_tile_server(app):
    before = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = ""
    yield
    app.config["MAP_TILE_URL"] = before


def test_findings_map_draws_its_markers_without_tiles(phone, app, make):
    manager = make.user("manager")
    walker = make.user("walker")
    walk = make.walk()
    for _ in range(3):
        make.finding(walk, walker, latitude=59.2472, longitude=17.8610)
    page = phone(locale="sv-SE")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, app, manager)
    page.goto("/findings/map")
    page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for()
    assert errors == []
