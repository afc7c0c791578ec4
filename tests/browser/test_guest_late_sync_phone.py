"""A guest's finding is not lost when the leader completes the walk before the guest's phone
was back online (issue 24), on two phones at 390x844: a police officer joins by code,
captures in a basement without signal, the leader completes the walk meanwhile; back online,
the officer's page turns into "the walk is completed, your waiting finding is being sent"
(asking before leaving with it waiting), the finding arrives on the completed walk, and the
leader sees it there, named as the guest's."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Finding, Walk
from tests.browser.conftest import log_in, shot
from tests.browser.test_join_by_code_phones import _count, _wait


def test_a_guests_offline_finding_arrives_after_the_leader_completed_the_walk(
        phone, app, make, axe):
    app.config["MAP_TILE_URL"], tiles = "", app.config["MAP_TILE_URL"]
    try:
        _run(phone, app, make, axe)
    finally:
        app.config["MAP_TILE_URL"] = tiles


def _run(phone, app, make, axe):
    district = make.district("Alby")
    make.building(district, lat=59.2390, lon=17.8450, address="Albyvägen 12")
    manager = make.user("manager", language="sv", name="Maja Förvaltare")
    walk = make.walk(district, leader_id=manager, title="Kvällsvandring Alby")
    category = make.category_id("lighting")
    errors: list[str] = []

    leader = phone(locale="sv-SE", latitude=59.2390, longitude=17.8450)
    leader.on("pageerror", lambda error: errors.append(str(error)))
    log_in(leader, app, manager)
    leader.goto(f"/walks/{walk}/join-code")
    code = leader.locator(".join-code-text").inner_text().replace("\u202f", "")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code)

    # The officer's phone: no service worker, so that its requests can be held up here.
    police = phone(locale="sv-SE", latitude=59.2392, longitude=17.8449, service_workers="block")
    police.on("pageerror", lambda error: errors.append(str(error)))
    police.goto(f"/join/{code}")
    police.fill("input[name=name]", "Kim Polis")
    police.locator("label:has-text('Polis')").click()
    police.get_by_role("button", name="Gå med i vandringen").click()
    police.locator("#live-findings").wait_for()
    police.wait_for_load_state("load")  # htmx ready: the form opens in the walk page
    police.locator("#finding-form-slot a[href$='/findings/new']").click()
    form = police.locator("form[data-outbox-walk]")
    form.wait_for()
    assert police.url.endswith("/join/walk")

    # In the basement: no signal. The finding waits on the phone.
    police.context.set_offline(True)
    form.locator(f"label:has(input[name=category_id][value='{category}'])").click()
    form.locator("textarea[name=description]").fill("Trasig lampa i källargången")
    form.locator("button[type=submit]").click()
    police.wait_for_function(
        "() => document.querySelector('#outbox-badge .outbox-count').textContent.startsWith('1 ')")

    # Meanwhile the leader completes the walk.
    leader.goto(f"/walks/{walk}/complete")
    leader.get_by_role("button", name=re.compile("lås vandringen", re.I)).click()
    leader.wait_for_url(re.compile(rf"/walks/{walk}$"))
    with app.app_context():
        assert db.session.get(Walk, walk).status == "completed"
        db.session.remove()

    # Back up the stairs: a connection, but the finding's request is held up for a moment.
    police.route("**/api/v1/walks/*/findings", lambda route: route.abort())
    police.context.set_offline(False)
    police.wait_for_url(re.compile(r"/join/walk$"), timeout=20_000)  # the live poll moved it
    sending = police.locator("#walk-sending")
    sending.wait_for()
    assert sending.inner_text() == "Ditt väntande fynd skickas nu."
    assert police.locator("h2#completed-h").inner_text() == "Vandringen är avslutad"
    assert police.locator("#walk-sent").is_hidden()
    assert police.locator("#finding-form-slot, #live-findings, #walk-map").count() == 0
    assert "Belysning" in police.locator("#queued-findings").inner_text()
    assert _count(app, walk) == 0
    shot(police, "guest-walk-completed-sending", full_page=True)
    assert axe(police) == []
    assert police.evaluate("document.documentElement.scrollWidth") <= 390

    # Leaving now would strand it: the page asks first, and staying keeps it.
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    police.once("dialog", dismiss)
    police.get_by_role("button", name="Lämna vandringen").click()
    _wait(police, lambda: bool(asked), 5, "the question before leaving")
    assert asked[0].startswith("1 av dina fynd är inte skickade än")
    assert police.url.endswith("/join/walk")

    # The request goes through: the finding arrives on the completed walk.
    police.unroute("**/api/v1/walks/*/findings")
    police.evaluate("TryggOutbox.sendAll(true)")
    _wait(police, lambda: _count(app, walk) == 1, 20, "the guest's finding, sent late")
    police.locator("#walk-sent").wait_for()
    assert police.locator("#walk-sending").is_hidden()
    shot(police, "guest-walk-completed-sent", full_page=True)
    with app.app_context():
        finding = db.session.scalar(select(Finding).where(Finding.walk_id == walk))
        assert finding.guest.name == "Kim Polis" and finding.author_id is None
        db.session.remove()

    # The leader sees it on the completed walk.
    leader.goto(f"/walks/{walk}")
    listed = leader.locator("main").inner_text()
    assert "Trasig lampa i källargången" in listed and "Kim Polis (Polis), gäst" in listed
    shot(leader, "leader-completed-walk-late-finding", full_page=True)
    assert errors == []


def test_a_guest_who_left_with_a_finding_waiting_is_told_to_save_it_as_a_file(phone, app, make):
    """The officer leaves the walk anyway with a finding still on the phone: the outbox then
    names it a guest's from an ended session and says to save it as a file for the leader,
    not "log in as them" (a guest has no login)."""
    district = make.district("Alby")
    make.building(district, lat=59.2390, lon=17.8450, address="Albyvägen 12")
    manager = make.user("manager", language="sv")
    walk = make.walk(district, leader_id=manager, title="Kvällsvandring Alby")
    category = make.category_id("lighting")
    leader = phone(locale="sv-SE")
    log_in(leader, app, manager)
    leader.goto(f"/walks/{walk}/join-code")
    code = leader.locator(".join-code-text").inner_text().replace("\u202f", "")

    police = phone(locale="sv-SE", latitude=59.2392, longitude=17.8449, service_workers="block")
    police.goto(f"/join/{code}")
    police.fill("input[name=name]", "Kim Polis")
    police.locator("label:has-text('Polis')").click()
    police.get_by_role("button", name="Gå med i vandringen").click()
    police.locator("#live-findings").wait_for()
    police.wait_for_load_state("load")
    police.locator("#finding-form-slot a[href$='/findings/new']").click()
    form = police.locator("form[data-outbox-walk]")
    form.wait_for()
    police.context.set_offline(True)
    form.locator(f"label:has(input[name=category_id][value='{category}'])").click()
    form.locator("button[type=submit]").click()
    police.wait_for_function(
        "() => document.querySelector('#outbox-badge .outbox-count').textContent.startsWith('1 ')")

    # Back in signal, but the finding does not get through before the officer leaves.
    police.route("**/api/v1/walks/*/findings", lambda route: route.abort())
    police.context.set_offline(False)
    police.once("dialog", lambda dialog: dialog.accept())
    police.get_by_role("button", name="Lämna vandringen").click()
    police.wait_for_url(lambda url: not url.endswith("/join/walk"))
    police.wait_for_load_state("load")
    badge = police.locator("#outbox-badge")
    badge.wait_for()
    assert badge.locator(".outbox-count").inner_text() == "1 från en avslutad gästsession"
    badge.click()
    panel = police.locator("#outbox-panel")
    panel.wait_for()
    text = panel.inner_text()
    assert "Gäst" in text and "ge filen till vandringsledaren" in text
    assert "logga in" not in text.lower()
    assert panel.get_by_role("button", name="Spara som fil").count() == 1
    shot(police, "guest-left-with-finding-waiting", full_page=True)
    assert _count(app, walk) == 0
