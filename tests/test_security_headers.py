"""Security headers (issue 10): a strict CSP on every answer, HSTS only behind HTTPS."""

import pytest

from app.security import content_security_policy, tile_source


def _directives(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/sw.js", "/nowhere"])
def test_every_answer_has_the_strict_policy(client, path):
    header = client.get(path).headers["Content-Security-Policy"]
    policy = _directives(header)
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"] and policy["manifest-src"] == ["'self'"]
    assert "https://tile.openstreetmap.org" in policy["img-src"]


def test_gps_and_camera_stay_allowed(client):
    assert client.get("/login").headers["Permissions-Policy"] == "geolocation=(self), camera=(self)"


def test_hsts_only_with_secure_cookies(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/login").headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("url, source", [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.se/{z}/{x}/{y}.png", "https://*.tile.example.se"),
    ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ("", None),
    ("javascript:alert(1)", None),
])
def test_the_configured_tile_host_is_allowed_for_images(url, source):
    assert tile_source(url) == source
    img = _directives(content_security_policy(url))["img-src"]
    assert (source in img) if source else img == ["'self'", "data:", "blob:"]


def test_what_a_logged_in_user_sees_is_kept_by_no_browser_cache(client, login, make):
    """Back after logging out on a shared phone must not bring the pages back from the
    browser's cache; the service worker keeps what a walk needs by another signal."""
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    for path in ("/walks/mine", f"/walks/{walk}", f"/api/v1/walks/{walk}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path
        # ... and stay in the walk's offline copy (templates/pwa/sw.js reads Offline-Cache).
        assert "Offline-Cache" not in response.headers, path
    fragment = client.get(f"/walks/{walk}", headers={"HX-Request": "true"})
    assert fragment.headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/v1/csrf").headers["Offline-Cache"] == "no"


def test_what_its_view_marked_no_store_is_not_kept_offline_either(client, login, make):
    """The service worker's signal: exports, PDFs and CSRF tokens stay out of its cache."""
    login("manager")
    walk = make.walk(status="completed")
    protocol = client.get(f"/walks/{walk}/protocol.pdf")
    assert protocol.status_code == 200, protocol.status_code
    assert protocol.headers["Cache-Control"] == "private, no-store"
    assert protocol.headers["Offline-Cache"] == "no"


def test_the_anonymous_login_page_and_static_files_keep_their_caching(client, login):
    page = client.get("/login")
    assert page.status_code == 200
    assert "no-store" not in page.headers.get("Cache-Control", "")
    assert page.headers.get("ETag")  # revalidated: a reload answers 304
    login("walker")
    for path in ("/static/js/app.js", "/sw.js", "/manifest.webmanifest"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers["Cache-Control"], path
        response.close()


def test_the_service_worker_keeps_pages_by_offline_cache_not_by_no_store(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    cacheable = worker[worker.index("function cacheable"):]
    cacheable = cacheable[:cacheable.index("\n}") + 2]
    assert 'response.headers.get("Offline-Cache") !== "no"' in cacheable
    assert "no-store" not in cacheable
