"""The installable app: service worker, manifest, offline page, icons, and the page hooks."""

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from app.pwa import routes as pwa_routes

STATIC = Path(__file__).resolve().parents[2] / "static"


def _worker_constant(body: str, name: str):
    """A value the served worker declares (`const NAME = <json>;`), as the worker reads it."""
    return json.loads(body.split(f"const {name} = ", 1)[1].split(";\n", 1)[0])


def test_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"


def test_every_shell_file_the_worker_installs_is_served_to_a_stranger(client):
    """The worker's install step caches the shell with `cache.addAll`, which fails as a
    whole if one URL does not answer 200: each must be there, without a login, at the
    version the worker names. (Activation keeping the outbox and dropping old shells is
    shown in Chromium: tests/browser/test_offline_capture.py, new worker version.)"""
    body = client.get("/sw.js").get_data(as_text=True)
    shell = _worker_constant(body, "SHELL")
    offline = _worker_constant(body, "OFFLINE_URL")
    assert offline in shell and "/static/css/app.css" in {u.split("?")[0] for u in shell}
    for url in shell:
        with client.get(url) as served:
            assert served.status_code == 200, url
    with client.get(offline) as page:  # shown offline: its stylesheet is in the cache
        css = re.search(r'rel="stylesheet" href="([^"]+)"', page.get_data(as_text=True))
    assert css.group(1) in shell
    static = [u for u in shell if u.startswith("/static/")]
    assert static and all("?v=" in u for u in static)  # a deploy changes every shell URL
    client.application.config["ASSET_VERSION"] = "next-deploy"
    try:
        after = _worker_constant(client.get("/sw.js").get_data(as_text=True), "VERSION")
    finally:
        client.application.config.pop("ASSET_VERSION")
    assert after != _worker_constant(body, "VERSION")


def test_service_worker_version_changes_with_a_deploy(client, app):
    before = client.get("/sw.js").get_data(as_text=True)
    app.config["ASSET_VERSION"] = "next-deploy"
    try:
        after = client.get("/sw.js").get_data(as_text=True)
    finally:
        app.config.pop("ASSET_VERSION")
    assert before != after
    with app.test_request_context():
        assert pwa_routes.asset_version() in before


def test_version_is_a_hash_of_the_static_files(app, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "a.css").write_text("body{}")
    old_folder = app.static_folder
    pwa_routes._version_cache.clear()
    try:
        app.static_folder = str(static)
        with app.test_request_context():
            first = pwa_routes.asset_version()
            pwa_routes._version_cache.clear()
            (static / "a.css").write_text("body{color:red}")
            second = pwa_routes.asset_version()
    finally:
        app.static_folder = old_folder
        pwa_routes._version_cache.clear()
    assert first != second


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] and manifest["short_name"] == "Trygg"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/walks/mine"
    assert manifest["theme_color"].startswith("#")
    assert "Trygghetsvandringar" in manifest["description"]
    assert "Safety walks" in manifest["description"]
    purposes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
            ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as served:
            assert served.status_code == 200
        size = int(icon["sizes"].split("x")[0])
        path = STATIC / icon["src"].removeprefix("/static/").split("?")[0]  # ?v=hash
        with Image.open(path) as image:
            assert image.size == (size, size) and image.format == "PNG"


def test_maskable_icon_fills_the_square(client):
    with Image.open(STATIC / "icons" / "maskable-512.png") as image:
        corner = image.convert("RGBA").getpixel((2, 2))
    assert corner[3] == 255  # no transparent corners: Android crops maskable icons itself


def test_offline_page_is_public(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "My walks" in response.get_data(as_text=True) or "Mina" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest", "/offline"])
def test_pwa_files_need_no_login(client, path):
    assert client.get(path).status_code == 200


def test_pages_link_the_manifest_worker_and_outbox(client, login):
    login("walker", language="en")
    page = client.get("/walks/mine").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert "apple-touch-icon" in page
    assert "js/sw-register.js" in page and "js/build/outbox.js" in page
    assert 'id="outbox-badge"' in page and 'id="a2hs-hint"' in page
    messages = page.split('id="outbox-i18n">', 1)[1].split("</script>", 1)[0]
    assert json.loads(messages)["waitingMany"] == "%(num)d waiting to send"


def test_new_finding_form_goes_through_the_outbox_edit_form_does_not(client, login, make):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    form = client.get(f"/walks/{walk}/findings/new").get_data(as_text=True)
    assert f'data-outbox-walk="{walk}"' in form
    assert f'data-buildings-url="/api/v1/walks/{walk}/buildings"' in form
    finding = make.finding(walk, walker)
    edit = client.get(f"/findings/{finding}/edit").get_data(as_text=True)
    assert "data-outbox-walk" not in edit


def test_shell_files_exist():
    for name in pwa_routes.SHELL_STATIC:
        assert (STATIC / name).is_file(), name


def test_the_outbox_and_capture_bundles_are_kept_for_offline_use(client):
    """Pages load static/js/outbox/ and capture/ bundled (scripts/bundle_js.py): the shell
    holds both bundles, and the worker sends with the outbox's sending part."""
    worker = client.get("/sw.js").get_data(as_text=True)
    shell = {url.split("?")[0] for url in _worker_constant(worker, "SHELL")}
    assert {"/static/js/build/outbox.js", "/static/js/build/capture.js"} <= shell
    assert re.search(r'importScripts\("/static/js/build/outbox-worker\.js\?v=\w+"\)', worker)
