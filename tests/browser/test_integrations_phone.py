"""Issue 26 on a phone (390 px): an admin makes an API key and adds a webhook, in Swedish;
no sideways scrolling and no serious accessibility violations."""

from __future__ import annotations

from app.extensions import db
from app.integrations import operations as ops
from app.models import User
from tests.browser.conftest import log_in, shot


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_an_admin_makes_a_key_and_a_webhook_on_a_phone(phone, app, make, axe):
    admin = make.user("admin")
    with app.app_context():
        ops.set_allow_private(db.session, db.session.get(User, admin), True)
        db.session.commit()
    page = phone(locale="sv-SE")
    log_in(page, app, admin)

    page.goto("/admin/integrations")
    page.fill("#name", "Fastighetssystemet Vitec, arbetsordrar")
    page.locator("label:has(input[name=scopes][value=open311])").click()
    page.locator("label:has(input[name=scopes][value='findings:create'])").click()
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_selector("#new-token")
    token = page.input_value("#new-token")
    assert token.startswith("trygg_")
    assert "visas bara den här gången" in page.inner_text("main")
    _no_sideways_scroll(page)
    assert axe(page) == []
    shot(page, "i26-api-keys", full_page=True)
    page.goto("/admin/integrations")
    assert token not in page.content()

    page.goto("/admin/webhooks")
    page.fill("#url", "http://127.0.0.1:9/a/rather/long/path/for/the/property/system/hooks")
    page.locator("label:has(input[name=events][value='finding.assigned'])").click()
    page.locator("main form.card button[type=submit]").first.click()
    page.wait_for_selector("#new-secret")
    _no_sideways_scroll(page)
    assert axe(page) == []
    shot(page, "i26-webhooks", full_page=True)
    page.locator("main ul.list a").first.click()
    page.wait_for_load_state()
    shot(page, "i26-deliveries", full_page=True)
    page.wait_for_selector("h1:has-text('Leveranser')")
    _no_sideways_scroll(page)
    assert axe(page) == []
