"""How long "Spara" keeps the walker waiting on a slow or stalled link, in Chromium.

Starts the app on a temporary SQLite database (a district, a building, a walker with a walk
in progress), serves it on 127.0.0.1 and opens the capture screen in a phone-sized Chromium
(Debian's, /usr/bin/chromium, Swedish). The link is throttled through the DevTools protocol
(Network.emulateNetworkConditions: ~400 kbit/s both ways, 400 ms round trip). A finding with
three photos of ~3 MB each (4032×3024 JPEG, as a phone takes them) is saved, then at once a
second finding without photos. Printed, for each case:

- save 1: time from the tap on "Spara" to the form usable for the next finding (the Save
  button enabled again, the form emptied);
- save 2: the same for the next finding, saved while the first one is still sending;
- sent: time from the first tap until the server holds the first finding with its three
  photos, and how many findings and photos the server holds in the end (each exactly once).

Two cases: "slow" (the throttled link) and "stalled" (the same link, but the photo uploads
get no answer at all until the stall is lifted after STALL seconds). A wait is capped at
--cap seconds and printed as "> cap".

    .venv/bin/python scripts/measure_capture_save.py [--cap 120] [--stall 60] [--shots DIR]
"""

import argparse
import contextlib
import logging
import os
import re
import shutil
import socket
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.findings.operations.catalog import ensure_defaults  # noqa: E402
from app.models import (  # noqa: E402
    Building,
    Category,
    District,
    LightCondition,
    Role,
    User,
    Walk,
    WalkStatus,
    utcnow,
)

PASSWORD = "measure-capture"
PHOTO_UPLOADS = re.compile(r"/api/v1/findings/\d+/photos$")

# Records when the walker tapped Save and when the form was usable again (button enabled,
# category cleared), polled every animation frame: the figure is what the walker sees.
WATCH = """() => {
  const form = document.querySelector('form[data-outbox-walk]');
  const button = form.querySelector('button[type=submit]');
  window.__usable = null;
  window.__tapped = performance.now();
  const poll = () => {
    const reset = !form.querySelector('input[name=category_id]:checked');
    if (reset && !button.disabled) { window.__usable = performance.now(); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""


def phone_photos(folder: str) -> list[str]:
    """Three ~3 MB 12 MP JPEGs (a gradient with grain, so they compress like photos)."""
    import numpy
    from PIL import Image

    rng = numpy.random.default_rng(7)
    y, x = numpy.mgrid[0:3024, 0:4032]
    paths = []
    for n in range(3):
        base = numpy.stack([(x * 255 // 4032 + 40 * n) % 255, y * 255 // 3024, (x + y) % 255],
                           axis=-1).astype(numpy.int16)
        pixels = numpy.clip(base + rng.integers(-18, 18, size=base.shape), 0, 255)
        path = os.path.join(folder, f"foto{n + 1}.jpg")
        Image.fromarray(pixels.astype(numpy.uint8)).save(path, "JPEG", quality=85)
        paths.append(path)
    return paths


def setup(tmp: str):
    from werkzeug.security import generate_password_hash

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
        db.session.add(Building(code="FIT-1", address="Krögarvägen 3", district_id=district.id,
                                latitude=59.2472, longitude=17.861))
        walks = []
        for title in ("slow", "stalled"):
            walk = Walk(district_id=district.id, title=title, leader_id=walker.id,
                        planned_start=utcnow(), started_at=utcnow(),
                        light_condition=LightCondition.DARK, status=WalkStatus.IN_PROGRESS)
            db.session.add(walk)
            walks.append(walk)
        db.session.commit()
        category = db.session.scalar(db.select(Category.id).where(Category.slug == "lighting"))
        return app, [w.id for w in walks], category


def counts(database: str, walk_id: int) -> tuple[int, int]:
    """Findings and photos the server holds for the walk (read on a connection of its own:
    the app's sessions take the write lock, which an upload in progress may hold)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        findings = conn.execute("SELECT count(*) FROM findings WHERE walk_id = ?",
                                (walk_id,)).fetchone()[0]
        photos = conn.execute("SELECT count(*) FROM photos JOIN findings ON findings.id = "
                              "photos.finding_id WHERE findings.walk_id = ?",
                              (walk_id,)).fetchone()[0]
    return findings, photos


def save(page, category: int, photos: list[str] | None, cap: float) -> float | None:
    """Tap Save on a filled form → seconds until the form is usable again (None: > cap)."""
    if photos:
        page.set_input_files("#photos-pick", photos)
        page.wait_for_function(
            f"() => document.querySelectorAll('.photo-tray img').length === {len(photos)}")
    page.locator(f"label:has(input[name=category_id][value='{category}'])").click()
    page.evaluate(WATCH)
    page.locator(".save-button").click()
    try:
        page.wait_for_function("() => window.__usable !== null", timeout=cap * 1000, polling=100)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: still waiting at the cap
        return None
    return page.evaluate("(window.__usable - window.__tapped) / 1000")


def figure(seconds: float | None, cap: float) -> str:
    return f"> {cap:.0f} s" if seconds is None else f"{seconds:.2f} s"


def run_case(browser, base: str, tmp: str, walk_id: int, category: int, photos: list[str],
             stalled: bool, cap: float, stall: float,
             shots: str | None = None) -> None:
    context = browser.new_context(
        base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        locale="sv-SE", service_workers="block", permissions=["geolocation"],
        geolocation={"latitude": 59.2472, "longitude": 17.861, "accuracy": 8},
        extra_http_headers={"Accept-Language": "sv-SE,sv;q=0.9"})
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", "walker@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/walks/{walk_id}/findings/new")
    page.evaluate("window.TryggOutbox && TryggOutbox.loadExifr && TryggOutbox.loadExifr()")
    page.wait_for_timeout(500)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400,
        "downloadThroughput": 50_000, "uploadThroughput": 50_000})
    uploads = []  # each photo upload the page started (retries included)

    def count_upload(request):
        if request.method == "POST" and PHOTO_UPLOADS.search(request.url):
            uploads.append(request.url)

    page.on("request", count_upload)
    held = []
    if stalled:
        # The uploads reach nowhere: no answer, no error, until the stall is lifted.
        page.route(PHOTO_UPLOADS, lambda route: held.append(route))
    start = time.monotonic()
    first = save(page, category, photos, cap)
    second = save(page, category, None, cap) if first is not None else None
    if shots:  # the capture screen at once after the second save, sending behind it
        page.screenshot(path=os.path.join(shots, f"{'stalled' if stalled else 'slow'}-saved.png"))
    if stalled:
        left = stall - (time.monotonic() - start)
        if left > 0:
            page.wait_for_timeout(left * 1000)
        page.unroute(PHOTO_UPLOADS)
        for route in held:  # the requests held so far are dropped, as a dead link would
            with contextlib.suppress(Exception):  # the page gave up on it already
                route.abort("timedout")
    sent = None
    while time.monotonic() - start < cap + stall:
        if counts(f"{tmp}/t.db", walk_id) >= (2, 3):
            sent = time.monotonic() - start
            break
        page.wait_for_timeout(250)
    page.wait_for_timeout(3000)  # anything sent twice would arrive now
    findings, stored = counts(f"{tmp}/t.db", walk_id)
    name = "stalled" if stalled else "slow"
    print(f"{name:8} save 1 (3 photos): {figure(first, cap):>9}   "
          f"save 2 (next finding): {figure(second, cap) if first is not None else '  -':>9}   "
          f"all sent: {figure(sent, cap + stall):>9}   "
          f"on the server: {findings} findings, {stored} photos; "
          f"{len(uploads)} photo uploads started",
          flush=True)
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=120, help="longest wait, seconds")
    parser.add_argument("--stall", type=float, default=60,
                        help="seconds the uploads get no answer in the stalled case")
    parser.add_argument("--shots", help="a folder: save the capture screen after each case's saves")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    tmp = tempfile.mkdtemp(prefix="trygg-capture-")
    try:
        app, walks, category = setup(tmp)
        photos = phone_photos(tmp)
        sizes = ", ".join(f"{os.path.getsize(p) / 1e6:.1f} MB" for p in photos)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        print(f"photos: {sizes}; link: 400 kbit/s up and down, 400 ms round trip")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-background-networking"])
            for walk_id, stalled in zip(walks, (False, True), strict=True):
                run_case(browser, base, tmp, walk_id, category, photos, stalled, args.cap,
                         args.stall, args.shots)
            browser.close()
        server.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
