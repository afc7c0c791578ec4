"""Browser tests: Debian's Chromium driven by Playwright against the app on a live server.

Only for the SQLite run of the session `app` (the browser checks the client; the server's
database behaviour is covered by the HTTP tests on both databases). Skipped, with a clear
line in the summary, when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
import socket
import threading
import weakref
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import User
from tests.conftest import CHROMIUM, HAVE_CHROMIUM, SKIP_REASON  # noqa: E402

HERE = Path(__file__).resolve().parent

def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            # The live server answers from its own threads and connections.
            item.add_marker(pytest.mark.committed)
            # A module's tests on one worker (its module-scoped data made once, its order
            # kept); the modules spread over the workers like the other tests.
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.module.__name__}"))
            if not HAVE_CHROMIUM:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app):
    if app.config["DB_KIND"] != "sqlite":
        pytest.skip("browser tests run against the SQLite app only")
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def real_csrf(app):
    """The browser goes through CSRF protection as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


class _NoFaces:
    """A face detector that finds none. The browser tests check the client; face detection
    (~70 ms of CPU per uploaded photo, a tenth of the browser tests' Python time) is
    checked on real faces in tests/privacy. Pages read as for a photo checked and found
    without faces. A test that needs the real detector is marked `real_faces`."""

    def detect(self, image, threshold=None):
        return []


@pytest.fixture(autouse=True)
def no_face_detection(app, request):
    from app.media import detector

    if request.node.get_closest_marker("real_faces"):
        yield
        return
    real = app.extensions.get(detector._DETECTOR)
    app.extensions[detector._DETECTOR] = _NoFaces() if real is not None else None
    yield
    app.extensions[detector._DETECTOR] = real


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server):
    """new_phone(**context options) → a page in a fresh phone-sized context."""
    contexts = []

    def new_phone(latitude=59.2472, longitude=17.8610, accuracy=8, locale="en-GB",
                  service_workers="allow", **options):
        headers = {"Accept-Language": "sv-SE,sv;q=0.9" if locale.startswith("sv") else "en"}
        context = chromium.new_context(
            base_url=live_server,
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            extra_http_headers=headers,
            permissions=["geolocation"],
            geolocation={"latitude": latitude, "longitude": longitude, "accuracy": accuracy},
            service_workers=service_workers,
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield new_phone
    for context in contexts:
        context.close()


def shot(page, name: str, full_page: bool = False) -> None:
    """TRYGG_SCREENSHOTS=dir keeps what a test saw there as name.png, to look at; without it,
    nothing is written."""
    folder = os.environ.get("TRYGG_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def expect_chooser(page):
    """page.expect_file_chooser(), with Chromium told to hand file choosers to Playwright
    before the tap or key press that opens one. Playwright subscribes to the event when the
    first listener is added, without waiting for the browser's answer, so a tap right after
    it could reach the page first and open a chooser nobody sees (a 20 s timeout in CI, once).
    A lasting listener and a round trip to the page settle that first."""
    if page not in _INTERCEPTING:
        page.on("filechooser", lambda _chooser: None)
        page.evaluate("0")
        _INTERCEPTING.add(page)
    return page.expect_file_chooser()


_INTERCEPTING: weakref.WeakSet = weakref.WeakSet()  # pages that hand their choosers over


def log_in(page, app, user_id: int) -> None:
    """The page is logged in as the user and on their home page: a login session started
    directly and its cookie put into the browser, as the login form would leave them. The
    form's two round trips (its page, then the POST and the redirect) cost ~0.3 s per test;
    the form is used in a browser by test_phone_manager's `_log_in` and has HTTP tests."""
    from app.accounts.operations import start_session
    from app.navigation import home_for

    with app.test_request_context():
        user = db.session.get(User, user_id)
        token = start_session(db.session, user, device="browser test")
        db.session.commit()
        home = home_for(user)
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": token, "_fresh": True, "_permanent": True})
        db.session.remove()
    # Cookies are not kept apart by port: the live server's host is enough.
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                               "domain": "127.0.0.1", "path": "/", "httpOnly": True,
                               "sameSite": "Lax"}])
    page.goto(home)


AXE_VERSION = "4.10.3"
AXE_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "trygg-tests"


def _fetch_axe() -> Path | None:
    """axe-core from the npm registry, cached outside the repo (a test-only library)."""
    import shutil
    import subprocess
    import tarfile
    import tempfile

    target = AXE_CACHE / f"axe-core-{AXE_VERSION}" / "axe.min.js"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if not npm:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    # Parallel workers may fetch at once: each packs into its own directory and renames
    # the file into place, so no worker reads a half-written axe.min.js.
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        try:
            out = subprocess.run(
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent"], cwd=work, check=True,
                capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
            ).stdout.strip().splitlines()[-1]
            with tarfile.open(Path(work) / out) as tar:
                member = tar.getmember("package/axe.min.js")
                with tar.extractfile(member) as src:
                    (Path(work) / "axe.min.js").write_bytes(src.read())
            os.replace(Path(work) / "axe.min.js", target)
        except (subprocess.SubprocessError, OSError, KeyError, tarfile.TarError):
            return None
    return target


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = _fetch_axe()
    if path is None:
        pytest.skip(f"axe-core {AXE_VERSION} could not be fetched with npm")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """axe(page) → the serious and critical accessibility violations on the page, as text."""

    def check(page, context=None) -> list[str]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the app's CSP forbids inline <script>
            # tags, which is what add_script_tag(content=…) would insert.
            page.evaluate(axe_source + "\n;0")
        result = page.evaluate(
            "async (ctx) => await axe.run(ctx || document, {resultTypes: ['violations']})",
            context,
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check
