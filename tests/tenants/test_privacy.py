"""Tenants' contact details: kept until their report is closed + 30 days, then cleared by
flask purge-expired (with the mail that carried the link); never shown to fixers, never in
exports or the public protocol."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Finding,
    FindingStatus,
    OutboxMail,
    ReportStatus,
    TenantReport,
    User,
    utcnow,
)
from app.tenants.queries import token_hash
from tests.conftest import _start_login
from tests.tenants.conftest import report_form
from tests.test_i18n import ROOT

EMAIL = "hyresgast.privat@example.org"
PHONE = "070-765 43 21"


def _send(client, make) -> str:
    response = client.post("/t/FIT-007", data=report_form(
        make, contact_email=EMAIL, contact_phone=PHONE))
    return response.headers["Location"].split("?")[0].rsplit("/", 1)[1]


def _set(app, token, **values):
    with app.app_context():
        report = db.session.scalar(select(TenantReport).where(
            TenantReport.token_hash == token_hash(token)))
        for name, value in values.items():
            setattr(report, name, value)
        db.session.commit()
        return report.id


def _contact(app, token):
    with app.app_context():
        report = db.session.scalar(select(TenantReport).where(
            TenantReport.token_hash == token_hash(token)))
        return report.contact_email, report.contact_phone, report.purged_at is not None


def test_purge_clears_contacts_30_days_after_closing(client, make, building, app, runner):
    old = _send(client, make)
    recent = _send(client, make)
    still_open = _send(client, make)
    _set(app, old, status=ReportStatus.DECLINED, closed_at=utcnow() - timedelta(days=31))
    _set(app, recent, status=ReportStatus.DECLINED, closed_at=utcnow() - timedelta(days=29))
    _set(app, still_open, created_at=utcnow() - timedelta(days=400))
    dry = runner.invoke(args=["purge-expired", "--dry-run"])
    assert "contact details of 1 tenant report(s)" in dry.output
    assert _contact(app, old) == (EMAIL, PHONE, False)
    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert _contact(app, old) == ("", "", True)
    assert _contact(app, recent) == (EMAIL, PHONE, False)
    assert _contact(app, still_open) == (EMAIL, PHONE, False)
    with app.app_context():
        # The status-link mail goes with the address once no open report needs it: two
        # reports still have it here.
        assert len(db.session.scalars(select(OutboxMail).where(
            OutboxMail.to_address == EMAIL)).all()) == 3
    _set(app, recent, closed_at=utcnow() - timedelta(days=31))
    _set(app, still_open, status=ReportStatus.DECLINED, closed_at=utcnow() - timedelta(days=31))
    runner.invoke(args=["purge-expired"])
    with app.app_context():
        assert db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == EMAIL)) \
            is None


def test_a_verified_finding_closes_its_reports(client, make, building, app, runner):
    token = _send(client, make)
    manager = make.user("manager")
    walk = make.walk()
    finding = make.finding(walk, manager, status=FindingStatus.VERIFIED,
                           closed_at=utcnow() - timedelta(days=40))
    _set(app, token, status=ReportStatus.ACCEPTED, finding_id=finding)
    runner.invoke(args=["purge-expired"])
    assert _contact(app, token) == ("", "", True)
    with app.app_context():
        assert db.session.get(Finding, finding).status == FindingStatus.VERIFIED


def test_contact_never_reaches_fixers_exports_or_the_finding(client, make, building, app):
    token = _send(client, make)
    with app.app_context():
        report_id = db.session.scalar(select(TenantReport.id).where(
            TenantReport.token_hash == token_hash(token)))
    manager = make.user("manager")
    staff = app.test_client()
    _start_login(staff, db.select(User).where(User.id == manager))
    staff.post(f"/tenant-reports/{report_id}/accept",
               data={"category_id": make.category_id("lighting"), "severity": "medium"})
    with app.app_context():
        finding_id = db.session.scalar(select(TenantReport.finding_id).where(
            TenantReport.id == report_id))
        finding = db.session.get(Finding, finding_id)
        finding.assignee_id = make.user("fixer")
        fixer_id = finding.assignee_id
        finding.status = FindingStatus.ASSIGNED
        db.session.commit()
    fixer = app.test_client()
    _start_login(fixer, db.select(User).where(User.id == fixer_id))
    page = fixer.get(f"/findings/{finding_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert EMAIL not in text and PHONE not in text
    assert fixer.get(f"/tenant-reports/{report_id}").status_code == 404
    manager_page = staff.get(f"/findings/{finding_id}").get_data(as_text=True)
    assert EMAIL not in manager_page and PHONE not in manager_page
    # Exports and the public protocol are made from findings and walks: the contact
    # details stay in tenant_reports, which neither reads.
    with app.app_context():
        finding = db.session.get(Finding, finding_id)
        assert EMAIL not in finding.description and PHONE not in finding.description
    for module in ("exports/writers.py", "exports/queries.py", "afterwalk/queries.py"):
        source = (ROOT / "app" / module).read_text()
        assert "TenantReport" not in source and "contact_email" not in source


def test_a_tenants_access_request_finds_their_reports_by_e_mail(client, make, building,
                                                                runner, tmp_path):
    """Right of access: flask person-export with the tenant's address lists their reports
    (the declared e-mail column names them), without the status link's hash."""
    import json
    import zipfile

    _send(client, make)
    path = tmp_path / "extract.zip"
    result = runner.invoke(args=["person-export", EMAIL, "-o", str(path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("person.json"))
    (row,) = document["records"]["tenant_reports"]
    assert row["contact_email"] == EMAIL and row["contact_phone"] == PHONE
    assert "token_hash" not in row
