"""The outbox and the cached pages belong to the user who was logged in (review item 6):
one phone, two walkers, never a finding sent in the other's name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Finding
from tests.browser.conftest import log_in
from tests.browser.test_offline_capture import (
    METRE_LAT,
    counts,
    fill_finding,
    open_form,
    wait_for_js,
    wait_for_worker,
    wait_until,
)


@pytest.fixture
def setup_walk(make):
    """Walker A leads a walk in progress; walker B may add findings to it as well."""
    district = make.district("Hallunda")
    make.building(district, lat=59.2472, lon=17.8610, address="Hallunda torg 1")
    make.building(district, lat=59.2472 + 150 * METRE_LAT, lon=17.8610, address="Skolvägen 2")
    walker = make.user("walker")
    walk = make.walk(district, leader_id=walker, title="Kvällsvandring Hallunda")
    return {"walker": walker, "walk": walk, "category": make.category_id()}


def badge_text(page) -> str:
    return page.locator("#outbox-badge .outbox-count").inner_text()


def test_a_finding_waits_for_its_author_and_is_never_sent_as_someone_else(
    phone, app, make, setup_walk
):
    walk, walker_a = setup_walk["walk"], setup_walk["walker"]
    walker_b = make.user("walker")  # could add findings to this walk: the server would take them
    page = phone(service_workers="block")
    log_in(page, app, walker_a)
    assert page.evaluate("fetch('/api/v1/csrf').then(r => r.json())")["user_id"] == walker_a
    page.goto(f"/walks/{walk}")
    open_form(page, walk)

    page.context.set_offline(True)
    fill_finding(page, setup_walk["category"], None, description="Trasig grind vid lekplatsen")
    page.wait_for_function(
        "() => document.querySelector('#outbox-badge .outbox-count').textContent.startsWith('1 ')"
    )

    # A's session ends without the logout button (expired); B logs in on the same phone.
    page.context.clear_cookies()
    page.context.set_offline(False)
    log_in(page, app, walker_b)
    page.goto(f"/walks/{walk}")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.evaluate("TryggOutbox.sendAll()")  # waits for a send already running
    assert counts(app, walk) == (0, 0)
    items = page.evaluate("TryggOutbox.items()")
    assert [item["userId"] for item in items] == [walker_a]
    page.wait_for_function(
        "() => document.querySelector('#outbox-badge .outbox-count').textContent"
        ".includes('1 saved by another user')"
    )
    assert "waiting to send" not in badge_text(page)

    page.locator("#outbox-badge").click()
    item = page.locator("#outbox-panel .outbox-item[data-uuid]")
    assert item.count() == 1
    assert "Saved by another user on this phone" in item.inner_text()
    assert item.locator("[data-action=delete]").count() == 0
    assert item.locator("[data-action=retry]").count() == 0
    with page.expect_download() as download:
        item.locator("[data-action=export]").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    [saved] = exported["items"]
    assert saved["captured_by_user_id"] == walker_a
    assert saved["finding"]["description"] == "Trasig grind vid lekplatsen"

    # B leaves, A comes back: the finding goes, once, in A's name.
    page.context.clear_cookies()
    log_in(page, app, walker_a)
    wait_until(page, lambda: counts(app, walk) == (1, 0), message="A's finding sent")
    page.locator("#outbox-badge").wait_for(state="hidden")
    page.evaluate("TryggOutbox.sendAll()")
    assert counts(app, walk) == (1, 0)
    assert page.evaluate("TryggOutbox.items().then(items => items.length)") == 0
    with app.app_context():
        finding = db.session.scalar(select(Finding))
        assert finding.author_id == walker_a
        assert finding.description == "Trasig grind vid lekplatsen"
        db.session.remove()


def test_cached_pages_are_deleted_when_another_user_logs_in(phone, app, make, setup_walk):
    walk = setup_walk["walk"]
    walker_b = make.user("walker")
    page = phone()
    log_in(page, app, setup_walk["walker"])
    page.goto(f"/walks/{walk}")
    wait_for_worker(page, walk)  # A's walk is kept for offline use

    # The session expired: no logout hook ran. A request A's page or the service worker
    # still had under way may answer after the cookies went and set A's session again
    # (login then sends A on to /walks/mine): the cookies go until they stay gone.
    for _ in range(5):
        page.context.clear_cookies()
        page.goto("/login")
        if "/login" in page.url:
            break
    log_in(page, app, walker_b)
    wait_for_js(
        page,
        "async (user) => (await TryggOutbox.lastUser()) === user",
        walker_b,
        message="B recorded as the phone's user",
    )
    cached = page.evaluate(
        """async () => {
          const cache = await caches.open('trygg-pages-v1');
          return (await cache.keys()).map(r => r.url);
        }"""
    )
    assert not [url for url in cached if f"/walks/{walk}" in url], cached
