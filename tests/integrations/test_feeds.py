"""GeoJSON of findings and the weekly situation feed, loaded as a GIS client would."""

import csv
import io
from datetime import UTC, date, datetime

import geojson
import pytest

from app.extensions import db
from app.integrations.feeds import Week
from app.models import District, FindingStatus


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def district_findings(make):
    district = make.district("Fittja")
    building = make.building(district, lat=59.2475, lon=17.8612, code="FI-7")
    walker = make.user("walker", name="Walter Walker", email="walter@example.org")
    walk = make.walk(district)
    # Monday 30 Nov 2026 … Sunday 6 Dec 2026 is 2026-W49 (Swedish time).
    at = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # 21:30 local: evening
    ids = {
        "lamp": make.finding(walk, walker, description="Walter såg en mörk gång",
                             latitude=59.2472, longitude=17.861, created_at=at),
        "at_building": make.finding(walk, walker, category="graffiti", building_id=building,
                                    created_at=datetime(2026, 12, 2, 6, 0, tzinfo=UTC),
                                    status=FindingStatus.FIXED),
        "nowhere": make.finding(walk, walker, created_at=at),
        "secret": make.finding(walk, walker, confidential=True, latitude=59.25,
                               longitude=17.86, created_at=at),
        "last_month": make.finding(walk, walker, latitude=59.2, longitude=17.8,
                                   created_at=datetime(2026, 11, 2, 12, tzinfo=UTC)),
    }
    return {"district": district, "ids": ids}


def test_findings_as_valid_geojson_without_personal_data(client, make_key, district_findings):
    token = make_key("findings:read")
    answer = client.get("/integrations/findings.geojson", headers=bearer(token))
    assert answer.status_code == 200
    assert answer.mimetype == "application/geo+json"
    text = answer.get_data(as_text=True)
    collection = geojson.loads(text)
    assert collection.is_valid, collection.errors()
    ids = district_findings["ids"]
    by_id = {f["properties"]["id"]: f for f in collection["features"]}
    assert set(by_id) == {ids["lamp"], ids["at_building"], ids["last_month"]}
    assert by_id[ids["lamp"]]["geometry"]["coordinates"] == [17.861, 59.2472]  # lon, lat
    assert by_id[ids["at_building"]]["geometry"]["coordinates"] == [17.8612, 59.2475]
    assert by_id[ids["at_building"]]["properties"]["position_from"] == "building"
    for personal in ("Walter", "walter@example.org", "mörk gång"):
        assert personal not in text


def test_geojson_is_filtered_like_the_list(client, make_key, district_findings, login):
    token = make_key("findings:read")
    only_done = client.get("/integrations/findings.geojson?status=done",
                           headers=bearer(token)).json
    assert [f["id"] for f in only_done["features"]] == [district_findings["ids"]["at_building"]]
    graffiti = client.get("/integrations/findings.geojson?category=999999",
                          headers=bearer(token)).json
    assert graffiti["features"] == []
    # Without a key: a manager's own session works, a walker's does not, nobody's is 401.
    assert client.get("/integrations/findings.geojson").status_code == 401
    login("walker")
    assert client.get("/integrations/findings.geojson").status_code == 404
    login("manager")
    assert len(client.get("/integrations/findings.geojson?status=open").json["features"]) == 2


def test_the_weekly_situation_feed(client, make_key, district_findings, make):
    token = make_key("feed:situation")
    with client.application.app_context():
        code = db.session.get(District, district_findings["district"]).code
    url = f"/integrations/feeds/situation/{code}"
    feed = client.get(url + ".geojson?week=2026-W49", headers=bearer(token))
    assert feed.status_code == 200
    collection = geojson.loads(feed.get_data(as_text=True))
    assert collection.is_valid
    assert collection["week"] == "2026-W49"
    assert len(collection["features"]) == 2  # with a place, not confidential
    assert collection["summary"]["findings"] == 4  # every finding of the week is counted
    assert collection["summary"]["by_time_of_day"] == {"evening": 3, "morning": 1}
    table = list(csv.DictReader(io.StringIO(client.get(
        url + ".csv?week=2026-W49", headers=bearer(token)).get_data(as_text=True).lstrip(
        "\ufeff"))))
    assert {(r["category"], r["time_of_day"], r["findings"]) for r in table} == {
        ("lighting", "evening", "3"), ("graffiti", "morning", "1")}
    # The same URL gives the same answer; another scope is refused; an unknown district 404.
    assert client.get(url + ".geojson?week=2026-W49", headers=bearer(token)).json == feed.json
    assert client.get(url + ".csv", headers=bearer(make_key("findings:read"))).status_code \
        == 403
    assert client.get("/integrations/feeds/situation/NOPE.csv",
                      headers=bearer(token)).status_code == 404


def test_the_default_week_is_the_last_complete_one():
    assert Week.parse(None, date(2026, 12, 6)).label == "2026-W48"  # a Sunday
    assert Week.parse("", date(2026, 12, 7)).label == "2026-W49"  # the Monday after
    assert Week.parse("2025-W53", date(2026, 12, 7)) is None
    assert Week.parse("nonsense", date(2026, 12, 7)) is None
