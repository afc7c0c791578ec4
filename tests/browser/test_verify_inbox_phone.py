"""'To verify' on a phone (390×844, Swedish, issue 21 point 6): the fix just made is the first
card, ten cards a page, the order and the page links are large enough to tap, the order chosen
is kept, nothing scrolls sideways, axe-core finds nothing serious."""

from datetime import UTC, datetime, timedelta

from app.models import FindingStatus, Severity
from tests.browser.conftest import log_in, shot

WIDTH, TAP = 390, 44


def test_verify_inbox_on_a_phone(app, make, phone, axe):
    author = make.user("walker")
    fixer = make.user("fixer", name="Fixare Fia")
    manager = make.user("manager", language="sv")
    walk = make.walk(make.district("Fittja"), leader_id=author)
    old = [make.finding(walk, author, status=FindingStatus.FIXED, assignee_id=fixer,
                        fixed_at=datetime(2019, 3, 1, tzinfo=UTC) + timedelta(days=n),
                        severity=Severity.HIGH if n == 3 else Severity.LOW)
           for n in range(22)]
    fresh = make.finding(walk, author, status=FindingStatus.FIXED, assignee_id=fixer,
                         fixed_at=datetime.now(UTC) - timedelta(minutes=2))

    page = phone(locale="sv-SE", service_workers="block")
    log_in(page, app, manager)
    page.goto("/inbox/verify")
    cards = page.locator("li.inbox-card")
    assert cards.count() == 10
    assert cards.first.get_attribute("id") == f"inbox-{fresh}"
    assert "för 2 minuter sedan" in cards.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert axe(page) == []
    shot(page, "verify-inbox-top")

    for control in (page.locator("#inbox-sort-select"),
                    page.locator("#inbox-sort button[type=submit]")):
        assert control.bounding_box()["height"] >= TAP
    links = page.locator("nav.pagination a")
    assert links.count() == 1  # "Nästa" on page 1
    next_link = links.first
    next_link.scroll_into_view_if_needed()
    box = next_link.bounding_box()
    assert box["height"] >= TAP and box["width"] >= TAP
    assert "Sida 1 av 3" in page.locator("nav.pagination").inner_text()
    shot(page, "verify-inbox-pages")

    # The most severe first, chosen with the form; then page 2 keeps it.
    page.select_option("#inbox-sort-select", "severity")
    page.locator("#inbox-sort button[type=submit]").click()
    page.wait_for_load_state("load")
    assert cards.first.get_attribute("id") == f"inbox-{old[3]}"
    page.goto("/inbox/verify")
    assert cards.first.get_attribute("id") == f"inbox-{old[3]}", "the order is kept"
    page.locator("nav.pagination a", has_text="Nästa").click()
    page.wait_for_url(lambda url: "page=2" in url)
    assert cards.count() == 10
    previous = page.locator("nav.pagination a", has_text="Föregående")
    assert previous.bounding_box()["height"] >= TAP
    shot(page, "verify-inbox-page2", full_page=True)
