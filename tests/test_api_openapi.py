"""The OpenAPI document matches the routes, and bad input never gives a server error."""

import re

import pytest

from app.api.spec import document as openapi_document


def _documented():
    doc = openapi_document()
    return {
        (path, method.upper())
        for path, item in doc["paths"].items()
        for method in item
    }


def _implemented(app):
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method))
    return found


def test_every_route_is_documented_and_nothing_else(app):
    assert _implemented(app) == _documented()


def test_path_parameters_are_declared(app):
    doc = openapi_document()
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for operation in item.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path


FINDINGS = "/api/v1/walks/{walk}/findings"
PHOTOS = "/api/v1/findings/{finding}/photos"
MULTIPART_JUNK = {"data": b"junk", "content_type": "multipart/form-data; boundary=x"}


@pytest.mark.parametrize(
    "method, path, kwargs",
    [
        ("post", FINDINGS, {"data": b"\xff\xfe", "content_type": "application/json"}),
        ("post", FINDINGS, {"json": {"category_id": 10**30}}),
        ("post", FINDINGS, {"json": {"category_id": -1}}),
        ("post", FINDINGS, {"json": {"category_id": 1, "latitude": 1e308, "longitude": 9}}),
        ("post", FINDINGS, {"json": {"category_id": 1, "accuracy_m": -5}}),
        ("post", FINDINGS, {"json": {"category_id": 1, "description": "\x00"}}),
        ("post", FINDINGS, {"json": {"category_id": 1, "building_id": 10**30}}),
        ("post", FINDINGS, {"json": {"category_id": 1, "uuid": "0" * 5000}}),
        ("post", "/api/v1/walks/99999999999999999999/findings", {"json": {}}),
        ("post", PHOTOS, {"data": {"photo": "text, not a file"}}),
        ("post", PHOTOS, MULTIPART_JUNK),
        ("get", "/api/v1/buildings/near?lat=1e400&lon=17", {}),
        ("get", "/api/v1/buildings/near?lat=59&lon=17&radius=inf", {}),
        ("get", "/api/v1/buildings/near?lat=59&lon=17&limit=99999999999999999999", {}),
        ("get", "/api/v1/walks?status=%00", {}),
        ("get", "/api/v1/walks/0", {}),
    ],
)
def test_odd_input_is_never_a_server_error(client, login, make, method, path,
                                                          kwargs):
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    finding = make.finding(walk, walker)
    response = getattr(client, method)(path.format(walk=walk, finding=finding), **kwargs)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.is_json
