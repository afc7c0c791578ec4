"""Before the walk, on phones (390×844): the leader opens the residents' pin page and gets
its QR code; a resident without an account picks a building (no map tiles needed) and says
what feels unsafe and when; a manager approves the pin and it shows on the walk's page and
map. The owners list on a phone too. axe-core: no serious or critical violation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import PinStatus, ResidentPin, utcnow
from tests.browser.conftest import log_in, shot


@pytest.fixture
def no_tiles(app):
    """The map's tile server unreachable: the page must work from the building list."""
    before = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = ""
    yield
    app.config["MAP_TILE_URL"] = before


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_pins_a_place_and_it_becomes_a_route_suggestion(phone, app, make, axe,
                                                                   no_tiles):
    district = make.district("Alby")
    make.building(district, lat=59.2390, lon=17.8450, address="Albyvägen 12")
    make.building(district, lat=59.2395, lon=17.8470, address="Albyvägen 14")
    manager = make.user("manager", language="sv")
    walk = make.walk(district, status="planned", planned_start=utcnow() + timedelta(days=14),
                     title="Kvällsvandring Alby")
    page = phone(locale="sv-SE")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, app, manager)
    page.goto(f"/walks/{walk}")
    page.get_by_role("link", name="Sida för boende och QR-kod").click()
    page.get_by_role("button", name="Öppna sidan för boende").click()
    assert page.locator(".share-card .qr-code svg").count() == 1
    shot(page, "pins-sharing", full_page=True)
    assert axe(page) == []
    _fits(page)
    url = page.locator(".public-link a").first.get_attribute("href")
    page.get_by_role("link", name="Anslag att skriva ut").click()
    assert page.locator("h1").inner_text() == "Var känner du dig otrygg?"
    assert url in page.locator(".notice").inner_text()
    shot(page, "pin-notice", full_page=True)
    assert axe(page) == []
    _fits(page)

    resident = phone(locale="sv-SE")
    resident.on("pageerror", lambda error: errors.append(str(error)))
    resident.goto(url)
    assert resident.locator("h1").inner_text() == "Markera en plats som känns otrygg"
    # Sent empty: the messages, and nothing chosen is lost.
    resident.select_option("select[name=building_id]", index=2)  # the default: no map needed
    resident.get_by_role("button", name="Skicka").click()
    assert "Skriv vad som känns otryggt här." in resident.locator("#pin-form").inner_text()
    chosen = resident.input_value("select[name=building_id]")
    assert chosen != "0"
    resident.fill("textarea[name=description]", "Mörk gång bakom tvättstugan")
    resident.locator("label", has_text="Kväll").click()
    shot(resident, "pin-page", full_page=True)
    assert axe(resident) == []
    _fits(resident)
    resident.get_by_role("button", name="Skicka").click()
    assert resident.locator("h1").inner_text() == "Tack"
    assert axe(resident) == []

    page.goto(f"/walks/{walk}/pins")
    assert "Mörk gång bakom tvättstugan" in page.locator("main").inner_text()
    shot(page, "pins-review", full_page=True)
    assert axe(page) == []
    _fits(page)
    page.get_by_role("button", name="Godkänn").click()
    with app.app_context():
        pin = db.session.scalars(db.select(ResidentPin)).one()
        assert (pin.status, pin.time_of_day.value) == (PinStatus.APPROVED, "evening")
    page.goto(f"/walks/{walk}")
    suggestions = page.locator("section[aria-labelledby=pins-h]")
    assert "Mörk gång bakom tvättstugan" in suggestions.inner_text()
    page.locator(".walk-map .leaflet-marker-icon, .walk-map .leaflet-interactive").first.wait_for()
    shot(page, "walk-with-pins", full_page=True)
    assert errors == []


def test_the_owners_list_on_a_phone(phone, app, make, axe):
    admin = make.user("admin", language="sv")
    page = phone(locale="sv-SE")
    log_in(page, app, admin)
    page.goto("/admin/owners")
    page.fill("input[name=name]", "Botkyrka kommun")
    page.select_option("select[name=kind]", "municipality")
    page.get_by_role("button", name="Lägg till").click()
    assert "Ange en e-postadress" in page.locator("#owner-form").inner_text()
    assert page.input_value("input[name=name]") == "Botkyrka kommun"
    page.fill("input[name=email]", "gata@botkyrka.example")
    page.get_by_role("button", name="Lägg till").click()
    assert "Botkyrka kommun" in page.locator("#owners-table").inner_text()
    assert page.locator(".admin-nav a[aria-current=page]").inner_text() == "Ägare"
    shot(page, "owners", full_page=True)
    assert axe(page) == []
    _fits(page)
