"""A strict Content-Security-Policy (issue 10) that breaks nothing: every page a role reaches
from the navigation, plus the finding, walk, capture, map and dashboard pages, renders in
Chromium with no CSP violation and no console error.

Other pages: add them to EXTRA_PAGES (path templates filled from the `world` fixture); pages
in the main or admin navigation are found by following its links.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.extensions import db
from app.media.photos import process_photo, save_photo
from app.models import Finding, FindingStatus, PhotoKind
from app.storage import get_storage
from tests.browser.conftest import log_in

ROLES = ["walker", "fixer", "manager", "admin"]
# role → pages beyond the navigation (format keys: walk, finding)
EXTRA_PAGES: dict[str, list[str]] = {
    "walker": ["/walks/{walk}", "/walks/{walk}/findings/new", "/findings/{finding}",
               "/walks/{walk}/complete", "/offline"],
    "fixer": ["/findings/{finding}"],
    "manager": ["/walks/{walk}", "/walks/{walk}/findings/new", "/findings/{finding}",
                "/findings/map", "/reports", "/walks/new", "/walks/{walk}/edit"],
    "admin": ["/findings/{finding}", "/findings/map", "/reports", "/admin/categories"],
}

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + (e.lineNumber || 0));
});
"""

PNG = io.BytesIO()
Image.new("RGB", (256, 256), (230, 230, 220)).save(PNG, "PNG")


@pytest.fixture
def world(app, make):
    district = make.district("Alby")
    make.building(district, address="Albyvägen 1")
    users = {role: make.user(role) for role in ROLES}
    with app.app_context():
        from app.models import District, User

        db.session.get(User, users["walker"]).districts = [db.session.get(District, district)]
        db.session.commit()
    walk = make.walk(district, leader_id=users["walker"], title="Kvällsvandring Alby")
    finding = make.finding(walk, users["walker"], latitude=59.2472, longitude=17.8610,
                           description="Trasig lampa")
    with app.app_context():
        row = db.session.get(Finding, finding)
        row.assignee_id, row.status = users["fixer"], FindingStatus.ASSIGNED
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
        save_photo(db.session, get_storage(), finding=row, kind=PhotoKind.FINDING,
                   processed=process_photo(out.getvalue(), max_bytes=10**7, max_pixels=10**7))
        db.session.commit()
    return {"users": users, "walk": walk, "finding": finding}


def _visit(page, path: str, console: list[str]) -> list[str]:
    console.clear()
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response}"
    csp = response.headers.get("content-security-policy", "")
    assert "unsafe-inline" not in csp and "object-src 'none'" in csp, csp
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)  # htmx, Leaflet and the outbox set themselves up
    problems = [f"{path}: CSP {v}" for v in page.evaluate("window.__csp || []")]
    problems += [f"{path}: console {m}" for m in console]
    return problems


def _nav_links(page) -> list[str]:
    return page.eval_on_selector_all(
        ".mainnav a[href], nav[aria-label] a.btn[href]",
        "links => links.map(a => a.getAttribute('href'))",
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_without_a_csp_violation(phone, app, world, role):
    page = phone(service_workers="block", locale="sv-SE")
    tiles = app.config["MAP_TILE_URL"].split("/{z}")[0]
    page.context.route(tiles + "/**", lambda route: route.fulfill(
        status=200, body=PNG.getvalue(), content_type="image/png"))
    page.context.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"uncaught {e}"))
    log_in(page, app, world["users"][role])

    todo = [p.format(**world) for p in EXTRA_PAGES[role]]
    todo += _nav_links(page)
    seen: set[str] = set()
    problems: list[str] = []
    while todo:
        path = todo.pop(0)
        if path in seen or not path.startswith("/"):
            continue
        seen.add(path)
        problems += _visit(page, path, console)
        if path.startswith("/admin") or path == "/reports":
            todo += _nav_links(page)  # the admin and report sub-menus
    assert len(seen) >= 3
    assert problems == [], "\n".join(problems)


def test_map_draws_its_markers_and_tiles_under_the_policy(phone, app, world):
    page = phone(service_workers="block")
    tiles = app.config["MAP_TILE_URL"].split("/{z}")[0]
    served = []

    def tile(route):
        served.append(route.request.url)
        route.fulfill(status=200, body=PNG.getvalue(), content_type="image/png")

    page.context.route(tiles + "/**", tile)
    page.context.add_init_script(LISTEN)
    log_in(page, app, world["users"]["manager"])
    page.goto("/findings/map")
    page.wait_for_function("() => document.querySelector('.js-map').dataset.markers === '1'")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-loaded').length > 0")
    assert served
    dot = page.locator(".legend-dot").first
    assert dot.evaluate("d => getComputedStyle(d).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert page.evaluate("window.__csp") == []


def test_delete_asks_first_without_an_inline_handler(phone, app, world, make):
    walker = world["users"]["walker"]
    finding = make.finding(world["walk"], walker, description="Klotter")
    page = phone(service_workers="block")
    log_in(page, app, walker)
    page.goto(f"/findings/{finding}")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("form[data-confirm] button").click()
    page.wait_for_timeout(300)
    assert asked and ("Delete" in asked[0] or "Radera" in asked[0])
    with app.app_context():
        assert db.session.get(Finding, finding) is not None  # dismissed: nothing deleted
    page.once("dialog", lambda d: d.accept())
    page.locator("form[data-confirm] button").click()
    page.wait_for_url(lambda url: f"/findings/{finding}" not in url)
    with app.app_context():
        assert db.session.get(Finding, finding) is None
