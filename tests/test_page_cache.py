"""Pages built from parts kept per state of the data (app.page_cache.cached: filter options,
bulk actions, dashboard bodies): every change shows at once on the findings list, the map, a
finding's page and the walks API, each user sees their own page and each session its own
CSRF token, and what a process keeps stays within its bytes."""

import re

import pytest
from sqlalchemy import update

from app import page_cache
from app.accounts.operations import start_session
from app.extensions import db
from app.models import Finding, User


@pytest.fixture
def spot(make):
    walk = make.walk(make.district("Fittja"), status="completed")
    walker = make.user("walker")
    return {"walk": walk, "walker": walker,
            "finding": make.finding(walk, walker, description="Trasig lampa vid porten")}


def _second_session(app, user_id: int):
    """Another device of the same user: its own login session and cookie."""
    other = app.test_client()
    with app.app_context():
        token = start_session(db.session, db.session.get(User, user_id), device="phone")
        db.session.commit()
    with other.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = token, True
    return other


def test_a_new_finding_shows_in_the_list_and_on_the_map_at_once(client, login, make, spot):
    login("manager")
    assert "1 iakttagelse<" in client.get("/findings").text
    client.get("/findings/map")
    new = make.finding(spot["walk"], spot["walker"], category="graffiti", latitude=59.25,
                       longitude=17.86)
    listed = client.get("/findings").text
    assert "2 iakttagelser" in listed and f'id="row-{new}"' in listed
    assert f"[{new},59.25,17.86," in client.get("/findings/map").text.replace(" ", "")


def test_the_maps_answer_after_a_pan_shows_a_new_finding_at_once(client, login, make, spot):
    login("manager")
    url = "/findings/map?bbox=59.0,17.5,59.5,18.0"
    json = {"Accept": "application/json"}
    assert client.get(url, headers=json).get_json()["points"]["rows"] == []
    new = make.finding(spot["walk"], spot["walker"], latitude=59.25, longitude=17.86)
    rows = client.get(url, headers=json).get_json()["points"]["rows"]
    assert [row[0] for row in rows] == [new]


def test_a_bulk_update_shows_on_the_finding_page_at_once(app, client, login, spot):
    login("manager")
    assert "Trasig lampa vid porten" in client.get(f"/findings/{spot['finding']}").text
    with app.app_context():
        db.session.execute(update(Finding).where(Finding.id == spot["finding"])
                           .values(description="Lampan är lagad men kåpan saknas"))
        db.session.commit()
    page = client.get(f"/findings/{spot['finding']}").text
    assert "Lampan är lagad men kåpan saknas" in page


def test_each_user_gets_their_own_page_at_the_same_url(app, client, login, make, spot):
    manager = login("manager")
    fixer = make.user("fixer", name="Fia Fixare")
    with app.app_context():
        db.session.execute(update(Finding).where(Finding.id == spot["finding"])
                           .values(assignee_id=fixer, status="assigned"))
        db.session.commit()
    url = f"/findings/{spot['finding']}"
    assign = f'action="{url}/assign"'
    as_manager = client.get(url).text
    assert assign in as_manager
    as_fixer = _second_session(app, fixer).get(url).text
    assert "Trasig lampa vid porten" in as_fixer
    assert assign not in as_fixer
    assert _second_session(app, manager).get(url).text.count("/assign\"") == 1


def test_a_walker_does_not_get_the_managers_walk_list(app, client, login, make, spot):
    walker = _second_session(app, make.user("walker"))
    login("manager")
    everyone = client.get("/api/v1/walks").get_json()["walks"]
    assert [w["id"] for w in everyone] == [spot["walk"]]
    assert walker.get("/api/v1/walks").get_json()["walks"] == []


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _token(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_each_device_gets_its_own_csrf_token_on_the_same_page(app, client, login, spot,
                                                               csrf_on):
    """Two devices of one manager open the same finding: each page carries its own device's
    token, which its form posts with; the other device's token is refused."""
    manager = login("manager")
    url = f"/findings/{spot['finding']}"
    first = client.get(url).text
    phone = _second_session(app, manager)
    on_phone = phone.get(url).text
    assert _token(on_phone) != _token(first)
    assert f'name="csrf_token" type="hidden" value="{_token(on_phone)}"' in on_phone
    answer = phone.post(f"{url}/comments", data={
        "csrf_token": _token(on_phone), "body": "Fastighetsskötaren tittar i morgon"})
    assert answer.status_code == 303, answer.text[:500]
    assert "Fastighetsskötaren tittar i morgon" in phone.get(url).text
    refused = phone.post(f"{url}/comments", data={
        "csrf_token": _token(first), "body": "Med den andra enhetens token"})
    assert refused.status_code == 400


def test_a_flashed_message_is_shown_once(client, login, spot):
    login("manager")
    url = f"/findings/{spot['finding']}"
    client.get(url)
    answer = client.post(f"{url}/comments", data={"body": "Polisen informerad"})
    assert answer.status_code == 303
    after = client.get(url).text
    assert "Polisen informerad" in after and 'class="flash flash-success"' in after
    assert 'class="flash' not in client.get(url).text


def test_the_kept_parts_stay_within_their_bytes(app, monkeypatch):
    """Each worker keeps at most PAGE_CACHE_BYTES: under many distinct keys the least
    recently used go (and are computed again), memory does not grow with every key asked."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_BYTES", 1_000_000)
    computed = []

    def part(n):
        def compute():
            computed.append(n)
            return f"<option>{n}</option>" * 2_000  # ~40 kB, as a filter form's options
        return compute

    with app.app_context():
        for n in range(60):
            page_cache.cached(db.session, "filters", ("options", n), part(n))
        assert 0 < page_cache.kept_bytes() <= 1_000_000
        computed.clear()
        page_cache.cached(db.session, "filters", ("options", 59), part(59))
        assert computed == []  # the latest is still kept
        page_cache.cached(db.session, "filters", ("options", 0), part(0))
        assert computed == [0]  # the first had to go
