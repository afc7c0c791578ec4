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


def _schema(doc, ref):
    return doc["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def _bounds(schema):
    """The constraints of a property: from the schema itself, or its non-null alternative."""
    for option in schema.get("anyOf", [schema]):
        if option.get("type") != "null":
            return option
    return schema


def _just_outside(bounds):
    """Values the document forbids, one per constraint it states."""
    if "maxLength" in bounds:
        yield "x" * (bounds["maxLength"] + 1)
    if "minimum" in bounds:
        yield bounds["minimum"] - 1
    if "exclusiveMinimum" in bounds:
        yield bounds["exclusiveMinimum"]
    if "maximum" in bounds:
        yield bounds["maximum"] + 1
    if "exclusiveMaximum" in bounds:
        yield bounds["exclusiveMaximum"]


def _new_finding_cases():
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        doc = openapi_document()
    body = doc["paths"]["/walks/{walk_id}/findings"]["post"]["requestBody"]
    schema = _schema(doc, body["content"]["application/json"]["schema"])
    cases = []
    for name, prop in schema["properties"].items():
        for value in _just_outside(_bounds(prop)):
            cases.append((name, value))
    return cases


NEW_FINDING_CASES = _new_finding_cases()


def test_the_document_states_the_findings_limits():
    names = {name for name, _ in NEW_FINDING_CASES}
    assert {"category_id", "description", "latitude", "longitude", "accuracy_m"} <= names


@pytest.mark.parametrize("name, value", NEW_FINDING_CASES)
def test_every_documented_limit_of_a_new_finding_is_enforced(client, login, make, app,
                                                             name, value):
    """Each bound the document states for a new finding, crossed by one: a 422 naming the
    field, and nothing stored."""
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    data = {"category_id": make.category_id(), "latitude": 59.2, "longitude": 17.8,
            "accuracy_m": 5}
    data[name] = value
    response = client.post(f"/api/v1/walks/{walk}/findings", json=data)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "invalid" and response.json["field"] == name
    with app.app_context():
        from app.extensions import db
        from app.models import Finding

        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0


def test_documented_limits_of_nearest_buildings_are_enforced(client, login):
    login("walker")
    with client.application.test_request_context():
        doc = openapi_document()
    parameters = doc["paths"]["/buildings/near"]["get"]["parameters"]
    checked = 0
    for parameter in parameters:
        for value in _just_outside(_bounds(parameter["schema"])):
            query = {"lat": 59, "lon": 17, parameter["name"]: value}
            response = client.get("/api/v1/buildings/near", query_string=query)
            assert response.status_code == 422, (parameter["name"], value)
            assert response.json["field"] == parameter["name"]
            checked += 1
    assert checked >= 6


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


def test_an_answer_off_its_schema_is_a_server_error_not_a_silent_drift(app, client, login,
                                                                       monkeypatch):
    """The documented response schemas are checked on every answer."""
    from app.api.spec import AnswerOffSchema
    from app.models import Category

    login("walker")
    monkeypatch.setattr(Category, "name", lambda self, locale: 5)  # documented: a string
    with pytest.raises(AnswerOffSchema):  # tests see the drift itself
        client.get("/api/v1/categories")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/api/v1/categories")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert response.json["code"] == "server_error"


def test_a_findings_fields_come_from_one_schema(client, login, make, app):
    """FindingInput is the one place a finding's fields are declared: the web form has a field
    for each, the API takes each and answers each back as stored."""
    from app.findings.forms import FindingForm
    from app.findings.schemas import FindingInput

    fields = set(FindingInput.model_fields)
    with app.test_request_context():
        assert fields <= {field.name for field in FindingForm()}
    walker = login("walker")
    walk = make.walk(leader_id=walker)
    sent = {"category_id": make.category_id(), "severity": "high", "place_type": "garage",
            "unsafe_rating": 3, "unsafe_for": ["children"], "description": "Mörkt garage",
            "confidential": True, "latitude": 59.2, "longitude": 17.8, "accuracy_m": 7.5}
    response = client.post(f"/api/v1/walks/{walk}/findings", json=sent)
    assert response.status_code == 201, response.json
    answer = response.json
    assert fields <= set(answer)
    assert {name: answer[name] for name in sent} == sent
    again = client.get(f"/api/v1/walks/{walk}").json["findings"][0]
    assert {name: again[name] for name in fields} == {name: answer[name] for name in fields}
