"""Bytes a phone downloads for the capture page: first visit ≤ 60 KB compressed, and a
repeat visit downloads no static file and does not fetch the app shell again."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from tests.browser.transfer import ServerLog, log_in_without_a_page, visit
from tests.conftest import TEST_PASSWORD

FIRST_VISIT_LIMIT = 60 * 1024


@pytest.fixture
def server_log(app):
    log = ServerLog(app.wsgi_app)
    app.wsgi_app = log
    yield log
    app.wsgi_app = log.wsgi_app


def test_capture_page_first_and_repeat_visit(chromium, live_server, app, make, server_log):
    district = make.district("Fittja")
    make.building(district)
    walker = make.user("walker")
    walk = make.walk(district, leader_id=walker)
    with app.app_context():
        email = db.session.get(User, walker).email
    context = chromium.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True,
        has_touch=True, locale="sv-SE", service_workers="allow",
        extra_http_headers={"Accept-Language": "sv-SE,sv;q=0.9"},
    )
    try:
        log_in_without_a_page(context, live_server, email, TEST_PASSWORD)
        url = f"/walks/{walk}/findings/new"

        first_page = context.new_page()
        first = visit(first_page, url, server_log)
        first_page.close()
        report = "\n".join(first.lines())
        assert first.transferred <= FIRST_VISIT_LIMIT, report
        assert any("/static/" in r["url"] for r in first.requests), report

        again = context.new_page()
        repeat = visit(again, url, server_log)
        report = "\n".join(repeat.lines())
        assert repeat.static_transferred == 0, report
        assert repeat.shell_requests() == [], report
        assert again.evaluate("navigator.serviceWorker.controller !== null")
        print(f"\ncapture page: first visit {first.transferred:,} B in the page "
              f"({first.server_bytes:,} B sent by the server, the worker's install included); "
              f"repeat visit static {repeat.static_transferred} B, "
              f"server sent {repeat.server_bytes:,} B")
    finally:
        context.close()
