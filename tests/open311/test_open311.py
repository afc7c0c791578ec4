"""Open311 GeoReport v2, tried as an integrator: the shapes of the spec's examples
(https://wiki.open311.org/GeoReport_v2/), JSON and XML, and nothing confidential or
personal going out."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest

from app.extensions import db
from app.models import Finding, FindingStatus, User, Walk

# The fields of the spec's example answers.
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


@pytest.fixture
def place(make):
    district = make.district("Fittja")
    building = make.building(district, lat=59.2472, lon=17.8610, code="FI-12",
                             address="Fittjavägen 12")
    return {"district": district, "building": building}


def test_services_as_the_spec_shows_them(client):
    answer = client.get("/open311/v2/services.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    services = answer.json
    assert services and set(services[0]) == SERVICE_FIELDS
    lighting = next(s for s in services if s["service_code"] == "lighting")
    assert lighting["metadata"] is False and lighting["type"] == "realtime"
    xml = ET.fromstring(client.get("/open311/v2/services.xml").data)
    assert xml.tag == "services"
    codes = [s.findtext("service_code") for s in xml.findall("service")]
    assert "lighting" in codes
    assert {child.tag for child in xml.find("service")} == SERVICE_FIELDS
    definition = client.get("/open311/v2/services/lighting.json").json
    assert definition == {"service_code": "lighting", "attributes": []}
    xml = ET.fromstring(client.get("/open311/v2/services/lighting.xml").data)
    assert xml.tag == "service_definition" and xml.findtext("service_code") == "lighting"
    missing = client.get("/open311/v2/services/nothing.xml")
    assert missing.status_code == 404
    assert ET.fromstring(missing.data).find("error").findtext("code") == "404"


def test_a_posted_request_lands_in_triage(client, make_key, place, app, login):
    token = make_key("open311", "findings:create", "findings:read")
    answer = client.post("/open311/v2/requests.json", headers={"Accept-Language": "en"}, data={
        "api_key": token, "service_code": "lighting", "lat": "59.24725", "long": "17.86105",
        "description": "Lampan vid porten är trasig", "email": "anna@example.org",
        "first_name": "Anna", "last_name": "Svensson", "phone": "070-1234567",
    })
    assert answer.status_code == 201, answer.data
    created = answer.json[0]
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    with app.app_context():
        finding = db.session.get(Finding, int(created["service_request_id"]))
        assert finding.status == FindingStatus.NEW
        assert finding.building.code == "FI-12"
        assert finding.author.name == "Fastighetssystem (API)" and not finding.author.active
        walk = db.session.get(Walk, finding.walk_id)
        assert walk.title == "Open311" and walk.completed_at is None
        # The requester's contact details are stored nowhere.
        assert db.session.scalar(db.select(User).where(User.email == "anna@example.org")) \
            is None
        assert "Anna" not in finding.description
    # A manager sees it in the New inbox.
    login("manager")
    inbox = client.get("/inbox/new").get_data(as_text=True)
    assert "Lampan vid porten är trasig" in inbox
    # The integration reads it back, by id and by token.
    shown = client.get(f"/open311/v2/requests/{created['service_request_id']}.json",
                       headers=bearer(token)).json
    assert len(shown) == 1 and set(shown[0]) == REQUEST_FIELDS
    assert shown[0]["status"] == "open" and shown[0]["address_id"] == "FI-12"
    assert shown[0]["service_code"] == "lighting"
    by_token = client.get(f"/open311/v2/tokens/{created['token']}.json",
                          headers=bearer(token)).json
    assert by_token == [{"service_request_id": created["service_request_id"],
                         "token": created["token"]}]


def test_a_second_request_goes_to_the_same_intake_walk(client, make_key, place, app):
    token = make_key("open311", "findings:create")
    for address in ("Fittjavägen 12", "FI-12"):
        answer = client.post("/open311/v2/requests.xml", headers=bearer(token), data={
            "service_code": "graffiti", "address_string": address})
        assert answer.status_code == 201
        xml = ET.fromstring(answer.data)
        assert xml.tag == "service_requests" and xml.find("request/service_request_id").text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Walk.id))) == 1
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 2


@pytest.mark.parametrize("data, message", [
    ({"lat": "59.2472", "long": "17.8610"}, "service_code"),
    ({"service_code": "lighting"}, "lat and long"),
    ({"service_code": "lighting", "lat": "91", "long": "17"}, "lat"),
    ({"service_code": "lighting", "lat": "59.0", "long": "15.0"}, "not at or near"),
    ({"service_code": "lighting", "address_id": "NOPE"}, "not at or near"),
])
def test_a_bad_request_is_answered_as_the_spec_says(client, make_key, place, data, message):
    token = make_key("open311", "findings:create")
    answer = client.post("/open311/v2/requests.json", headers=bearer(token), data=data)
    assert answer.status_code == 400
    assert answer.json[0]["code"] == 400 and message in answer.json[0]["description"]
    xml = client.post("/open311/v2/requests.xml", headers=bearer(token), data=data)
    error = ET.fromstring(xml.data)
    assert error.tag == "errors" and error.find("error/code").text == "400"


def test_posting_needs_the_create_scope(client, make_key, place):
    token = make_key("open311", "findings:read")
    answer = client.post("/open311/v2/requests.json", headers=bearer(token),
                         data={"service_code": "lighting", "address_id": "FI-12"})
    assert answer.status_code == 403


def test_confidential_findings_and_people_never_go_out(client, make, make_key, place, app):
    walker = make.user("walker", name="Walter Walker", email="walter@example.org")
    fixer = make.user("fixer", name="Fia Fixare")
    walk = make.walk(place["district"])
    open_one = make.finding(walk, walker, description="Mörk gång",
                            building_id=place["building"], assignee_id=fixer)
    secret = make.finding(walk, walker, description="Hemlig", confidential=True)
    token = make_key("open311", "findings:read")
    listed = client.get("/open311/v2/requests.json", headers=bearer(token))
    assert [r["service_request_id"] for r in listed.json] == [str(open_one)]
    text = listed.get_data(as_text=True) + client.get(
        "/open311/v2/requests.xml", headers=bearer(token)).get_data(as_text=True)
    for personal in ("Walter", "walter@example.org", "Fia Fixare", "Hemlig"):
        assert personal not in text
    assert client.get(f"/open311/v2/requests/{secret}.json",
                      headers=bearer(token)).status_code == 404
    with app.app_context():
        secret_uuid = db.session.get(Finding, secret).uuid
    assert client.get(f"/open311/v2/tokens/{secret_uuid}.json",
                      headers=bearer(token)).status_code == 404


def test_filters_and_paging(client, make, make_key, place, app):
    walker = make.user("walker")
    walk = make.walk(place["district"])
    now = datetime.now(UTC)
    old = make.finding(walk, walker, created_at=now - timedelta(days=120))
    fixed = make.finding(walk, walker, category="graffiti", status=FindingStatus.FIXED,
                         created_at=now - timedelta(days=2))
    new = make.finding(walk, walker, created_at=now - timedelta(days=1))
    token = make_key("open311", "findings:read")

    def ids(query: str) -> list[str]:
        answer = client.get("/open311/v2/requests.json?" + query, headers=bearer(token))
        assert answer.status_code == 200, answer.data
        return [r["service_request_id"] for r in answer.json]

    assert ids("") == [str(new), str(fixed)]  # the last 90 days by default
    assert ids("status=closed") == [str(fixed)]
    assert ids("status=open") == [str(new)]
    assert ids("service_code=graffiti") == [str(fixed)]
    start = (now - timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={start}&end_date={end}") == [str(old)]
    assert ids(f"start_date={start}&page_size=2") == [str(new), str(fixed)]
    assert ids(f"start_date={start}&page_size=2&page=2") == [str(old)]
    assert ids(f"service_request_id={old},{new}") == [str(new), str(old)]
    bad = client.get("/open311/v2/requests.json?status=maybe", headers=bearer(token))
    assert bad.status_code == 400


@pytest.mark.committed
def test_a_generic_open311_client_reads_services_and_requests(live_server, make, make_key,
                                                              place, monkeypatch):
    georeport = pytest.importorskip("georeport")
    import requests

    walker = make.user("walker")
    walk = make.walk(place["district"])
    finding = make.finding(walk, walker, description="Trasig lampa",
                           building_id=place["building"])
    token = make_key("open311", "findings:read")
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(live_server + "/open311/v2", output_format=fmt)
        services = client.get_service_list()
        assert "lighting" in [s["service_code"] for s in services]
        assert client.get_service_definition("lighting")["service_code"] == "lighting"
    # georeport sends no key on reads: the integrator's HTTP session adds the header.
    plain_get = requests.get
    monkeypatch.setattr(requests, "get", lambda url, **kw: plain_get(
        url, headers={"Authorization": f"Bearer {token}"}, **kw))
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(live_server + "/open311/v2", output_format=fmt)
        listed = client.get_service_requests(status="open")
        listed = listed if isinstance(listed, list) else [listed]
        assert [r["service_request_id"] for r in listed] == [str(finding)]
        one = client.get_service_request(str(finding))
        assert one["description"] == "Trasig lampa" and one["status"] == "open"


def test_the_integrations_openapi_document(client):
    answer = client.get("/open311/v2/openapi.json")
    assert answer.status_code == 200
    doc = answer.json
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert set(paths) == {
        "/open311/v2/services.{fmt}", "/open311/v2/services/{code}.{fmt}",
        "/open311/v2/requests.{fmt}", "/open311/v2/requests/{request_id}.{fmt}",
        "/open311/v2/tokens/{token}.{fmt}", "/integrations/findings.geojson",
        "/integrations/feeds/situation/{district_code}.geojson",
        "/integrations/feeds/situation/{district_code}.csv"}
    assert set(paths["/open311/v2/requests.{fmt}"]) == {"get", "post"}
    query = {p["name"] for p in paths["/open311/v2/requests.{fmt}"]["get"]["parameters"]}
    assert {"status", "start_date", "end_date", "service_code", "page", "page_size"} <= query
    assert "ServiceRequest" in doc["components"]["schemas"]
    assert paths["/open311/v2/services.{fmt}"]["get"]["security"] == []
    # The session API's document stays as it was.
    assert not any("open311" in p for p in client.get("/api/v1/openapi.json").json["paths"])
