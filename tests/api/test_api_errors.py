"""One JSON error contract for /api/v1 (issue 10): crafted bodies are 4xx, never 500, on
both databases; 401 before CSRF; 405 with Allow; huge ids are the same 404 everywhere."""

import pytest

from app.extensions import db
from app.models import Finding


@pytest.fixture
def walk(login, make):
    walker = login("walker")
    return make.walk(leader_id=walker)


def assert_contract(response, status, code, field="any"):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json
    data = response.json
    assert data["code"] == code and data["error"] == code
    assert isinstance(data["message"], str) and data["message"]
    assert "field" in data
    if field != "any":
        assert data["field"] == field


@pytest.mark.parametrize(
    "raw, status, code, field",
    [
        ("[" * 100_000, 400, "malformed_json", "body"),
        ('{"category_id": 1, ' + '"x": ' + "[" * 100_000, 400, "malformed_json", "body"),
        ("{not json", 400, "malformed_json", "body"),
        (b"\xff\xfe{}", 400, "malformed_json", "body"),
        ('{"category_id": 1, "description": "\\ud800x"}', 422, "invalid", "description"),
        ('{"category_id": 1, "description": "a\\u0000b"}', 422, "invalid", "description"),
        ('{"category_id": 1, "unsafe_for": ["\\u0000"]}', 422, "invalid", "unsafe_for"),
        ('{"category_id": 1, "uuid": "\\udfff"}', 422, "invalid", "uuid"),
        ('{"category_id": 1, "\\ud800": 1}', 422, "invalid", None),
        ('{"category_id": 1, "extra": {"deep": ["\\u0000"]}}', 422, "invalid", "extra"),
    ],
)
def test_crafted_json_is_a_client_error(client, app, walk, raw, status, code, field):
    response = client.post(f"/api/v1/walks/{walk}/findings", data=raw,
                           content_type="application/json")
    assert_contract(response, status, code, field)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 0


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_unauthenticated_post_is_401_before_the_csrf_check(client, csrf_on):
    response = client.post("/api/v1/walks/1/findings", json={"category_id": 1})
    assert_contract(response, 401, "unauthenticated")


def test_missing_csrf_token_is_its_own_code(client, walk, csrf_on):
    response = client.post(f"/api/v1/walks/{walk}/findings", json={"category_id": 1})
    assert_contract(response, 400, "csrf")


def test_api_method_not_allowed_names_the_allowed_methods(client, walk):
    response = client.delete("/api/v1/walks")
    assert_contract(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_web_method_not_allowed_names_the_allowed_methods(client, walk):
    response = client.put(f"/walks/{walk}/start")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "text/html" in response.content_type


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
@pytest.mark.parametrize("path", ["/api/v1/walks/{}", "/api/v1/walks/{}/buildings"])
def test_huge_api_ids_are_404(client, walk, path, big):
    assert_contract(client.get(path.format(big)), 404, "not_found")


@pytest.mark.parametrize("big", [2**31, 2**63])
def test_huge_api_ids_in_posts_are_404(client, walk, big):
    response = client.post(f"/api/v1/walks/{big}/findings", json={"category_id": 1})
    assert_contract(response, 404, "not_found")
    response = client.post(f"/api/v1/findings/{big}/photos", data={})
    assert_contract(response, 404, "not_found")


@pytest.mark.parametrize("big", [2**31, 2**63])
@pytest.mark.parametrize("path", ["/walks/{}", "/findings/{}", "/photos/{}/full.jpg",
                                  "/walks/{}/complete", "/findings/{}/edit"])
def test_huge_web_ids_are_404(client, login, path, big):
    login("manager")
    assert client.get(path.format(big)).status_code == 404


def test_server_error_is_json_with_its_code(client, app, walk, monkeypatch):
    def boom():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "api.categories", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert_contract(client.get("/api/v1/categories"), 500, "server_error")


def test_bad_query_parameter_is_422_naming_it(client, walk):
    assert_contract(client.get("/api/v1/walks?status=%00"), 422, "invalid", "status")


# --- NUL in web forms: a message on the field, on both databases ---------------------------


def test_nul_in_a_web_form_is_an_error_on_the_field(client, app, login, make):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    response = client.post(f"/walks/{walk}/findings/new", data={
        "uuid": "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
        "category_id": make.category_id(), "severity": "high", "unsafe_rating": 2,
        "place_type": "other", "description": "Mörk\x00 gång", "building_id": 0,
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "NUL" in page and "out of range" not in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 0


def test_nul_in_a_nested_form_field_is_named(client, login, make):
    login("manager")
    response = client.post("/walks/new", data={
        "district_id": make.district(), "title": "Kväll", "planned_date": "2030-01-01",
        "planned_time": "18:00", "light_condition": "dark", "leader_id": 0,
        "participants-0-name": "A\x00", "participants-0-role": "tenant",
    })
    assert response.status_code == 422
    assert "NUL" in response.get_data(as_text=True)
