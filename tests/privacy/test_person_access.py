"""A person's register extract (GDPR art. 15): flask person-export and /admin/people.

The check of completeness does not read the declarations the export reads: it reflects
the database's own tables and asks every column that refers to users, and every text
column, for the person's id, name and e-mail with plain SQL.
"""

import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import String, Text, func, inspect, select

from app.extensions import db
from app.models import (
    AuditEntry,
    Comment,
    FindingEvent,
    FindingStatus,
    OutboxMail,
    ParticipantRole,
    Photo,
    User,
    UserSession,
    WalkParticipant,
)
from app.models.personal import personal_columns

WALKER = {"name": "Wilma Walkersson", "email": "wilma@example.org"}

# Columns called like a name or an address that hold no person's data.
NOT_PERSONAL = {
    ("categories", "name_sv"), ("categories", "name_en"), ("data_versions", "name"),
    ("districts", "name"), ("measure_types", "name_sv"), ("measure_types", "name_en"),
    ("priorities", "name_sv"), ("priorities", "name_en"), ("rollup_state", "name"),
    ("users", "notify_email"), ("buildings", "address"),
    ("api_keys", "name"),  # the integration's name ("Property system")
}
LOOKS_PERSONAL = re.compile(r"(^|_)(name|email|e_mail|phone|mobile|address|contact|person)"
                            r"(_|$)")


def test_every_column_that_can_name_a_person_declares_how(app):
    """A new table with a user id, a name, an e-mail or a phone number must say how it
    names a person (app/models/personal.py), or the export and erasure would miss it."""
    missing = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            to_users = any(fk.column.table.name == "users" for fk in column.foreign_keys)
            if (to_users or LOOKS_PERSONAL.search(column.name)) \
                    and "person" not in column.info \
                    and (table.name, column.name) not in NOT_PERSONAL:
                missing.append(f"{table.name}.{column.name}")
    assert missing == [], "declare info=person(...) on " + ", ".join(missing)


@pytest.fixture
def walker(app, make):
    """A walker who led a walk, took part in another (with the account, and once typed by
    name), reported findings, commented, took photos, got mail and logged in; and a
    comment by someone else that mentions her."""
    wid = make.user("walker", email=WALKER["email"], name=WALKER["name"])
    manager = make.user("manager", name="Mats Manager")
    fixer = make.user("fixer")
    led = make.walk(leader_id=wid, status="completed")
    other = make.walk(leader_id=manager)
    f1 = make.finding(led, wid, description="Trasig lampa")
    f2 = make.finding(other, manager, description="Klotter", status=FindingStatus.ASSIGNED,
                      assignee_id=fixer)
    with app.app_context():
        s = db.session
        s.add_all([
            WalkParticipant(walk_id=other, name=WALKER["name"], role=ParticipantRole.STAFF,
                            user_id=wid),
            WalkParticipant(walk_id=led, name="wilma walkersson", role=ParticipantRole.STAFF),
            WalkParticipant(walk_id=led, name="Hyresgäst Hans", role=ParticipantRole.TENANT),
            Comment(finding_id=f2, author_id=wid, body="Jag såg det också"),
            Comment(finding_id=f2, author_id=manager,
                    body="Ring Wilma Walkersson om detaljerna"),
            FindingEvent(finding_id=f1, actor_id=wid, field="status", to_value="new"),
            FindingEvent(finding_id=f2, actor_id=manager, field="assignee",
                         to_value=str(fixer)),
            Photo(finding_id=f1, storage_key="photos/x.jpg", thumb_key="photos/x_t.jpg",
                  width=1, height=1, bytes=1, sha256="0" * 64, uploaded_by_id=wid),
            OutboxMail(user_id=wid, to_address=WALKER["email"], subject="Inbjudan",
                       body="Hej Wilma"),
            OutboxMail(to_address="WILMA@example.org", subject="Påminnelse", body="Hej"),
            UserSession(user_id=wid, token_hash="a" * 64, device="Firefox on Android"),
            AuditEntry(actor_id=manager, target_id=wid, action="invite", detail="role=walker"),
        ])
        s.commit()
    return {"id": wid, "manager": manager, "fixer": fixer, "f1": f1, "f2": f2}


def _naming_rows(session, user_id: int, name: str, email: str) -> dict[str, set]:
    """Every row that holds the person's id (in a column referring to users, or as the
    assignee on a timeline line), name or e-mail, found by reflecting the database."""
    found: dict[str, set] = {}
    inspector = inspect(session.connection())
    for table in db.metadata.sorted_tables:  # the same tables, reflected below
        reflected = db.Table(table.name, db.MetaData(), autoload_with=session.connection())
        keys = [c for c in reflected.primary_key.columns]
        refers = {c for fk in inspector.get_foreign_keys(table.name)
                  if fk["referred_table"] == "users" for c in fk["constrained_columns"]}
        for column in reflected.columns:
            conditions = []
            if column.name in refers:
                conditions.append(column == user_id)
            if isinstance(column.type, String | Text):
                conditions.append(func.lower(column).in_([name.lower(), email.lower()]))
            if table.name == "finding_events" and column.name in ("from_value", "to_value"):
                conditions.append((column == str(user_id)) & (reflected.c.field == "assignee"))
            for condition in conditions:
                for row in session.execute(select(*keys).where(condition)):
                    found.setdefault(table.name, set()).add(
                        row[0] if len(row) == 1 else tuple(row))
    return found


def _extract(runner, tmp_path, who: str, language: str = "en") -> tuple[dict, str, list]:
    path = tmp_path / "extract.zip"
    result = runner.invoke(args=["person-export", who, "-o", str(path), "--language", language])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("person.json"))
        pdf = archive.read("person.pdf")
        names = archive.namelist()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return document, text, names


def _ids(document: dict, table: str) -> set:
    rows = document["records"].get(table, [])
    keys = [k for k in ("id",) if rows and k in rows[0]]
    if keys:
        return {r["id"] for r in rows}
    return {(r["user_id"], r["district_id"]) for r in rows}


def test_the_extract_has_every_row_that_names_the_walker(app, runner, walker, tmp_path):
    with app.app_context():
        expected = _naming_rows(db.session, walker["id"], WALKER["name"], WALKER["email"])
    document, _, names = _extract(runner, tmp_path, WALKER["email"])
    assert expected, "the fixture names the walker"
    for table, ids in expected.items():
        assert ids <= _ids(document, table), table
    # And nothing more: every row the extract has names her.
    for table in document["records"]:
        assert _ids(document, table) <= expected.get(table, set()), table
    # What the issue lists, each at least once.
    for table in ("users", "walks", "walk_participants", "findings", "comments",
                  "finding_events", "photos", "outbox_mails", "user_sessions"):
        assert document["records"].get(table), table
    assert len(document["records"]["outbox_mails"]) == 2  # the e-mail in any case
    assert len(document["records"]["walk_participants"]) == 2  # by account and typed name
    # The comment of someone else that mentions her is listed as a mention.
    assert [m["text"] for m in document["mentions"]] == ["Ring Wilma Walkersson om detaljerna"]
    # Secrets stay out.
    account = document["records"]["users"][0]
    assert "password_hash" not in account and "totp_secret" not in account
    assert "token_hash" not in document["records"]["user_sessions"][0]
    assert {"person.json", "person.pdf"} <= set(names)


def test_the_pdf_is_readable_in_swedish_and_english(runner, walker, tmp_path):
    _, english, _ = _extract(runner, tmp_path, WALKER["name"], "en")
    assert "Register extract" in english and WALKER["name"] in english
    assert "Walk participations (2)" in english and "Sign-ins" in english
    _, swedish, _ = _extract(runner, tmp_path, WALKER["name"], "sv")
    assert "Registerutdrag" in swedish and "Deltagande i vandringar (2)" in swedish


def test_the_extract_by_name_finds_the_same_account(runner, walker, tmp_path):
    by_mail, _, _ = _extract(runner, tmp_path, WALKER["email"])
    by_name, _, _ = _extract(runner, tmp_path, "  wilma   WALKERSSON ")
    for extract in (by_mail, by_name):
        del extract["records"]["audit_entries"]  # the first extract is in the second's
    assert by_mail["records"] == by_name["records"]


def test_a_name_without_account_finds_the_typed_participations(runner, walker, tmp_path):
    document, _, _ = _extract(runner, tmp_path, "Hyresgäst Hans")
    assert document["account_id"] is None
    assert [r["name"] for r in document["records"]["walk_participants"]] == ["Hyresgäst Hans"]


def test_two_accounts_with_one_name_ask_for_the_e_mail(runner, make, tmp_path):
    make.user("walker", name="Ali Ahmed")
    make.user("fixer", name="Ali Ahmed")
    result = runner.invoke(args=["person-export", "Ali Ahmed", "-o", str(tmp_path / "x.zip")])
    assert result.exit_code != 0
    assert "give the e-mail address" in result.output


def test_admin_screen_shows_counts_and_downloads_the_file(app, client, login, walker):
    admin = login("admin")
    page = client.get("/admin/people?person=wilma@example.org", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Wilma Walkersson" in html and "Walk participations" in html
    assert "1 free text mentions the name or e-mail." in html
    assert 'action="/admin/people/extract"' in html
    response = client.post("/admin/people/extract", data={
        "person": "wilma@example.org", "language": "sv"})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        document = json.loads(archive.read("person.json"))
    assert document["account_id"] == walker["id"]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.actor_id, entry.target_id) == \
            ("person_export", admin, walker["id"])
        assert "wilma" not in entry.detail.lower()


def test_admin_screen_says_what_is_wrong_with_the_query(client, login, make):
    login("admin")
    make.user("walker", name="Ali Ahmed")
    make.user("fixer", name="Ali Ahmed")
    html = client.get("/admin/people?person=Ali+Ahmed",
                      headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "ange e-postadressen" in html
    assert 'value="Ali Ahmed"' in html  # what was typed stays


@pytest.mark.parametrize("role", ["walker", "fixer", "manager"])
def test_only_admins_see_personal_data(client, login, role):
    login(role)
    assert client.get("/admin/people").status_code == 404
    assert client.post("/admin/people/extract", data={"person": "x@y.se"}).status_code in (
        400, 404)


def test_every_stored_credential_is_declared_secret():
    """Hashes, tokens and secrets stay out of every register extract."""
    credentials = {f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns
                   if re.search(r"(hash|secret|token)", c.name) and t.name != "data_versions"
                   and c.name not in ("totp_last_step",)}
    declared = {f"{d.table.name}.{d.column.name}" for d in personal_columns(db.metadata)
                if d.spec.kind.value == "secret"}
    assert credentials - declared == set()


def test_declarations_cover_the_tables_of_the_issue():
    tables = {d.table.name for d in personal_columns(db.metadata)}
    assert {"users", "walks", "walk_participants", "findings", "comments", "finding_events",
            "photos", "outbox_mails", "user_sessions", "audit_entries"} <= tables


def test_login_notes_the_last_login(app, client, login):
    user_id = login("walker")
    with app.app_context():
        last = db.session.get(User, user_id).last_login_at
    assert last is not None and datetime.now(UTC) - last < timedelta(minutes=1)
