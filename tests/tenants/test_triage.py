"""Staff triage of tenant reports (/tenant-reports) and the tenant's status page following
the finding: received → being handled → fixed → "Is it fixed?" (yes closes, no reopens);
a second report of the same thing merged; declined with a reason."""

import io
import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.findings.operations.workflow import transition
from app.models import (
    Finding,
    FindingEvent,
    FindingStatus,
    Photo,
    ReportStatus,
    TenantReport,
    User,
    Walk,
)
from app.storage import get_storage
from app.tenants.queries import token_hash
from tests.tenants.conftest import jpeg, report_form


def _send(client, make, **changes) -> str:
    """A report sent from FIT-007 by a tenant's phone; returns its status page's path."""
    response = client.post("/t/FIT-007?lang=ar", data=report_form(make, **changes),
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].split("?")[0]


def _report(app, path: str, read):
    """`read(report)` of the report behind a status path, in an app context of its own."""
    with app.app_context():
        report = db.session.scalar(select(TenantReport).where(
            TenantReport.token_hash == token_hash(path.rsplit("/", 1)[1])))
        return read(report)


def _status_text(client, path) -> str:
    return client.get(path + "?lang=en").get_data(as_text=True)


def _current_step(page: str) -> str:
    match = re.search(r'aria-current="step">([^<]+)<', page)
    return match.group(1) if match else ""


def _move(app, finding_id: int, actor_id: int, to: FindingStatus, assignee=None) -> None:
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        if assignee:
            finding.assignee_id = assignee
        transition(db.session, finding, actor=db.session.get(User, actor_id), to=to)
        db.session.commit()


def _staff_client(app, make, role="manager"):
    from tests.conftest import _start_login

    user_id = make.user(role)
    staff_client = app.test_client()
    _start_login(staff_client, db.select(User).where(User.id == user_id))
    return staff_client, user_id


@pytest.mark.parametrize("role, seen", [("manager", 200), ("admin", 200), ("fixer", 404),
                                        ("walker", 404)])
def test_only_managers_see_the_inbox(client, app, make, role, seen, building):
    path = _send(client, make, contact_email="t@example.org")
    report_id = _report(app, path, lambda r: r.id)
    staff_client, _user = _staff_client(app, make, role)
    assert staff_client.get("/tenant-reports").status_code == seen
    page = staff_client.get(f"/tenant-reports/{report_id}")
    assert page.status_code == seen
    if seen == 200:
        text = page.get_data(as_text=True)
        assert "t@example.org" in text
        assert "arabiska" in text  # the report's language, named in the reader's


def test_accept_fix_ask_and_reopen(client, make, building, app):
    tenant = client
    path = _send(tenant, make, photo=(io.BytesIO(jpeg()), "lamp.jpg"))
    assert _current_step(_status_text(tenant, path)) == "Received"
    report_id, photo_key = _report(app, path, lambda r: (r.id, r.photo["key"]))

    staff_client, manager = _staff_client(app, make)
    fixer = make.user("fixer")
    assert f"/tenant-reports/{report_id}" in staff_client.get("/tenant-reports").get_data(
        as_text=True)
    assert staff_client.get(f"/tenant-reports/{report_id}/photo/thumb.jpg").status_code == 200
    response = staff_client.post(f"/tenant-reports/{report_id}/accept",
                                 data={"category_id": make.category_id("lighting"),
                                       "severity": "high"})
    assert response.status_code == 303

    def accepted(report):
        finding = report.finding
        assert report.status == ReportStatus.ACCEPTED and finding.severity.value == "high"
        assert finding.status == FindingStatus.ACKNOWLEDGED
        assert finding.walk.route == "tenants:intake" and finding.walk.completed_at is None
        assert finding.building.code == "FIT-007"
        assert "Lampan vid porten" in finding.description
        # The photo moved to the finding: the same files.
        (photo,) = db.session.scalars(select(Photo).where(Photo.finding_id == finding.id))
        assert photo.storage_key == photo_key and report.photo is None
        return finding.id

    finding_id = _report(app, path, accepted)
    assert _current_step(_status_text(tenant, path)) == "Being handled"

    _move(app, finding_id, manager, FindingStatus.ASSIGNED, assignee=fixer)
    _move(app, finding_id, fixer, FindingStatus.FIXED)
    assert "We think it is fixed. Is it fixed?" in _status_text(tenant, path)

    # "No" needs a word on what is still wrong, then reopens the finding for the fixer.
    assert tenant.post(path, data={"answer": "no"}).status_code == 422
    assert tenant.post(path, data={"answer": "no", "note": "Fortfarande mörkt"}
                       ).status_code == 303
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        assert finding.status == FindingStatus.ASSIGNED and finding.fixed_at is None
        events = db.session.scalars(select(FindingEvent).where(
            FindingEvent.finding_id == finding_id, FindingEvent.field == "tenant_report")
            .order_by(FindingEvent.id)).all()
        assert [e.to_value for e in events] == ["accepted", "not_fixed"]
        assert events[-1].note == "Fortfarande mörkt"
    assert _current_step(_status_text(tenant, path)) == "Being handled"

    # Fixed again: asked again; "yes" closes the report.
    _move(app, finding_id, fixer, FindingStatus.FIXED)
    assert "Is it fixed?" in _status_text(tenant, path)
    assert tenant.post(path, data={"answer": "yes"}).status_code == 303
    assert _report(app, path, lambda r: (r.confirmed_at is not None, r.closed_at is not None)
                   ) == (True, True)
    page = _status_text(tenant, path)
    assert "The report is closed" in page and "Is it fixed?" not in page
    # The finding's timeline says what the tenant answered.
    timeline = staff_client.get(f"/findings/{finding_id}").get_data(as_text=True)
    assert "hyresgästen säger att det är åtgärdat" in timeline


def test_a_second_report_is_merged_and_follows_that_finding(client, make, building, app):
    first = _send(client, make)
    second = _send(client, make, description="Samma lampa",
                   photo=(io.BytesIO(jpeg()), "2.jpg"))
    staff_client, _manager = _staff_client(app, make)
    first_id = _report(app, first, lambda r: r.id)
    staff_client.post(f"/tenant-reports/{first_id}/accept",
                      data={"category_id": make.category_id("lighting"), "severity": "medium"})
    finding_id = _report(app, first, lambda r: r.finding_id)
    other_id = _report(app, second, lambda r: r.id)
    page = staff_client.get(f"/tenant-reports/{other_id}").get_data(as_text=True)
    assert f'name="finding_id" value="{finding_id}"' in page  # offered as the duplicate
    response = staff_client.post(f"/tenant-reports/{other_id}/merge",
                                 data={"finding_id": finding_id})
    assert response.status_code == 303
    assert _report(app, second, lambda r: (r.status, r.finding_id)) == (
        ReportStatus.MERGED, finding_id)
    with app.app_context():
        assert db.session.scalar(select(Photo).where(Photo.finding_id == finding_id))
        # One intake walk per district.
        assert len(db.session.scalars(select(Walk).where(
            Walk.route == "tenants:intake")).all()) == 1
    page = _status_text(client, second)
    assert "Someone had already reported the same thing." in page
    assert _current_step(page) == "Being handled"


def test_merge_refuses_a_finding_far_away_or_of_another_category(client, make, building,
                                                                 app):
    path = _send(client, make)
    staff_client, manager = _staff_client(app, make)
    walk = make.walk()
    far = make.finding(walk, manager, latitude=59.30, longitude=17.90)
    other_kind = make.finding(walk, manager, category="litter", latitude=59.2472,
                              longitude=17.8610)
    report_id = _report(app, path, lambda r: r.id)
    for finding_id in (far, other_kind):
        response = staff_client.post(f"/tenant-reports/{report_id}/merge",
                                     data={"finding_id": finding_id})
        assert response.status_code == 422
    assert _report(app, path, lambda r: r.status) == ReportStatus.NEW


def test_decline_with_a_reason_the_tenant_reads_and_photo_deleted(client, make, building,
                                                                  app):
    path = _send(client, make, photo=(io.BytesIO(jpeg()), "x.jpg"))
    report_id, key = _report(app, path, lambda r: (r.id, r.photo["key"]))
    staff_client, _manager = _staff_client(app, make)
    response = staff_client.post(f"/tenant-reports/{report_id}/decline",
                                 data={"reason": "not_ours"})
    assert response.status_code == 303
    assert _report(app, path, lambda r: (r.status, r.closed_at is not None)) == (
        ReportStatus.DECLINED, True)
    with app.app_context():
        assert not get_storage().exists(key)
    page = _status_text(client, path)
    assert "Declined" in page and "for example the municipality" in page
    # Handled once: a second decision is refused.
    again = staff_client.post(f"/tenant-reports/{report_id}/accept",
                              data={"category_id": make.category_id("lighting"),
                                    "severity": "low"})
    assert again.status_code == 422


def test_the_tenants_position_places_the_finding_and_finds_duplicates(client, make, building,
                                                                      app):
    # 60 m north of the building: its own open finding there is a duplicate of the pin only.
    pin = {"latitude": "59.24774", "longitude": "17.86100"}
    path = _send(client, make, **pin)
    staff_client, manager = _staff_client(app, make)
    walk = make.walk()
    there = make.finding(walk, manager, latitude=59.24780, longitude=17.86100)
    report_id = _report(app, path, lambda r: r.id)
    page = staff_client.get(f"/tenant-reports/{report_id}").get_data(as_text=True)
    assert f'name="finding_id" value="{there}"' in page
    staff_client.post(f"/tenant-reports/{report_id}/accept",
                      data={"category_id": make.category_id("lighting"), "severity": "low"})
    assert _report(app, path, lambda r: (r.finding.latitude, r.finding.longitude)) == (
        59.24774, 17.861)


@pytest.mark.parametrize("status, step", [
    (FindingStatus.ACKNOWLEDGED, "handled"), (FindingStatus.IN_PROGRESS, "handled"),
    (FindingStatus.FIXED, "fixed"), (FindingStatus.VERIFIED, "fixed"),
    (FindingStatus.WONT_FIX, "declined"), (FindingStatus.NOT_OURS, "declined"),
])
def test_the_status_follows_the_finding(app, status, step):
    from app.models import Finding as F
    from app.models import TenantReport as R
    from app.tenants.queries import tenant_status

    finding = F(status=status)
    state = tenant_status(R(status=ReportStatus.ACCEPTED, finding=finding))
    assert state.step == step
    assert state.ask_fixed == (step == "fixed")


def test_a_report_follows_the_original_of_a_duplicate(app):
    from app.models import Finding as F
    from app.models import TenantReport as R
    from app.tenants.queries import tenant_status

    original = F(status=FindingStatus.FIXED)
    duplicate = F(status=FindingStatus.DUPLICATE, duplicate_of=original)
    state = tenant_status(R(status=ReportStatus.MERGED, finding=duplicate))
    assert state.step == "fixed" and state.merged and state.ask_fixed


def test_the_triage_page_shows_the_pinned_spot(client, make, building, app):
    """A pin on the tenant page's map and the phone's GPS fill the same fields: shown alike."""
    pinned = _send(client, make, latitude="59.247739", longitude="17.8610")  # 60 m north
    plain = _send(client, make)
    staff_client, _manager = _staff_client(app, make)
    pinned_id = _report(app, pinned, lambda r: r.id)
    page = staff_client.get(f"/tenant-reports/{pinned_id}?lang=sv").get_data(as_text=True)
    assert "Plats markerad av hyresgästen: 60 m från huset." in page
    assert 'id="report-map"' in page and "leaflet.js" in page
    points = json.loads(page.split('id="report-map-data">')[1].split("</script>")[0])
    assert [p["status"] for p in points] == ["building", "tenant"]
    assert (points[1]["lat"], points[1]["lon"]) == (59.247739, 17.861)
    plain_id = _report(app, plain, lambda r: r.id)
    page = staff_client.get(f"/tenant-reports/{plain_id}?lang=sv").get_data(as_text=True)
    assert "markerad av hyresgästen" not in page and 'id="report-map"' not in page
