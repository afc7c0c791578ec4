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
