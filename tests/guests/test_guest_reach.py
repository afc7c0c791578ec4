"""A guest (joined by code, no account) reaches nothing of Trygg but their walk's page, its
live list and map, the capture form and the outbox's calls, and the findings and photos of
that walk: every GET route of the app is probed with a guest session (issue 24)."""

from __future__ import annotations

import io
import itertools
import uuid

from PIL import Image
from werkzeug.routing import AnyConverter, IntegerConverter

from app.accounts.auth import PUBLIC_BLUEPRINTS, PUBLIC_ENDPOINTS
from app.extensions import db
from app.models import Building, Photo
from tests.guests.conftest import join

# What a guest may be served (endpoint → a rule on the URL's arguments, given the ids).
SERVED = {
    "guests.walk", "guests.join", "guests.join_code", "walks.live", "findings.new",
    "findings.near", "findings.show", "findings.possible_duplicates", "photos.serve",
    "api.csrf", "api.walk_buildings", "static", "pwa.service_worker", "pwa.manifest",
    "pwa.offline", "pwa.favicon", "auth.set_language",
    "api.openapi",  # public to anyone (PUBLIC_PATHS), as the service worker and manifest
}


def _public(endpoint: str) -> bool:
    """Reached without an account by anyone (a tenant's QR page, a protocol's secret link,
    the health checks): a guest is not worse off than a stranger there."""
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def _urls(app, ids: list[int], strings: list[str]):
    """Every GET rule with its arguments filled from `ids` (integers) and `strings`."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments - set(rule.defaults or {}))
        choices = []
        for name in names:
            converter = rule._converters[name]
            if isinstance(converter, IntegerConverter):
                choices.append(ids)
            elif isinstance(converter, AnyConverter):
                choices.append(sorted(converter.items)[:1] if hasattr(converter, "items")
                               else [converter.regex.split("|")[0].strip("(?:")])
            else:
                choices.append(strings)
        for values in itertools.product(*choices):
            args = dict(zip(names, values, strict=True))
            try:
                yield rule.endpoint, args, adapter.build(rule.endpoint, args,
                                                         force_external=False)
            except Exception:  # noqa: BLE001  (a converter refusing a value: no such URL)
                continue


def test_a_guest_gets_nothing_but_their_walk(app, on_walk, make):
    other_walk = make.walk()
    mine = join(app, on_walk.code)
    created = mine.post(f"/api/v1/walks/{on_walk.walk}/findings", json={
        "uuid": str(uuid.uuid4()), "category_id": make.category_id("lighting"),
        "description": "Guest's own"}).json
    mine.post(f"/api/v1/findings/{created['id']}/photos",
              data={"photo": (io.BytesIO(_jpeg()), "a.jpg")}, content_type="multipart/form-data")
    staff_same_walk = make.finding(on_walk.walk, on_walk.leader)
    staff_other_walk = make.finding(other_walk, on_walk.leader)
    secret = make.finding(on_walk.walk, on_walk.leader, confidential=True)
    with app.app_context():
        photo = db.session.scalar(db.select(Photo.id))
    ids = sorted({on_walk.walk, other_walk, created["id"], staff_same_walk, staff_other_walk,
                  secret, photo, on_walk.leader, on_walk.building, 1})
    own_walk_findings = {created["id"], staff_same_walk}
    served, probed = [], 0
    for endpoint, args, url in _urls(app, ids, [on_walk.code, "x"]):
        if endpoint == "guests.leave":
            continue
        probed += 1
        response = mine.get(url)
        status = response.status_code
        if status in (200, 304) and endpoint != "static":
            served.append((endpoint, url))
        if _public(endpoint):
            assert status < 500, (endpoint, url, status)
            continue
        if endpoint not in SERVED:
            assert status in (404, 405), (endpoint, url, status)
            continue
        if status != 200:
            continue
        # Served: only about the guest's walk, its findings and their photos.
        walk_id = args.get("walk_id")
        assert walk_id in (None, on_walk.walk), (endpoint, url)
        if endpoint == "findings.show":
            assert args["finding_id"] in own_walk_findings, url
        if endpoint == "photos.serve":
            assert args["photo_id"] == photo, url
    assert probed > 200
    # The pages the guest does get.
    endpoints = {endpoint for endpoint, _url in served}
    assert {"guests.walk", "walks.live", "findings.new", "findings.show", "photos.serve",
            "api.csrf"} <= endpoints
    assert {e for e in endpoints if not _public(e)} <= SERVED


POSTED = {"guests.leave", "guests.join", "guests.join_code", "auth.set_language",
          "findings.new", "api.create_finding", "api.add_photo"}


def test_a_guest_cannot_post_anywhere_else(app, on_walk, make):
    other_walk = make.walk()
    staff_finding = make.finding(on_walk.walk, on_walk.leader)
    other_finding = make.finding(other_walk, on_walk.leader)
    mine = join(app, on_walk.code)
    ids = sorted({on_walk.walk, other_walk, staff_finding, other_finding, on_walk.leader, 1})
    adapter = app.url_map.bind("localhost")
    probed = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in POSTED:
            continue
        names = sorted(rule.arguments - set(rule.defaults or {}))
        choices = [ids if isinstance(rule._converters[n], IntegerConverter) else ["x"]
                   for n in names]
        for values in itertools.product(*choices):
            try:
                url = adapter.build(rule.endpoint, dict(zip(names, values, strict=True)))
            except Exception:  # noqa: BLE001  (a converter refusing a value: no such URL)
                continue
            probed += 1
            if _public(rule.endpoint):
                assert mine.post(url).status_code < 500, url
                continue
            assert mine.post(url).status_code in (404, 405), url
    assert probed > 100
    assert mine.get("/join/walk").status_code == 200  # still the guest


def test_a_guest_scanning_a_tenant_qr_code_gets_the_tenant_page(app, on_walk):
    """A police officer on the walk scans the entrance's QR label with the same phone: the
    tenant page opens for them, as for anyone, and they stay the walk's guest."""
    with app.app_context():
        code = db.session.get(Building, on_walk.building).code
    mine = join(app, on_walk.code)
    page = mine.get(f"/t/{code}", headers={"Accept-Language": "sv"})
    assert page.status_code == 200
    assert "Skicka" in page.get_data(as_text=True)
    assert mine.get("/join/walk").status_code == 200
    assert mine.get("/findings").status_code == 404


# Once the walk is completed (a sending-only guest, tests/guests/test_late_sync.py): the page
# that says so and the outbox's token; the live walk's own pages move the whole page there.
SERVED_WHILE_SENDING = {
    "guests.walk", "guests.join", "guests.join_code", "api.csrf", "static",
    "pwa.service_worker", "pwa.manifest", "pwa.offline", "pwa.favicon", "auth.set_language",
    "api.openapi",
}


def test_after_completion_a_guest_gets_only_the_sending_page(app, on_walk, make):
    from datetime import UTC, datetime

    from tests.guests.test_late_sync import complete_at

    other_walk = make.walk()
    mine = join(app, on_walk.code)
    created = mine.post(f"/api/v1/walks/{on_walk.walk}/findings", json={
        "uuid": str(uuid.uuid4()), "category_id": make.category_id("lighting"),
        "description": "Guest's own"}).json
    staff_same_walk = make.finding(on_walk.walk, on_walk.leader)
    complete_at(app, on_walk.walk, datetime.now(UTC))
    ids = sorted({on_walk.walk, other_walk, created["id"], staff_same_walk, on_walk.leader,
                  on_walk.building, 1})
    served, moved, probed = set(), set(), 0
    for endpoint, _args, url in _urls(app, ids, [on_walk.code, "x"]):
        if endpoint == "guests.leave":
            continue
        probed += 1
        status = mine.get(url).status_code
        if _public(endpoint):
            assert status < 500, (endpoint, url, status)
            continue
        if status == 200:
            served.add(endpoint)
        elif status == 302:
            moved.add(endpoint)
        else:
            assert status in (404, 405), (endpoint, url, status)
    assert probed > 150
    assert served <= SERVED_WHILE_SENDING and "guests.walk" in served
    assert moved <= SERVED - SERVED_WHILE_SENDING
    assert {"walks.live", "findings.new", "findings.show"} <= moved
