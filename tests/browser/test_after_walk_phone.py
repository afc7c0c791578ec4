"""The after-meeting on a phone (390×844) and the public protocol it publishes: a manager
answers every point, one goes to the municipality; the protocol opened without an account
shows the statuses and changes when a point is fixed. axe-core: no serious or critical
violation on any of these screens."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import Finding, FindingStatus, OutboxMail, utcnow
from app.timeutil import local_today
from tests.afterwalk.conftest import make_walked
from tests.browser.conftest import log_in, shot


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_after_walk_screen_and_public_protocol_on_a_phone(phone, app, make, axe):
    walked = make_walked(app, make)
    manager = make.user("manager", language="sv")
    lamp, bushes, secret = walked.findings
    page = phone(locale="sv-SE")
    log_in(page, app, manager)

    page.goto(f"/walks/{walked.walk}")
    assert "3 punkter saknar svar." in page.locator(".after-status").inner_text()
    page.get_by_role("link", name="Besvara punkterna").click()
    assert page.locator("h1").inner_text() == "Efter vandringen"
    shot(page, "after-walk", full_page=True)
    assert axe(page) == []
    _fits(page)

    page.get_by_role("link", name="Besvara nästa punkt").click()
    assert "Punkt 1 av 3" in page.locator("h1").inner_text()
    # Saved without an owner: the message, and the action typed is still there.
    page.fill("textarea[name=action]", "Ny gatubelysning")
    page.get_by_role("button", name="Spara och nästa").click()
    assert "Välj vem som äger punkten." in page.locator("#answer-form").inner_text()
    assert page.input_value("textarea[name=action]") == "Ny gatubelysning"
    shot(page, "after-walk-point-error", full_page=True)
    assert axe(page) == []
    _fits(page)
    page.select_option("select[name=owner_id]", label="Botkyrka kommun")
    page.fill("input[name=due_date]", (local_today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Spara och nästa").click()
    assert "Punkt 2 av 3" in page.locator("h1").inner_text()
    page.check("input[name=no_action]")
    page.fill("textarea[name=reason]", "Buskarna klipps redan varje vår")
    page.get_by_role("button", name="Spara och nästa").click()
    assert "Punkt 3 av 3" in page.locator("h1").inner_text()
    page.select_option("select[name=owner_id]", label="Bostadsbolaget")
    page.fill("textarea[name=action]", "Samtal med hyresgästen")
    page.fill("input[name=due_date]", (local_today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Spara och nästa").click()
    assert "Alla punkter är besvarade." in page.locator("#unanswered").inner_text()
    with app.app_context():
        mails = db.session.scalars(db.select(OutboxMail)).all()
        assert [m.to_address for m in mails] == ["gata@botkyrka.example"]

    page.get_by_role("button", name="Publicera protokollet").click()
    public_url = page.locator(".public-link a").first.get_attribute("href")

    # A resident's phone: no account, English.
    resident = phone(locale="en-GB")
    resident.goto(public_url)
    assert resident.locator("h1").inner_text() == "Safety walk protocol"
    points = resident.locator(".public-point")
    assert points.count() == 2  # the confidential point is not published
    assert "Botkyrka kommun" in points.nth(0).inner_text()
    assert "Langning" not in resident.content()
    shot(resident, "public-protocol", full_page=True)
    assert axe(resident) == []
    _fits(resident)
    with app.app_context():
        finding = db.session.get(Finding, lamp)
        finding.status, finding.fixed_at = FindingStatus.FIXED, utcnow()
        db.session.commit()
    resident.reload()
    assert "Fixed" in resident.locator(".public-point").nth(0).inner_text()
    assert resident.locator("#count-done").inner_text() == "1"
    # The switcher: the same page in Swedish.
    resident.locator(".lang-switch-top button[lang=sv]").click()
    assert resident.locator("h1").inner_text() != "Safety walk protocol"
    assert "Åtgärdad" in resident.locator(".public-point").nth(0).inner_text() or \
        "Åtgärdat" in resident.locator(".public-point").nth(0).inner_text()
    assert axe(resident) == []
    # Printable: the print stylesheet hides the top bar and the language buttons.
    resident.emulate_media(media="print")
    assert not resident.locator(".topbar").is_visible()
    assert resident.locator(".public-point").nth(0).is_visible()
