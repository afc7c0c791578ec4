"""Security headers (a strict Content-Security-Policy, HSTS) and the CSRF check placed after
the login check, so an API call without a session answers 401, not a CSRF error.

Written here rather than with flask-talisman: Talisman's defaults fight this app (it forces
HTTPS redirects and Secure session cookies even in local development, and manages a
Permissions-Policy we must keep at `geolocation=(self), camera=(self)`), and what we need is
one header string built once from the configuration.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_login import current_user

from app.extensions import csrf


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source for the configured map tiles: `https://{s}.tile.x/{z}/…` → `https://*.tile.x`."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:  # another template in the host name: allow its parent domain
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None) -> str:
    images = ["'self'", "data:", "blob:"]  # photo previews are blob: URLs before sending
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


@functools.lru_cache(maxsize=8)
def _policy_for(tile_url: str | None) -> str:
    # Built once per tile server, so a changed MAP_TILE_URL (a test, a reload) is honoured.
    return content_security_policy(tile_url)


def init_app(app: Flask) -> None:
    configure_csrf_after_login(app)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith(current_app.static_url_path + "/"):
            # A stylesheet or script is no document: the policies below would only add bytes
            # to every file of a phone's first visit.
            return response
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        # Walkers need GPS and the camera; geolocation=() would silently switch GPS off.
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self)")
        config = current_app.config
        headers.setdefault("Content-Security-Policy", _policy_for(config.get("MAP_TILE_URL")))
        if config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        private_answers(response)
        return response


def private_answers(response) -> None:
    """What a logged-in user is shown is kept by no browser cache and no proxy: on a shared
    or lost phone, Back or the cache must not bring a finding list back after logging out.

    The service worker keeps the pages a walk needs offline in its own cache, which these
    headers do not govern; it leaves out answers marked `Offline-Cache: no`, as every answer
    its view already marked no-store is (exports, PDFs, CSRF tokens). A view's own
    Cache-Control stays: photos are revalidated (`private, no-cache`), the worker, manifest
    and offline page hold nothing of the user's.
    """
    headers = response.headers
    if "no-store" in headers.get("Cache-Control", ""):
        headers.setdefault("Offline-Cache", "no")
    if "Cache-Control" not in headers and current_user.is_authenticated:
        headers["Cache-Control"] = "private, no-store"


def configure_csrf_after_login(app: Flask) -> None:
    """Flask-WTF checks CSRF in the first before_request, ahead of the login check; switch
    its own check off and run the same check after every blueprint's (login) check."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def csrf_protect():
        config = current_app.config
        if not config.get("WTF_CSRF_ENABLED", True):
            return
        if request.method not in config.get("WTF_CSRF_METHODS", {"POST", "PUT", "PATCH", "DELETE"}):
            return
        if not request.endpoint:
            return
        if app.blueprints.get(request.blueprint) in csrf._exempt_blueprints:
            return
        view = app.view_functions.get(request.endpoint)
        if view is not None and f"{view.__module__}.{view.__name__}" in csrf._exempt_views:
            return
        csrf.protect()
