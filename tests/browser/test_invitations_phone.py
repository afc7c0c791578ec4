"""Before the walk, on a phone (390×844): the leader invites a tenant and a police officer,
sees the list with each mail's state, and makes a calendar address in Settings. axe-core: no
serious or critical violation on the new screens."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import OutboxMail, utcnow
from tests.browser.conftest import log_in, shot


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_leader_invites_a_tenant_and_a_police_officer(phone, app, make, axe):
    district = make.district("Alby")
    leader = make.user("walker", name="Lena Ledare", language="sv")
    walk = make.walk(district, status="planned", leader_id=leader,
                     planned_start=utcnow() + timedelta(days=14), title="Kvällsvandring Alby")
    page = phone(locale="sv-SE")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, app, leader)
    page.goto(f"/walks/{walk}")
    page.get_by_role("link", name="Bjud in deltagare").click()
    assert page.locator("h1").inner_text() == "Bjud in deltagare"
    assert "Ingen inbjuden ännu." in page.locator("main").inner_text()
    shot(page, "invite-empty", full_page=True)
    assert axe(page) == []
    _fits(page)

    # Sent without a name: the message, and the e-mail typed is kept.
    page.fill("input[name=email]", "hans@example.org")
    page.get_by_role("button", name="Bjud in", exact=True).click()
    assert "Ange personens namn." in page.locator("#invite-form").inner_text()
    assert page.input_value("input[name=email]") == "hans@example.org"
    shot(page, "invite-error", full_page=True)
    assert axe(page) == []
    page.fill("input[name=name]", "Hans Hyresgäst")
    page.select_option("select[name=role]", "tenant")
    page.fill("input[name=phone]", "070-123 45 67")
    page.get_by_role("button", name="Bjud in", exact=True).click()
    assert "Hans Hyresgäst är inbjuden" in page.locator(".flashes").inner_text()

    page.fill("input[name=name]", "Pia Polis")
    page.select_option("select[name=role]", "police")
    page.fill("input[name=email]", "pia@polisen.example")
    page.get_by_role("button", name="Bjud in", exact=True).click()
    listed = page.locator("#invitation-list").inner_text()
    assert "Hans Hyresgäst" in listed and "Hyresgäst" in listed and "070-123 45 67" in listed
    assert "Pia Polis" in listed and "Polis" in listed
    assert listed.count("Mejl i utkorgen") == 2
    shot(page, "invite-list", full_page=True)
    assert axe(page) == []
    _fits(page)

    # The walk page: who is invited, and the walk for one's own calendar.
    page.get_by_role("link", name="Kvällsvandring Alby").click()
    section = page.locator("section[aria-labelledby=invitations-h]").inner_text()
    assert "Inbjudna (2)" in section and "Pia Polis" in section
    calendar_link = page.get_by_role("link", name="Lägg till i kalendern")
    assert calendar_link.get_attribute("href") == f"/walks/{walk}/calendar.ics"
    shot(page, "walk-with-invitations", full_page=True)
    assert axe(page) == []
    _fits(page)

    # Settings → Calendar: a new secret address, shown once.
    page.goto("/settings")
    assert axe(page, "section[aria-labelledby=calendar-heading]") == []
    page.get_by_role("link", name="Kalenderadress").click()
    page.get_by_role("button", name="Skapa min kalenderadress").click()
    address = page.input_value("#feed-url")
    assert "/calendar/" in address and address.endswith(".ics")
    shot(page, "calendar-address", full_page=True)
    assert axe(page) == []
    _fits(page)
    feed = page.request.get(address.split(":5000")[-1] if ":5000" in address else address)
    assert feed.status == 200 and "Kvällsvandring Alby" in feed.text()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMail)) == 2
