"""A tenant reports from a building's page (/t/<code>): with or without photo and contact,
the honeypot, size and rate limits, and the status page behind the secret link."""

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMail, ReportStatus, TenantReport
from app.storage import get_storage
from tests.tenants.conftest import jpeg, report_form

pytestmark = pytest.mark.usefixtures("ctx")


def _reports():
    return list(db.session.scalars(select(TenantReport).order_by(TenantReport.id)))


def test_the_page_offers_big_buttons_with_defaults(client, building):
    page = client.get("/t/FIT-007?lang=en").get_data(as_text=True)
    assert "Fittjavägen 7" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/*"' in page
    # Place and time already chosen: category, photo and Send are all a phone needs.
    assert re.search(r'checked[^>]*value="entrance"|value="entrance"[^>]*checked', page)
    time = r'name="report-time_of_day"'
    assert len(re.findall(rf"{time}[^>]*checked|checked[^>]*{time}", page)) == 1
    assert "Lighting" in page and "Doors and locks" in page
    assert len(page.encode()) < 20_000  # a small page for a slow link


def test_unknown_building_is_404(client, building):
    assert client.get("/t/NOPE-1").status_code == 404


def test_a_report_without_photo_or_contact(client, make, building):
    response = client.post("/t/FIT-007?lang=ar", data=report_form(make))
    assert response.status_code == 303
    status_url = response.headers["Location"]
    assert re.match(r"^/t/status/[A-Za-z0-9_-]{32}\?sent=1$", status_url)
    (report,) = _reports()
    assert report.status == ReportStatus.NEW and report.language == "ar"
    assert report.description == "Lampan vid porten är trasig"
    assert report.photo is None and report.contact_email == ""
    token = status_url.split("/")[-1].split("?")[0]
    assert report.token_hash != token and len(report.token_hash) == 64
    page = client.get(status_url).get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert f"/t/status/{token}" in page  # the link to keep, shown once
    assert client.get(status_url).headers["Cache-Control"] == "no-store"


def test_a_report_with_photo_is_upright_and_stripped(client, make, building, app):
    data = report_form(make, photo=(io.BytesIO(jpeg((800, 600), exif_orientation=6)),
                                    "IMG_1.jpg"))
    response = client.post("/t/FIT-007", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    (report,) = _reports()
    stored = get_storage().read(report.photo["key"])
    image = Image.open(io.BytesIO(stored))
    assert image.size == (600, 800)  # turned upright by its EXIF orientation
    assert not image.getexif()  # no metadata kept
    assert report.photo["faces_blurred"] is not None  # through the face blurring


def test_not_a_photo_is_refused_on_the_photo_field(client, make, building):
    data = report_form(make, photo=(io.BytesIO(b"not an image at all"), "x.jpg"))
    response = client.post("/t/FIT-007?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="report-photo-error"' in response.get_data(as_text=True)
    assert _reports() == []


def test_category_is_required(client, make, building):
    response = client.post("/t/FIT-007?lang=en", data=report_form(make, category=""))
    assert response.status_code == 422
    assert "Choose what it is about." in response.get_data(as_text=True)


def test_the_honeypot_keeps_nothing(client, make, building):
    response = client.post("/t/FIT-007", data=report_form(make, website="http://spam"))
    assert response.status_code == 303 and "/t/status/" not in response.headers["Location"]
    assert _reports() == []


def test_a_too_large_request_is_refused(client, make, building, app):
    app.config["TENANT_MAX_REQUEST_BYTES"] = 50_000
    try:
        data = report_form(make, photo=(io.BytesIO(b"x" * 60_000), "big.jpg"))
        response = client.post("/t/FIT-007", data=data, content_type="multipart/form-data")
    finally:
        app.config["TENANT_MAX_REQUEST_BYTES"] = 16 * 1024 * 1024
    assert response.status_code == 413
    assert _reports() == []


def test_contact_email_gets_the_status_link_in_the_reports_language(client, make, building):
    response = client.post("/t/FIT-007?lang=fi", data=report_form(
        make, contact_email="hyresgast@example.org", contact_phone="070-123 45 67"))
    token = response.headers["Location"].split("/")[-1].split("?")[0]
    (mail,) = db.session.scalars(select(OutboxMail)).all()
    assert mail.to_address == "hyresgast@example.org"
    assert f"/t/status/{token}" in mail.body
    assert "Kiitos" in mail.body  # Finnish, as the page was
    (report,) = _reports()
    assert report.contact_phone == "070-123 45 67"


def test_a_bad_email_is_refused(client, make, building):
    response = client.post("/t/FIT-007?lang=en", data=report_form(make, contact_email="nope"))
    assert response.status_code == 422
    assert "Give a whole e-mail address." in response.get_data(as_text=True)


def test_unknown_status_link_is_404(client, building):
    assert client.get("/t/status/" + "x" * 32).status_code == 404


def test_thirty_reports_from_one_address_are_slowed_but_others_get_through(client, make,
                                                                          building, app):
    other = make.building(make.district("Alby"), code="ALB-001", address="Albyvägen 1")
    assert other
    answers = [client.post("/t/FIT-007?lang=en", data=report_form(make),
                           environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
               for _ in range(30)]
    assert answers.count(303) == 5 and answers.count(429) == 25
    slowed = client.post("/t/FIT-007?lang=en", data=report_form(make, description="keep me"),
                         environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert slowed.status_code == 429 and slowed.headers["Retry-After"]
    page = slowed.get_data(as_text=True)
    assert "keep me" in page  # what was typed comes back, to send again later
    # Another tenant at the same building, on another connection, is not held up.
    response = client.post("/t/FIT-007", data=report_form(make),
                           environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.status_code == 303
    assert len(_reports()) == 6


def test_the_building_limit_holds_across_addresses(client, make, building, app):
    app.config["TENANT_REPORT_LIMIT_BUILDING"] = "3/hour"
    try:
        codes = [client.post("/t/FIT-007", data=report_form(make),
                             environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code
                 for n in range(5)]
    finally:
        app.config["TENANT_REPORT_LIMIT_BUILDING"] = "30/hour"
    assert codes == [303, 303, 303, 429, 429]


def test_a_position_near_the_building_is_kept_a_far_one_ignored(client, make, building):
    near = report_form(make, latitude="59.24750", longitude="17.86130")  # ~35 m away
    far = report_form(make, latitude="59.30000", longitude="17.90000")  # ~6 km away
    assert client.post("/t/FIT-007", data=near).status_code == 303
    assert client.post("/t/FIT-007", data=far).status_code == 303
    first, second = _reports()
    assert (first.latitude, first.longitude) == (59.2475, 17.8613)
    assert (second.latitude, second.longitude) == (None, None)
