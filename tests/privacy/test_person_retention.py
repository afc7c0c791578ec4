"""flask purge-expired on backdated data: exactly the expired rows of each kind go (unused
accounts, participants' names, mail, sign-ins, old backups, photos), the audit entry has the
counts per kind, the finding's timeline says what went, and a second run does nothing."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEntry,
    Finding,
    FindingAnswer,
    FindingEvent,
    FindingStatus,
    OutboxMail,
    ParticipantRole,
    User,
    UserSession,
    Walk,
    WalkParticipant,
)
from app.privacy.queries import months_before
from tests.privacy.test_privacy_retention import add_photo

NOW = datetime.now(UTC)


def _backup(folder, name: str, made: datetime) -> None:
    path = folder / name
    path.mkdir()
    (path / "manifest.json").write_text(json.dumps({"created_at": made.isoformat()}))


@pytest.fixture
def backdated(app, make, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    _backup(folder, "2024-10-01", months_before(NOW, 26))
    _backup(folder, "2025-02-01", months_before(NOW, 22))
    (folder / "notes").mkdir()  # not a backup: never touched
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(folder))
    make.user("admin", last_login_at=NOW)  # someone is left to run Trygg
    ids = {
        "unused": make.user("walker", name="Olle Oanvänd", last_login_at=months_before(NOW, 25)),
        "never": make.user("fixer", name="Nina Aldrig", created_at=months_before(NOW, 30)),
        "recent": make.user("walker", name="Rut Nyligen", last_login_at=months_before(NOW, 23)),
    }
    old_walk = make.walk(status="completed", planned_start=months_before(NOW, 37))
    new_walk = make.walk(status="completed", planned_start=months_before(NOW, 35))
    closed = months_before(NOW, 25)
    ids["old_walk"] = old_walk
    ids["finding"] = make.finding(old_walk, ids["recent"], status=FindingStatus.VERIFIED,
                                  closed_at=closed, verified_at=closed)
    with app.app_context():
        s = db.session
        # make.walk sets started/completed to now: the walk happened when it was planned.
        for walk_id, months in ((old_walk, 37), (new_walk, 35)):
            walk = s.get(Walk, walk_id)
            walk.started_at = walk.completed_at = months_before(NOW, months)
        s.add_all([
            WalkParticipant(walk_id=old_walk, name="Hyresgäst Hans", role=ParticipantRole.TENANT),
            WalkParticipant(walk_id=old_walk, name="Polis Petra", role=ParticipantRole.POLICE),
            WalkParticipant(walk_id=new_walk, name="Hyresgäst Hedda",
                            role=ParticipantRole.TENANT),
        ])
        mails = [OutboxMail(to_address=f"m{n}@example.org", subject="s", body="b",
                            created_at=NOW - timedelta(days=days))
                 for n, days in enumerate((91, 120, 89))]
        s.add_all(mails)
        s.flush()
        # The answer that mailed an owner keeps its data when the old mail goes.
        s.add(FindingAnswer(finding_id=ids["finding"], action="Byta lampa",
                            mail_id=mails[0].id))
        for n, months in enumerate((13, 14, 11)):
            s.add(UserSession(user_id=ids["recent"], token_hash=f"{n}" * 64,
                              last_seen_at=months_before(NOW, months)))
        add_photo(s.get(Finding, ids["finding"]))
        s.commit()
    return ids, folder


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_each_kind_loses_exactly_its_expired_rows_and_the_audit_counts_them(
        app, runner, backdated):
    ids, folder = backdated
    dry = runner.invoke(args=["purge-expired", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert ("Would delete: 2 unused account(s) anonymised (not logged in for 24 months), "
            "2 participant name(s) of walks over 36 months old, 2 mail(s) over 90 days old, "
            "2 sign-in record(s) unused for 12 months, 1 backup(s)") in dry.output
    with app.app_context():
        assert _count(OutboxMail) == 3 and _count(AuditEntry) == 0

    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        s = db.session
        users = {key: s.get(User, ids[key]) for key in ("unused", "never", "recent")}
        assert users["unused"].erased_at and users["unused"].name.startswith("Tidigare")
        assert users["never"].erased_at and not users["never"].active
        assert users["recent"].erased_at is None and users["recent"].name == "Rut Nyligen"
        names = s.scalars(select(WalkParticipant.name).order_by(WalkParticipant.id)).all()
        assert names == ["", "", "Hyresgäst Hedda"]
        assert sorted(s.scalars(select(OutboxMail.to_address))) == ["m2@example.org"]
        answer = s.scalars(select(FindingAnswer)).one()
        assert answer.mail_id is None and answer.action == "Byta lampa"
        assert _count(UserSession) == 1
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "purge_expired")).one()
        assert entry.detail == ("photos 1; confidential_texts 0; accounts 2; "
                                "participant_names 2; mails 2; sign_ins 2; backups 1; "
                                "tenant_contacts 0")
        assert entry.actor_id is None
        event = s.scalars(select(FindingEvent).where(FindingEvent.field == "retention")).one()
        assert (event.finding_id, event.to_value) == (ids["finding"], "photos")
        audits = _count(AuditEntry)
    assert sorted(p.name for p in folder.iterdir()) == ["2025-02-01", "notes"]

    again = runner.invoke(args=["purge-expired"])
    assert "Deleted 0 photo(s)" in again.output
    assert ("Deleted: 0 unused account(s) anonymised (not logged in for 24 months), "
            "0 participant name(s) of walks over 36 months old, 0 mail(s) over 90 days old, "
            "0 sign-in record(s) unused for 12 months, 0 backup(s)") in again.output
    with app.app_context():
        assert _count(AuditEntry) == audits  # nothing done, nothing written
    assert sorted(p.name for p in folder.iterdir()) == ["2025-02-01", "notes"]


def test_the_timeline_says_what_the_rule_deleted(app, runner, backdated, client, login):
    ids, _ = backdated
    runner.invoke(args=["purge-expired"])
    login("admin")
    page = client.get(f"/findings/{ids['finding']}", headers={"Accept-Language": "en"})
    assert "Deleted by the retention rule" in page.get_data(as_text=True)
    # The walk keeps its participants' roles, without names.
    walk = client.get(f"/walks/{ids['old_walk']}", headers={"Accept-Language": "sv"})
    assert "<li>Hyresgäst</li>" in walk.get_data(as_text=True)
    assert "Hans" not in walk.get_data(as_text=True)
    overview = client.get("/privacy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Record of processing" in overview
    assert "also anonymises 0 unused account(s)" in overview  # all done already


def test_the_last_admin_is_not_anonymised(app, runner, make):
    old = make.user("admin", last_login_at=months_before(NOW, 30))
    runner.invoke(args=["purge-expired"])
    with app.app_context():
        assert db.session.get(User, old).erased_at is None


def test_zero_keeps_a_kind(app, runner, backdated, monkeypatch):
    for key in ("ACCOUNT_RETENTION_MONTHS", "PARTICIPANT_NAME_RETENTION_MONTHS",
                "MAIL_RETENTION_DAYS", "SIGNIN_RETENTION_MONTHS"):
        monkeypatch.setitem(app.config, key, 0)
    runner.invoke(args=["purge-expired"])
    with app.app_context():
        assert _count(OutboxMail) == 3 and _count(UserSession) == 3
        assert _count(User, User.erased_at.is_not(None)) == 0
        assert _count(WalkParticipant, WalkParticipant.name == "") == 0
