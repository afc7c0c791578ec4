"""Erasure (GDPR art. 17), tried as a data-protection officer would: a manager who assigned
30 findings is erased; their name is gone from every page, the walk protocol, the CSV and
XLSX exports and the timeline, and the dashboard counts the same."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEntry,
    Comment,
    Finding,
    FindingEvent,
    FindingStatus,
    OutboxMail,
    ParticipantRole,
    User,
    UserSession,
    WalkParticipant,
)
from tests.conftest import export, log_in_as

# The exports read on their own connection: the rows must be committed.
pytestmark = pytest.mark.committed

NAME, EMAIL = "Margareta Chefsson", "margareta.chefsson@example.org"
SV = {"Accept-Language": "sv"}


@pytest.fixture
def manager(app, make):
    district = make.district("Fittja")
    mid = make.user("manager", email=EMAIL, name=NAME)
    walker = make.user("walker", name="Wilma Walker")
    fixer = make.user("fixer", name="Fredrik Fixare")
    admin = make.user("admin", email="dpo@example.org", name="Dora Dataskydd")
    walk = make.walk(district, "completed", leader_id=mid, title="Kvällsvandring Fittja")
    start = datetime.now(UTC) - timedelta(days=20)
    findings = [make.finding(walk, walker, description=f"Brist {n}", latitude=59.25,
                             longitude=17.86, created_at=start + timedelta(hours=n))
                for n in range(32)]
    with app.app_context():
        s = db.session
        for n, finding_id in enumerate(findings[:30]):  # the 30 she assigned
            finding = s.get(Finding, finding_id)
            finding.status = FindingStatus.ASSIGNED
            finding.assignee_id = fixer
            finding.assigned_at = start + timedelta(days=1, hours=n)
            finding.responsible_party = "Fastighetsskötsel"
            s.add_all([
                FindingEvent(finding_id=finding_id, actor_id=mid, field="status",
                             from_value="new", to_value="assigned"),
                FindingEvent(finding_id=finding_id, actor_id=mid, field="assignee",
                             to_value=str(fixer)),
            ])
        # One assigned to her, fixed, so she shows as assignee in lists and files.
        mine = s.get(Finding, findings[30])
        mine.status, mine.assignee_id = FindingStatus.FIXED, mid
        mine.fixed_at = start + timedelta(days=3)
        s.add_all([
            FindingEvent(finding_id=mine.id, actor_id=admin, field="assignee",
                         to_value=str(mid)),
            WalkParticipant(walk_id=walk, name=NAME, role=ParticipantRole.STAFF, user_id=mid),
            WalkParticipant(walk_id=walk, name="Hyresgäst", role=ParticipantRole.TENANT),
            Comment(finding_id=findings[0], author_id=mid, body="Åtgärdas nästa vecka"),
            Comment(finding_id=findings[1], author_id=walker,
                    body="Margareta Chefsson sa att det fixas"),
            OutboxMail(user_id=mid, to_address=EMAIL, subject="Ny uppgift",
                       body="Hej Margareta Chefsson"),
            UserSession(user_id=mid, token_hash="b" * 64, device="Safari on iPhone"),
        ])
        s.commit()
    return {"id": mid, "walk": walk, "findings": findings, "admin": admin,
            "district": district}


def _pages(client, m) -> dict[str, str]:
    """Every page and file where a manager's name can show, as text."""
    f = m["findings"]
    urls = ["/findings", "/findings?status=assigned", "/findings/map", "/walks",
            f"/walks/{m['walk']}", "/reports", "/admin/users", "/admin/audit",
            f"/admin/users/{m['id']}", "/inbox/new", "/inbox/verify",
            "/api/v1/walks", f"/api/v1/walks/{m['walk']}",
            *(f"/findings/{i}" for i in (f[0], f[1], f[29], f[30]))]
    out = {}
    for url in urls:
        response = client.get(url, headers=SV)
        assert response.status_code == 200, url
        out[url] = response.get_data(as_text=True)
    pdf = client.get(f"/walks/{m['walk']}/protocol.pdf", headers=SV)
    assert pdf.status_code == 200
    out["protocol.pdf"] = "\n".join(p.extract_text()
                                    for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for kind in ("findings", "walks"):
        out[f"{kind}.csv"] = export(client, f"/exports/{kind}.csv").data.decode("utf-8-sig")
        book = load_workbook(io.BytesIO(export(client, f"/exports/{kind}.xlsx").data))
        out[f"{kind}.xlsx"] = "\n".join(
            ";".join(str(c) for c in row if c is not None)
            for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return out


def _numbers(html: str) -> str:
    """The dashboard's main part without what changes per request."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'(nonce|value|hx-headers)="[^"]*"', "", main)


def test_erasing_a_manager_who_assigned_30_findings(app, client, manager):
    log_in_as(client, "dpo@example.org")
    before = _pages(client, manager)
    assert NAME in before["protocol.pdf"] and NAME in before["findings.csv"]
    assert NAME in before[f"/findings/{manager['findings'][0]}"]  # the timeline

    # The dry run names the pseudonym and changes nothing.
    dry = client.get(f"/admin/people/erase?person={EMAIL}", headers=SV)
    assert dry.status_code == 200
    dry_html = dry.get_data(as_text=True)
    assert "Tidigare medarbetare 1" in dry_html
    assert "Margareta Chefsson sa att det fixas" in dry_html  # free text to review
    unconfirmed = client.post("/admin/people/erase", data={"person": EMAIL}, headers=SV)
    assert unconfirmed.status_code == 422
    assert "Kryssa i rutan" in unconfirmed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, manager["id"]).name == NAME

    done = client.post("/admin/people/erase", data={"person": EMAIL, "confirm": "y"},
                       headers=SV)
    assert done.status_code == 200
    assert "Tidigare medarbetare 1" in done.get_data(as_text=True)

    after = _pages(client, manager)
    for where, text in after.items():
        text = text.replace("Margareta Chefsson sa att det fixas", "")  # listed for review
        assert "Margareta" not in text and "Chefsson" not in text, where
        assert EMAIL not in text, where
    # The walker's comment is left as written, for a human to edit (it was listed).
    assert "Margareta Chefsson sa att det fixas" in client.get(
        f"/findings/{manager['findings'][1]}").get_data(as_text=True)
    assert "Tidigare medarbetare 1" in after[f"/findings/{manager['findings'][0]}"]
    assert "Tidigare medarbetare 1" in after["protocol.pdf"]
    assert "Tidigare medarbetare 1" in after["findings.csv"]
    assert "Tidigare medarbetare 1" in after["walks.xlsx"]
    assert _numbers(after["/reports"]) == _numbers(before["/reports"])
    rows = list(csv.DictReader(io.StringIO(after["findings.csv"]), delimiter=";"))
    assert len(rows) == 32
    assert sum(r["status"] == "assigned" for r in rows) == 30

    with app.app_context():
        s = db.session
        user = s.get(User, manager["id"])
        assert not user.active and user.erased_at is not None
        assert user.email == "former-1@erased.invalid" and user.password_hash == ""
        assert s.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []
        assert s.scalars(select(OutboxMail).where(OutboxMail.user_id == user.id)).all() == []
        assert len(s.scalars(select(FindingEvent).where(FindingEvent.actor_id == user.id))
                   .all()) == 60  # the timeline keeps every line, now by the pseudonym
        names = s.scalars(select(WalkParticipant.name).order_by(WalkParticipant.id)).all()
        assert names == ["Tidigare medarbetare 1", "Hyresgäst"]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert entry.actor_id == manager["admin"] and entry.target_id == user.id
        assert "Margareta" not in entry.detail and "chefsson" not in entry.detail.lower()
        assert "walk_participants.name pseudonym 1" in entry.detail
    # The account cannot log in any more, and is not erased twice.
    again = client.get(f"/admin/people/erase?person={user.name}", headers=SV)
    assert again.status_code == 303


def test_the_command_line_dry_run_changes_nothing(app, runner, manager):
    result = runner.invoke(args=["person-erase", EMAIL])
    assert result.exit_code == 0, result.output
    assert "Former staff member 1" in result.output or "Tidigare medarbetare 1" in result.output
    assert "Dry run: nothing changed" in result.output
    with app.app_context():
        assert db.session.get(User, manager["id"]).name == NAME
    result = runner.invoke(args=["person-erase", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, manager["id"]).name == "Tidigare medarbetare 1"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert entry.actor_id is None  # from the command line
    # The next person gets the next number.
    result = runner.invoke(args=["person-erase", "Hyresgäst", "--yes"])
    with app.app_context():
        names = db.session.scalars(select(WalkParticipant.name)
                                   .order_by(WalkParticipant.id)).all()
    assert names == ["Tidigare medarbetare 1", "Tidigare deltagare 2"]


def test_an_admin_cannot_erase_themselves(client, manager):
    log_in_as(client, "dpo@example.org")
    response = client.get("/admin/people/erase?person=dpo@example.org", headers=SV)
    assert response.status_code == 303
    assert "eget konto" in client.get(response.location, headers=SV).get_data(as_text=True)
