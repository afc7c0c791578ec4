"""The JSON API under /api/v1: what the outbox and integrations see."""

import io
import json
import threading
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Category, Finding, Photo, User
from tests.conftest import TEST_PASSWORD


def jpeg_bytes(size=(640, 480), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def body(category_id, **extra):
    data = {
        "uuid": str(uuid.uuid4()),
        "category_id": category_id,
        "severity": "high",
        "place_type": "entrance",
        "unsafe_rating": 3,
        "unsafe_for": ["children"],
        "description": "Trasig lampa",
    }
    data.update(extra)
    return data


@pytest.fixture
def walker_walk(login, make):
    walker = login("walker")
    district = make.district()
    walk = make.walk(district, leader_id=walker)
    return walker, district, walk


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/walks"),
        ("get", "/api/v1/walks/1"),
        ("get", "/api/v1/walks/1/buildings"),
        ("get", "/api/v1/buildings/near?lat=59&lon=17"),
        ("get", "/api/v1/categories"),
        ("get", "/api/v1/csrf"),
        ("post", "/api/v1/walks/1/findings"),
        ("post", "/api/v1/findings/1/photos"),
    ],
)
def test_not_logged_in_gets_401_json(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response.is_json and response.json["code"] == "unauthenticated"
    assert response.json["error"] == "unauthenticated" and response.json["message"]


def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")


# --- reading --------------------------------------------------------------------------------


def test_my_walks_lists_the_walk_i_lead_not_others(client, walker_walk, make):
    _, _, walk = walker_walk
    other = make.walk(make.district(), title="Someone else's")
    response = client.get("/api/v1/walks")
    assert response.status_code == 200
    ids = [w["id"] for w in response.json["walks"]]
    assert walk in ids and other not in ids
    mine = response.json["walks"][0]
    assert mine["can_add_finding"] is True and mine["finding_count"] == 0


def test_fixer_may_not_list_walks(client, login):
    login("fixer")
    assert client.get("/api/v1/walks").status_code == 403


def test_walk_with_findings_and_confidential_hidden(client, walker_walk, make, app):
    walker, _, walk = walker_walk
    other = make.user("walker")
    make.finding(walk, walker, description="Mine")
    make.finding(walk, other, description="Secret", confidential=True)
    response = client.get(f"/api/v1/walks/{walk}")
    assert response.status_code == 200
    assert [f["description"] for f in response.json["findings"]] == ["Mine"]
    assert response.json["finding_count"] == 1


def test_unknown_walk_is_404_json(client, walker_walk):
    response = client.get("/api/v1/walks/99999")
    assert response.status_code == 404 and response.is_json


def test_district_buildings_and_nearest(client, walker_walk, make):
    _, district, walk = walker_walk
    near = make.building(district, lat=59.2472, lon=17.8610, address="Nära 1")
    make.building(district, lat=59.2500, lon=17.8700, address="Långt bort 9")
    make.building(make.district(), lat=59.2472, lon=17.8611, address="Other district")
    listed = client.get(f"/api/v1/walks/{walk}/buildings").json
    assert {b["address"] for b in listed["buildings"]} == {"Nära 1", "Långt bort 9"}

    response = client.get("/api/v1/buildings/near?lat=59.24729&lon=17.8610&limit=1")
    assert response.status_code == 200
    [first] = response.json["buildings"]
    assert first["id"] == near and first["distance_m"] < 15


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "lat"),
        ("lat=abc&lon=17", "lat"),
        ("lat=91&lon=17", "lat"),
        ("lat=nan&lon=17", "lat"),
        ("lat=59&lon=17&radius=-1", "radius"),
        ("lat=59&lon=17&limit=x", "limit"),
        ("lat=59&lon=17&limit=0", "limit"),
    ],
)
def test_nearest_with_bad_input_is_422_naming_the_field(client, walker_walk, query, field):
    response = client.get(f"/api/v1/buildings/near?{query}")
    assert response.status_code == 422
    assert response.json["code"] == "invalid" and response.json["field"] == field


def test_categories_in_the_users_language(client, login):
    login("walker", language="sv")
    names = [c["name"] for c in client.get("/api/v1/categories").json["categories"]]
    assert "Belysning" in names


def test_csrf_endpoint_gives_a_token(client, walker_walk):
    response = client.get("/api/v1/csrf")
    assert response.status_code == 200 and response.json["csrf_token"]
    assert "no-store" in response.headers["Cache-Control"]


# --- creating findings ----------------------------------------------------------------------


def test_create_finding_then_same_uuid_returns_the_same(client, walker_walk, make, app):
    _, district, walk = walker_walk
    building = make.building(district)
    data = body(make.category_id(), building_id=building, latitude=59.2472, longitude=17.861,
                accuracy_m=7)
    first = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert first.status_code == 201, first.json
    assert first.json["uuid"] == data["uuid"] and first.json["building_id"] == building
    assert first.headers["Location"].endswith(f"/findings/{first.json['id']}")
    again = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert count(app, Finding) == 1
    # The finding is on the walk's page, as any other.
    assert "Trasig lampa" in client.get(f"/walks/{walk}").get_data(as_text=True)


def test_replay_after_the_walk_is_completed_still_finds_the_finding(client, walker_walk, make,
                                                                     app):
    _, _, walk = walker_walk
    data = body(make.category_id())
    assert client.post(f"/api/v1/walks/{walk}/findings", json=data).status_code == 201
    client.post(f"/walks/{walk}/complete", data={"notes": ""})
    assert client.post(f"/api/v1/walks/{walk}/findings", json=data).status_code == 200
    new = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id()))
    assert new.status_code == 403 and new.is_json


def test_replay_of_a_finding_whose_category_was_retired_since_still_finds_it(
        client, walker_walk, make, app):
    _, _, walk = walker_walk
    data = body(make.category_id("litter"))
    first = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert first.status_code == 201
    with app.app_context():
        db.session.execute(update(Category).where(Category.slug == "litter").values(active=False))
        db.session.commit()
    again = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    fresh = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id("litter")))
    assert fresh.status_code == 422 and fresh.json["field"] == "category_id"
    assert count(app, Finding) == 1


def test_same_uuid_by_another_user_is_refused(client, walker_walk, make, app):
    walker, _, walk = walker_walk
    data = body(make.category_id())
    client.post(f"/api/v1/walks/{walk}/findings", json=data)
    client.post("/logout")
    other = make.user("walker")
    with app.app_context():
        email = db.session.get(User, other).email
    client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    response = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert response.status_code == 422 and response.json["field"] == "uuid"
    assert count(app, Finding) == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"category_id": None}, "category_id"),
        ({"category_id": "lighting"}, "category_id"),
        ({"category_id": 99999}, "category_id"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"severity": 3}, "severity"),
        ({"place_type": "moon"}, "place_type"),
        ({"unsafe_rating": 7}, "unsafe_rating"),
        ({"unsafe_rating": True}, "unsafe_rating"),
        ({"unsafe_for": ["dogs"]}, "unsafe_for"),
        ({"unsafe_for": "children"}, "unsafe_for"),
        ({"unsafe_for": [1]}, "unsafe_for"),
        ({"description": "x" * 5001}, "description"),
        ({"description": ["a"]}, "description"),
        ({"confidential": "yes"}, "confidential"),
        ({"building_id": 99999}, "building_id"),
        ({"building_id": "B-1"}, "building_id"),
        ({"latitude": 95, "longitude": 17}, "latitude"),
        ({"latitude": 59}, "latitude"),
        ({"latitude": "59", "longitude": 17}, "latitude"),
        # The spec says accuracy_m >= 0: refused, no longer dropped silently (issue 9).
        ({"latitude": 59, "longitude": 17, "accuracy_m": -5}, "accuracy_m"),
        ({"latitude": 59, "longitude": 17, "accuracy_m": 1e6}, "accuracy_m"),
        ({"uuid": "not-a-uuid"}, "uuid"),
        ({"uuid": 12}, "uuid"),
    ],
)
def test_bad_finding_is_422_naming_the_field(client, walker_walk, make, app, change, field):
    _, _, walk = walker_walk
    data = body(make.category_id())
    data.update(change)
    response = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert response.status_code == 422, response.json
    assert response.json["field"] == field
    assert response.json["message"]
    assert count(app, Finding) == 0


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "null", '"text"'])
def test_body_that_is_not_an_object_is_400(client, walker_walk, raw):
    _, _, walk = walker_walk
    response = client.post(f"/api/v1/walks/{walk}/findings", data=raw,
                           content_type="application/json")
    assert response.status_code == 400 and response.json["field"] == "body"


def test_json_sent_as_another_content_type_is_400(client, walker_walk, make):
    _, _, walk = walker_walk
    response = client.post(f"/api/v1/walks/{walk}/findings", content_type="text/plain",
                           data=json.dumps(body(make.category_id())))
    assert response.status_code == 400 and response.json["code"] == "malformed_json"


# A walker of another district may not (tests/accounts/test_access.py has the ownership table).
@pytest.mark.parametrize("role, status", [("walker", 403), ("manager", 201), ("fixer", 404)])
def test_who_may_add_findings_through_the_api(client, login, make, role, status):
    login(role)
    walk = make.walk()
    response = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id()))
    assert response.status_code == status


# --- photos ---------------------------------------------------------------------------------


def post_photo(client, finding_id, data, client_uuid=None, name="p.jpg"):
    form = {"photo": (io.BytesIO(data), name)}
    if client_uuid:
        form["client_uuid"] = client_uuid
    return client.post(f"/api/v1/findings/{finding_id}/photos", data=form,
                       content_type="multipart/form-data")


def test_photo_is_stored_once_per_client_uuid(client, walker_walk, make, app):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    photo_uuid = str(uuid.uuid4())
    first = post_photo(client, finding["id"], jpeg_bytes(), photo_uuid)
    assert first.status_code == 201, first.json
    assert first.json["client_uuid"] == photo_uuid
    again = post_photo(client, finding["id"], jpeg_bytes(), photo_uuid)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert count(app, Photo) == 1
    assert client.get(first.json["thumb_url"]).status_code == 200
    shown = client.get(f"/api/v1/walks/{walk}").json["findings"][0]
    assert [p["id"] for p in shown["photos"]] == [first.json["id"]]


def test_photo_uuid_of_another_finding_is_refused(client, walker_walk, make, app):
    _, _, walk = walker_walk
    one = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    two = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    photo_uuid = str(uuid.uuid4())
    assert post_photo(client, one["id"], jpeg_bytes(), photo_uuid).status_code == 201
    response = post_photo(client, two["id"], jpeg_bytes(), photo_uuid)
    assert response.status_code == 422 and response.json["field"] == "client_uuid"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"this is not a photo", "unsupported"),
        (jpeg_bytes()[:600], "truncated"),
        (b"", "truncated"),
    ],
)
def test_corrupt_photo_is_422_with_the_reason(client, walker_walk, make, app, data, reason):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    response = post_photo(client, finding["id"], data, str(uuid.uuid4()))
    assert response.status_code == 422
    assert response.json["field"] == "photo" and response.json["reason"] == reason
    assert count(app, Photo) == 0


def test_photo_without_file_or_with_bad_uuid(client, walker_walk, make):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    missing = client.post(f"/api/v1/findings/{finding['id']}/photos", data={},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.json["field"] == "photo"
    bad = post_photo(client, finding["id"], jpeg_bytes(), "nope")
    assert bad.status_code == 422 and bad.json["field"] == "client_uuid"
    assert client.post("/api/v1/findings/99999/photos").status_code == 404


def test_author_may_still_send_photos_after_the_walk_is_completed(client, walker_walk, make):
    _, _, walk = walker_walk
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=body(make.category_id())).json
    client.post(f"/walks/{walk}/complete", data={"notes": ""})
    assert post_photo(client, finding["id"], jpeg_bytes(), str(uuid.uuid4())).status_code == 201


def test_other_walker_may_not_add_photos(client, walker_walk, make, app):
    walker, _, walk = walker_walk
    finding = make.finding(walk, walker)
    client.post("/logout")
    other = make.user("walker")
    with app.app_context():
        email = db.session.get(User, other).email
    client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    response = post_photo(client, finding, jpeg_bytes(), str(uuid.uuid4()))
    assert response.status_code == 403 and response.is_json


# --- CSRF -----------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_post_needs_the_csrf_header_from_the_csrf_endpoint(client, walker_walk, make, app,
                                                           csrf_on):
    _, _, walk = walker_walk
    data = body(make.category_id())
    refused = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert refused.status_code == 400 and refused.is_json
    token = client.get("/api/v1/csrf").json["csrf_token"]
    accepted = client.post(f"/api/v1/walks/{walk}/findings", json=data,
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None  # a replay hours later still works


# --- ten at once ----------------------------------------------------------------------------


def _logged_in_client(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 303
    return client


@pytest.mark.committed  # ten threads, ten connections
def test_ten_concurrent_posts_of_one_uuid_make_one_finding(app, make):
    walker = make.user("walker")
    walk = make.walk(leader_id=walker)
    with app.app_context():
        email = db.session.get(User, walker).email
    clients = [_logged_in_client(app, email) for _ in range(10)]
    data = body(make.category_id())
    barrier = threading.Barrier(10)
    results: list = [None] * 10

    def send(n):
        barrier.wait()
        response = clients[n].post(f"/api/v1/walks/{walk}/findings", json=data)
        results[n] = (response.status_code, response.json.get("id"))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 9, results
    assert len({finding_id for _, finding_id in results}) == 1
    assert count(app, Finding) == 1


@pytest.mark.committed  # ten threads, ten connections
def test_ten_concurrent_posts_of_one_photo_uuid_store_one_photo(app, make):
    walker = make.user("walker")
    walk = make.walk(leader_id=walker)
    finding = make.finding(walk, walker)
    with app.app_context():
        email = db.session.get(User, walker).email
    clients = [_logged_in_client(app, email) for _ in range(10)]
    photo_uuid = str(uuid.uuid4())
    data = jpeg_bytes()
    barrier = threading.Barrier(10)
    results: list = [None] * 10

    def send(n):
        barrier.wait()
        response = post_photo(clients[n], finding, data, photo_uuid)
        results[n] = (response.status_code, response.json.get("id"))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(s for s, _ in results).count(201) == 1, results
    assert len({photo_id for _, photo_id in results}) == 1
    assert count(app, Photo) == 1
