"""The API refuses what its document does not take, naming the field (issue 21, point 8): an
empty or differently spelt UUID, a field it does not know, a photo part it does not know. Before,
`"uuid": ""` made a finding with a new id, a braced UUID was rewritten, and unknown fields and
photo parts were dropped without a word. What the outbox itself sends stays valid."""

import io
import json
import re
import uuid
from pathlib import Path

import pytest

from app.api.schemas import NewFinding, PhotoUpload
from app.extensions import db
from app.findings.schemas import FindingInput
from app.models import Finding, Photo, Walk
from tests.api.test_api import body, count, jpeg_bytes

OUTBOX = Path(__file__).resolve().parents[2] / "static" / "js" / "outbox"
SAMPLE = "6f1c1b36-5b2e-4a8c-9d3e-2f4a5b6c7d8e"


@pytest.fixture
def walker_walk(login, make):
    walker = login("walker")
    return walker, make.walk(leader_id=walker)


def assert_refused(response, field):
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.json["code"] == "invalid"
    assert response.json["field"] == field
    assert response.json["message"]


@pytest.mark.parametrize("value", [
    "",
    "{" + SAMPLE + "}",
    "urn:uuid:" + SAMPLE,
    SAMPLE.replace("-", ""),
    SAMPLE + " ",
    SAMPLE[:-1],
])
def test_a_finding_uuid_that_is_empty_or_spelt_otherwise_is_refused(
        client, app, make, walker_walk, value):
    _, walk = walker_walk
    response = client.post(f"/api/v1/walks/{walk}/findings",
                           json=body(make.category_id(), uuid=value))
    assert_refused(response, "uuid")
    assert count(app, Finding) == 0


def test_a_finding_uuid_in_capitals_is_taken_and_answered_in_lower_case(
        client, make, walker_walk):
    _, walk = walker_walk
    response = client.post(f"/api/v1/walks/{walk}/findings",
                           json=body(make.category_id(), uuid=SAMPLE.upper()))
    assert response.status_code == 201
    assert response.json["uuid"] == SAMPLE
    again = client.post(f"/api/v1/walks/{walk}/findings",
                        json=body(make.category_id(), uuid=SAMPLE))
    assert again.status_code == 200 and again.json["id"] == response.json["id"]


def test_a_finding_without_uuid_gets_one_from_the_server(client, make, walker_walk):
    _, walk = walker_walk
    response = client.post(f"/api/v1/walks/{walk}/findings",
                           json=body(make.category_id(), uuid=None))
    assert response.status_code == 201
    assert uuid.UUID(response.json["uuid"])


@pytest.mark.parametrize("extra", [{"colour": "red"}, {"photos": []}, {"status": "fixed"},
                                   {"id": 7}, {"captured_at": ""}])
def test_a_field_the_document_does_not_name_or_an_empty_time_is_refused(
        client, app, make, walker_walk, extra):
    _, walk = walker_walk
    response = client.post(f"/api/v1/walks/{walk}/findings",
                           json=body(make.category_id(), **extra))
    assert_refused(response, next(iter(extra)))
    assert count(app, Finding) == 0


def test_an_unknown_field_is_named_in_swedish(client, make, walker_walk):
    _, walk = walker_walk
    response = client.post(f"/api/v1/walks/{walk}/findings",
                           json=body(make.category_id(), colour="red"),
                           headers={"Accept-Language": "sv"})
    assert_refused(response, "colour")
    assert response.json["message"].startswith("Fältet ingår inte i API:t")


def photo_post(client, finding, **parts):
    data = {"client_uuid": str(uuid.uuid4()), "photo": (io.BytesIO(jpeg_bytes()), "p.jpg")}
    data.update(parts)
    return client.post(f"/api/v1/findings/{finding}/photos", data={
        name: value for name, value in data.items() if value is not None})


@pytest.mark.parametrize("value", ["", "{" + SAMPLE + "}", SAMPLE.replace("-", ""),
                                   "urn:uuid:" + SAMPLE])
def test_a_photo_uuid_that_is_empty_or_spelt_otherwise_is_refused(
        client, app, make, walker_walk, value):
    walker, walk = walker_walk
    finding = make.finding(walk, walker)
    assert_refused(photo_post(client, finding, client_uuid=value), "client_uuid")
    assert count(app, Photo) == 0


# Each case makes its parts when it runs: a file object is closed once sent, and the
# parameters are shared by the test's SQLite and PostgreSQL runs.
@pytest.mark.parametrize("parts, field", [
    (lambda: {"caption": "Lampan vid porten"}, "caption"),
    (lambda: {"exif_altitude": "12"}, "exif_altitude"),
    (lambda: {"thumb": (io.BytesIO(b"x"), "t.jpg")}, "thumb"),
    (lambda: {"photo": [(io.BytesIO(jpeg_bytes()), "a.jpg"),
                        (io.BytesIO(jpeg_bytes()), "b.jpg")]}, "photo"),
], ids=["caption", "exif_altitude", "thumb", "photo"])
def test_a_photo_part_the_document_does_not_name_is_refused(
        client, app, make, walker_walk, parts, field):
    walker, walk = walker_walk
    finding = make.finding(walk, walker)
    assert_refused(photo_post(client, finding, **parts()), field)
    assert count(app, Photo) == 0


@pytest.mark.parametrize("parts, field", [
    ({"exif_latitude": "north", "exif_longitude": "17.8"}, "exif_latitude"),
    ({"exif_direction": "90°"}, "exif_direction"),
    ({"exif_taken_at": "2026:12:05 21:00:00" * 3}, "exif_taken_at"),
    ({"exif_offset": "+01:00 Europe/Stockholm"}, "exif_offset"),
])
def test_a_photo_part_of_the_wrong_kind_is_refused_by_its_name(
        client, app, make, walker_walk, parts, field):
    # Before, the photo upload alone skipped the document's check: such values were
    # silently dropped (or cut to 40 characters) and the photo stored.
    walker, walk = walker_walk
    finding = make.finding(walk, walker)
    assert_refused(photo_post(client, finding, **parts), field)
    assert count(app, Photo) == 0


def outbox_fields(client, walk) -> list[dict]:
    """The fields the capture form gives the outbox to send (static/js/outbox/form.js)."""
    page = client.get(f"/walks/{walk}/findings/new").get_data(as_text=True)
    found = re.search(r'<script type="application/json" class="outbox-fields">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1))


# What a walker may enter; a field added without a sample here goes with its empty value.
SAMPLES = {"severity": "high", "place_type": "stairwell", "unsafe_rating": 3,
           "unsafe_for": ["children", "women"], "description": "Mörk trappa",
           "confidential": True, "latitude": 59.2472, "longitude": 17.861, "accuracy_m": 8.0}


def test_the_capture_form_gives_the_outbox_every_field_of_a_finding(client, walker_walk):
    _, walk = walker_walk
    fields = outbox_fields(client, walk)
    assert [f["name"] for f in fields] == list(FindingInput.model_fields)
    kinds = {f["name"]: f["kind"] for f in fields}
    assert kinds["category_id"] == "integer" and kinds["latitude"] == "number"
    assert kinds["unsafe_for"] == "list" and kinds["confidential"] == "boolean"
    assert {f["name"]: f["default"] for f in fields}["severity"] == "medium"


def test_what_the_outbox_sends_is_accepted(client, app, make, walker_walk):
    # Each field the capture form names, as the outbox types it, the uuid and captured_at
    # it adds, then its photo: the finding stored has every value sent.
    _, walk = walker_walk
    with app.app_context():
        district = db.session.get(Walk, walk).district_id
    samples = dict(SAMPLES, category_id=make.category_id(), building_id=make.building(district))
    sent = {f["name"]: samples.get(f["name"], f["default"]) for f in outbox_fields(client, walk)}
    finding = client.post(f"/api/v1/walks/{walk}/findings", json=dict(
        sent, uuid=str(uuid.uuid4()), captured_at="2026-12-05T21:00:00.000Z"))
    assert finding.status_code == 201, finding.json
    with app.app_context():
        stored = db.session.get(Finding, finding.json["id"])
        values = {name: getattr(stored, name) for name in sent}
    values = {name: getattr(value, "value", value) for name, value in values.items()}
    assert values == dict(sent, unsafe_for=sorted(sent["unsafe_for"]))
    photo = photo_post(client, finding.json["id"], exif_latitude="59.2472",
                       exif_longitude="17.861", exif_direction="90",
                       exif_taken_at="2026:12:05 21:00:00", exif_offset="+01:00")
    assert photo.status_code == 201, photo.json
    assert count(app, Photo) == 1


def test_the_outbox_sends_only_fields_the_document_names(client, walker_walk):
    _, walk = walker_walk
    source = "\n".join(p.read_text() for p in sorted(OUTBOX.glob("*.js")))
    finding_fields = {f["name"] for f in outbox_fields(client, walk)}
    finding_fields |= set(re.findall(r"\bbody\.(\w+)\s*=", source))
    photo_parts = set(re.findall(r'form\.append\("(\w+)"', source))
    assert {"category_id", "uuid", "captured_at"} <= finding_fields
    assert {"photo", "client_uuid"} <= photo_parts
    assert finding_fields <= set(NewFinding.model_fields)
    assert photo_parts <= set(PhotoUpload.model_fields)


def test_the_document_says_what_is_refused(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["NewFinding"]["additionalProperties"] is False
    assert schemas["PhotoUpload"]["additionalProperties"] is False
    assert "pattern" in schemas["NewFinding"]["properties"]["uuid"]
    assert "pattern" in schemas["PhotoUpload"]["properties"]["client_uuid"]
