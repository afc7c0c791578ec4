"""Routes: see the package docstring."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import (
    current_app,
    make_response,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _

from app.pwa import bp

# The app shell: cached when the service worker installs, so a repeat visit starts offline.
SHELL_STATIC = [
    "css/app.css",
    "js/app.js",
    "js/build/outbox.js",  # static/js/outbox/ and capture/ bundled: scripts/bundle_js.py
    "js/build/capture.js",
    "js/sw-register.js",
    "vendor/exifr-7.1.3/lite.umd.js",  # read by capture on demand, offline too
    "icons/pictograms.svg",  # the category chips on the capture form
    # Only the icon pages link to. The manifest's icons (25 KB) are fetched by the browser
    # itself when the app is installed; caching them here cost every first visit.
    "icons/apple-touch-icon.png",
]

_version_cache: dict[str, str] = {}


def asset_version() -> str:
    """A hash of everything under static/ and of the worker itself: a deploy that changes
    any of them changes /sw.js, and the browser installs the new worker.

    ASSET_VERSION in the config is mixed in (tests use it to "deploy" a new version).
    """
    extra = str(current_app.config.get("ASSET_VERSION", ""))
    if extra not in _version_cache:
        digest = hashlib.sha256(extra.encode())
        static = Path(current_app.static_folder)
        worker = Path(current_app.root_path).parent / "templates" / "pwa" / "sw.js"
        files = [(p.relative_to(static).as_posix(), p) for p in static.rglob("*") if p.is_file()]
        files.append(("<sw.js>", worker))
        for name, path in sorted(files):
            digest.update(name.encode())
            digest.update(path.read_bytes())
        _version_cache[extra] = digest.hexdigest()[:12]
    return _version_cache[extra]


def _shell_urls() -> list[str]:
    urls = [url_for("pwa.offline"), url_for("pwa.manifest")]
    urls.append(url_for("static", filename=current_app.config["HTMX_PATH"]))
    static = Path(current_app.static_folder)
    urls += [url_for("static", filename=name) for name in SHELL_STATIC if (static / name).exists()]
    return urls


@bp.get("/sw.js")
def service_worker():
    body = render_template(
        "pwa/sw.js",
        version=asset_version(),
        shell=_shell_urls(),
        offline_url=url_for("pwa.offline"),
        static_prefix=url_for("static", filename=""),
        outbox_url=url_for("static", filename="js/build/outbox-worker.js"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    # The browser must always see a new version; it checks at most once a day otherwise.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    def icon(name: str, size: int, purpose: str) -> dict:
        return {
            "src": url_for("static", filename=f"icons/{name}"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    data = {
        "id": "/",
        "name": "Trygg – trygghetsvandringar",
        "short_name": "Trygg",
        "description": (
            "Trygghetsvandringar: registrera brister med foto och plats, även utan täckning. "
            "Safety walks: record findings with photo and place, even without a signal."
        ),
        "lang": "sv",
        "dir": "ltr",
        "start_url": url_for("walks.mine"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0b5c6b",
        "background_color": "#ffffff",
        "categories": ["productivity", "utilities"],
        "icons": [
            icon("icon-192.png", 192, "any"),
            icon("icon-512.png", 512, "any"),
            icon("maskable-192.png", 192, "maskable"),
            icon("maskable-512.png", 512, "maskable"),
        ],
    }
    response = make_response(current_app.json.dumps(data))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on a first visit whatever the page links."""
    response = send_from_directory(
        Path(current_app.static_folder) / "icons", "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
    )
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


@bp.get("/offline")
def offline():
    response = make_response(render_template("pwa/offline.html", title=_("Offline")))
    response.headers["Cache-Control"] = "no-cache"
    return response
