"""A plain form sent while SQLite is busy (issue 21): the busy page keeps what was written, and
"Skicka igen" saves it once the lock is free."""

from __future__ import annotations

import pytest

from app import sqlite_tuning
from app.extensions import db
from app.models import Finding
from tests.browser.conftest import log_in, shot
from tests.test_sqlite_busy import write_lock_held

TEXT = "Mörk passage under bron, lampan trasig sedan i somras"


@pytest.fixture
def short_busy_timeout(app, monkeypatch):
    monkeypatch.setattr(sqlite_tuning, "BUSY_TIMEOUT_MS", 300)
    with app.app_context():
        db.engine.dispose()
        path = db.engine.url.database
    yield path
    monkeypatch.undo()
    with app.app_context():
        db.engine.dispose()


def test_the_busy_page_keeps_the_text_and_sends_it_again(phone, app, make, axe,
                                                         short_busy_timeout):
    walker = make.user("walker")
    walk = make.walk(leader_id=walker)
    page = phone(locale="sv-SE")
    log_in(page, app, walker)
    page.goto(f"/walks/{walk}/findings/new")
    page.locator("input[name=category_id]").first.check(force=True)
    page.fill("textarea[name=description]", TEXT)
    # form.submit() sends the plain form, as a phone without the outbox (no JS) does.
    with write_lock_held(short_busy_timeout), page.expect_navigation():
        page.evaluate("document.getElementById('finding-form').submit()")
    assert page.locator("h1").inner_text() == "Servern är upptagen"
    kept = page.locator("main textarea")
    assert kept.input_value() == TEXT
    assert page.locator("label[for=kept-1]").inner_text() == "Din text"
    shot(page, "busy")
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="Skicka igen").click()
    page.wait_for_url(lambda url: "/findings/new" not in url)
    with app.app_context():
        saved = db.session.scalars(db.select(Finding)).all()
    assert [f.description for f in saved] == [TEXT]
