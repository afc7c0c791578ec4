"""Cancelling a planned walk on a phone (390x844, issue 24): the walk page's "Ställ in
vandringen" opens a page that asks first (who is mailed, an optional reason); confirming marks
the walk cancelled, and the invited person's cancellation is in the outbox. axe-core clean."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMail, Walk
from tests.browser.conftest import log_in, shot


def test_the_leader_cancels_a_planned_walk_on_a_phone(phone, app, make, axe):
    district = make.district("Alby")
    leader = make.user("walker", language="sv", name="Lena Ledare")
    walk = make.walk(district, status="planned", leader_id=leader, title="Kvällsvandring Alby",
                     planned_start=datetime.now(UTC) + timedelta(days=5))
    errors: list[str] = []
    page = phone(locale="sv-SE")
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, app, leader)
    page.goto(f"/walks/{walk}/invitations")
    page.fill("input[name=name]", "Hans Hyresgäst")
    page.fill("input[name=email]", "hans@example.org")
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"/walks/{walk}")
    page.get_by_role("link", name="Ställ in vandringen").click()
    assert page.locator("h1").inner_text() == "Ställa in vandringen?"
    main = page.locator("main").inner_text()
    assert "1 person som är inbjuden via e-post får ett mejl" in main
    page.fill("textarea[name=reason]", "Stormvarning i kväll")
    shot(page, "cancel-walk-confirm", full_page=True)
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Ställ in vandringen").click()
    page.wait_for_url(f"**/walks/{walk}")
    notice = page.locator(".walk-cancelled").inner_text()
    assert "Vandringen är inställd." in notice and "Stormvarning i kväll" in notice
    assert page.get_by_role("button", name="Starta vandringen").count() == 0
    shot(page, "cancel-walk-done", full_page=True)
    assert axe(page) == []
    with app.app_context():
        assert db.session.get(Walk, walk).status == "cancelled"
        subjects = db.session.scalars(select(OutboxMail.subject).where(
            OutboxMail.to_address == "hans@example.org").order_by(OutboxMail.id)).all()
        assert subjects[-1].startswith("Inställt:")
        db.session.remove()
    assert errors == []
