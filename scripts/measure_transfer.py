"""What a phone downloads for the capture page: first visit and repeat visit, in Chromium.

Starts the app on a temporary SQLite database (a district, a building, a walker with a walk
in progress), serves it on 127.0.0.1, logs in without loading a page (so the first visit
starts with an empty cache) and opens /walks/<id>/findings/new twice in a phone-sized
Chromium (Debian's, /usr/bin/chromium). Prints every request with the bytes it cost in the
page (DevTools `encodedDataLength`: compressed body + headers) and the body bytes the
server sent, the service worker's own fetches included. Same code as
tests/browser/test_transfer.py, which holds the targets.

    .venv/bin/python scripts/measure_transfer.py [--verbose]
"""

import argparse
import os
import shutil
import socket
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.findings.operations.catalog import ensure_defaults  # noqa: E402
from app.models import (  # noqa: E402
    Building,
    District,
    LightCondition,
    Role,
    User,
    Walk,
    WalkStatus,
    utcnow,  # noqa: E402
)
from tests.browser.transfer import ServerLog, log_in_without_a_page, visit  # noqa: E402

PASSWORD = "measure-transfer"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="every request, not just sums")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from werkzeug.security import generate_password_hash

    tmp = tempfile.mkdtemp(prefix="trygg-transfer-")
    try:
        app = create_app({
            "SECRET_KEY": "measure", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/t.db",
            "UPLOAD_FOLDER": f"{tmp}/uploads", "EXPORT_FOLDER": f"{tmp}/exports",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        })
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(revision="heads")
            ensure_defaults(db.session)
            district = District(name="Fittja", code="FIT")
            walker = User(email="walker@example.org", name="Walker", role=Role.WALKER,
                          active=True, password_hash=generate_password_hash(
                              PASSWORD, method="pbkdf2:sha256:1000"))
            db.session.add_all([district, walker])
            db.session.flush()
            db.session.add(Building(code="FIT-1", address="Krögarvägen 3",
                                    district_id=district.id, latitude=59.2472,
                                    longitude=17.861))
            walk = Walk(district_id=district.id, title="Kvällsvandring", leader_id=walker.id,
                        planned_start=utcnow(), started_at=utcnow(),
                        light_condition=LightCondition.DARK, status=WalkStatus.IN_PROGRESS)
            db.session.add(walk)
            db.session.commit()
            walk_id = walk.id
        log = ServerLog(app.wsgi_app)
        app.wsgi_app = log
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-background-networking"])
            context = browser.new_context(
                base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True,
                has_touch=True, locale="sv-SE", service_workers="allow",
                extra_http_headers={"Accept-Language": "sv-SE,sv;q=0.9"})
            log_in_without_a_page(context, base, "walker@example.org", PASSWORD)
            url = f"/walks/{walk_id}/findings/new"
            page = context.new_page()
            first = visit(page, url, log)
            page.close()
            repeat = visit(context.new_page(), url, log)
            browser.close()
        server.shutdown()
        for name, v in (("first visit", first), ("repeat visit", repeat)):
            print(f"{name}: {v.transferred:,} B in the page "
                  f"(static files {v.static_transferred:,} B); server sent {v.server_bytes:,} B "
                  f"in {len(v.server)} responses, "
                  f"{len(v.shell_requests())} of them app-shell downloads")
            if args.verbose:
                print("\n".join(v.lines()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
