"""Join by code and together, live, on three phones at 390x844 (issue 24): a manager shows
the walk's code; a tenant and a police officer join on their own phones without accounts,
each adds a finding (the officer offline: the outbox keeps it and sends it when the phone
is back online), and all three phones show all three findings, with who added each, within
5 s of each reaching the server. axe-core: no serious or critical violation on the join
page, the guest's capture page and the leader's code page."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Finding
from tests.browser.conftest import log_in, shot

LIVE_SECONDS = 5.0


@pytest.fixture
def no_tiles(app):
    """No tile server from the test machine: the map shows its markers on a plain ground."""
    before = app.config["MAP_TILE_URL"]
    app.config["MAP_TILE_URL"] = ""
    yield
    app.config["MAP_TILE_URL"] = before


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _count(app, walk_id) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count(Finding.id)).where(Finding.walk_id == walk_id))
        db.session.remove()
    return n


def _wait(page, check, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


def _shows_all(pages, texts, started, message):
    """Every page lists every text within LIVE_SECONDS of `started` (the finding's arrival)."""
    for page in pages:
        _wait(page, lambda p=page: all(t in p.locator("#findings").inner_text() for t in texts),
              LIVE_SECONDS - (time.monotonic() - started) + 0.05, message)
    return time.monotonic() - started


def _capture(page, category_id, description):
    page.locator("#finding-form-slot a[href$='/findings/new']").click()
    form = page.locator("form[data-outbox-walk]")
    form.wait_for()
    form.locator(f"label:has(input[name=category_id][value='{category_id}'])").click()
    form.locator("textarea[name=description]").fill(description)
    # As a walker would: send once the phone's position shows (a finding sent before the first
    # fix has no place, and so no marker on the walk map).
    form.locator(".where-text", has_text="±").wait_for()
    form.locator("button[type=submit]").click()


def _join(page, code_typed, name, role_label):
    page.goto("/join")
    page.fill("input[name=code]", code_typed)
    page.get_by_role("button", name="Fortsätt").click()
    assert page.locator("h1").inner_text() == "Gå med i vandringen"
    page.fill("input[name=name]", name)
    page.locator(f"label:has-text('{role_label}')").click()
    page.get_by_role("button", name="Gå med i vandringen").click()
    page.locator("#live-findings").wait_for()


def test_three_phones_join_by_code_and_see_all_findings_live(phone, app, make, axe, no_tiles):
    district = make.district("Alby")
    make.building(district, lat=59.2390, lon=17.8450, address="Albyvägen 12")
    manager = make.user("manager", language="sv", name="Maja Förvaltare")
    walk = make.walk(district, leader_id=manager, title="Kvällsvandring Alby")
    category = make.category_id("lighting")
    errors: list[str] = []

    leader = phone(locale="sv-SE", latitude=59.2390, longitude=17.8450)
    leader.on("pageerror", lambda error: errors.append(str(error)))
    log_in(leader, app, manager)
    leader.goto(f"/walks/{walk}")
    leader.get_by_role("link", name="Bjud in på plats (kod)").click()
    assert leader.locator("h1").inner_text() == "Bjud in på plats"
    code = leader.locator(".join-code-text").inner_text().replace("\u202f", "")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code)
    assert leader.locator(".join-qr svg").count() == 1
    shot(leader, "join-code-leader", full_page=True)
    assert axe(leader) == []
    _fits(leader)
    leader.goto(f"/walks/{walk}")

    # The tenant types the code in lower case with a space; axe on the join pages.
    tenant = phone(locale="sv-SE", latitude=59.2391, longitude=17.8452)
    tenant.on("pageerror", lambda error: errors.append(str(error)))
    tenant.goto("/join")
    shot(tenant, "join-type-code")
    assert axe(tenant) == []
    _fits(tenant)
    tenant.fill("input[name=code]", "XXXXXX")
    tenant.get_by_role("button", name="Fortsätt").click()
    assert "Ingen pågående vandring har den koden" in tenant.locator("main").inner_text()
    assert axe(tenant) == []
    _join(tenant, code[:3].lower() + " " + code[3:].lower(), "Tina Hyresgäst", "Hyresgäst")
    assert "Tina Hyresgäst (Hyresgäst), gäst" in tenant.locator("main header").inner_text()

    police = phone(locale="sv-SE", latitude=59.2392, longitude=17.8449)
    police.on("pageerror", lambda error: errors.append(str(error)))
    police.goto(f"/join/{code}")
    shot(police, "join-name-role", full_page=True)
    assert axe(police) == []
    _fits(police)
    police.fill("input[name=name]", "Kim Polis")
    police.locator("label:has-text('Polis')").click()
    police.get_by_role("button", name="Gå med i vandringen").click()
    police.locator("#live-findings").wait_for()

    # 1. The tenant adds a finding online.
    tenant.locator("#finding-form-slot a[href$='/findings/new']").click()
    tenant.locator("form[data-outbox-walk]").wait_for()
    shot(tenant, "guest-capture", full_page=True)
    assert axe(tenant) == []
    _fits(tenant)
    form = tenant.locator("form[data-outbox-walk]")
    form.locator(f"label:has(input[name=category_id][value='{category}'])").click()
    form.locator("textarea[name=description]").fill("Trasig lampa vid tvättstugan")
    form.locator("button[type=submit]").click()
    arrived = _wait(tenant, lambda: _count(app, walk) == 1, 15, "the tenant's finding")
    took = _shows_all([leader, tenant, police], ["Trasig lampa vid tvättstugan"], arrived,
                      "the tenant's finding on every phone")
    assert "Tina Hyresgäst (Hyresgäst), gäst" in leader.locator("#findings").inner_text()

    # 2. The officer is offline: the finding waits on the phone, then goes when back online.
    police.context.set_offline(True)
    _capture(police, category, "Mörk gångväg bakom garaget")
    police.wait_for_function(
        "() => document.querySelector('#outbox-badge .outbox-count').textContent.startsWith('1 ')")
    police.wait_for_timeout(1500)
    assert _count(app, walk) == 1
    shot(police, "guest-offline-waiting", full_page=True)
    police.context.set_offline(False)
    arrived = _wait(police, lambda: _count(app, walk) == 2, 20, "the officer's finding, synced")
    took2 = _shows_all([leader, tenant, police], ["Mörk gångväg bakom garaget"], arrived,
                       "the officer's finding on every phone")
    police.locator("#outbox-badge").wait_for(state="hidden")

    # 3. The manager adds one from the walk page.
    _capture(leader, category, "Klotter på miljöhuset")
    arrived = _wait(leader, lambda: _count(app, walk) == 3, 15, "the manager's finding")
    took3 = _shows_all([leader, tenant, police],
                       ["Klotter på miljöhuset", "Mörk gångväg bakom garaget",
                        "Trasig lampa vid tvättstugan"], arrived, "all three on every phone")
    for page in (leader, tenant, police):
        listed = page.locator("#findings")
        assert listed.locator(":scope > li").count() == 3
        text = listed.inner_text()
        assert "Kim Polis (Polis), gäst" in text and "Maja Förvaltare" in text
        # The map has the walk's three findings as its live layer.
        _wait(page, lambda p=page: p.locator("#walk-map").get_attribute("data-live-markers")
              == "3", 6, "three markers on the map")
    shot(leader, "live-leader", full_page=True)
    shot(tenant, "live-tenant", full_page=True)
    shot(police, "live-police", full_page=True)
    print(f"seconds from arrival to shown on all three phones: {took:.1f}, {took2:.1f}, "
          f"{took3:.1f}")
    assert errors == []


def test_polls_are_answered_304_while_nothing_changes(phone, app, make, no_tiles, monkeypatch):
    monkeypatch.setitem(app.config, "LIVE_POLL_SECONDS", 1)  # three polls in 3.5 s, not 12 s
    district = make.district()
    manager = make.user("manager", language="sv")
    walk = make.walk(district, leader_id=manager)
    page = phone(locale="sv-SE")
    log_in(page, app, manager)
    statuses = []
    page.on("response", lambda r: statuses.append(r.status)
            if re.search(r"/walks/\d+/live$", r.url) else None)
    page.goto(f"/walks/{walk}")
    page.wait_for_timeout(3500)
    assert len(statuses) >= 2 and set(statuses) == {304}, statuses
    make.finding(walk, manager, description="Ny punkt")
    _wait(page, lambda: "Ny punkt" in page.locator("#findings").inner_text(), 2.5, "new point")
    assert 200 in statuses
