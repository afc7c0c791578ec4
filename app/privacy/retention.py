"""Retention of the personal data beyond photos (photos and confidential text:
operations.purge_expired): unused accounts, walk participants' names (and the names,
e-mail addresses and phone numbers of the people invited), the mail outbox,
sign-in records and old backups. Each kind has a setting (app/config.py, 0 keeps it) and is
applied by `flask purge-expired`, which audits the counts.

Like the other operations: validated input, flush, never commit; files (backup folders) are
returned to be deleted after the commit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select, true, update
from sqlalchemy.orm import Session

from app.accounts.operations import audit
from app.backup import MANIFEST
from app.models import (
    OutboxMail,
    Role,
    User,
    UserSession,
    Walk,
    WalkInvitation,
    WalkParticipant,
)
from app.privacy import erasure
from app.privacy.access import Person
from app.privacy.operations import PurgeResult
from app.privacy.queries import months_before
from app.tenants.operations import purge_contacts

# The kinds, in the order the audit entry and the record of processing name them.
KINDS = ("photos", "confidential_texts", "accounts", "participant_names", "mails",
         "sign_ins", "backups", "tenant_contacts")


@dataclass
class RetentionResult:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    backups: list[Path] = field(default_factory=list)  # folders to delete after the commit
    to_review: int = 0  # free-text mentions of anonymised accounts, listed in their audit

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        return "; ".join(f"{kind} {n}" for kind, n in self.counts.items())


def expired_accounts(session: Session, cutoff: datetime) -> list[User]:
    """Accounts not erased whose last login (or creation, if never) is before `cutoff`;
    never the last admin who still logs in (someone must be left to run Trygg)."""
    users = list(session.scalars(
        select(User).where(User.erased_at.is_(None),
                           func.coalesce(User.last_login_at, User.created_at) < cutoff)
        .order_by(User.id)))
    expired = {u.id for u in users}
    admins_left = session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.erased_at.is_(None),
        User.id.not_in(expired) if expired else true()))
    if not admins_left:
        users = [u for u in users if not (u.role == Role.ADMIN and u.active)]
    return users


def _walk_day():
    return func.coalesce(Walk.completed_at, Walk.started_at, Walk.planned_start)


def expired_backups(folder: str | None, cutoff: datetime) -> list[Path]:
    """Backup folders (those with a manifest of `flask backup`) made before `cutoff`."""
    if not folder or not Path(folder).is_dir():
        return []
    found = []
    for path in sorted(Path(folder).iterdir()):
        try:
            made = datetime.fromisoformat(json.loads((path / MANIFEST).read_text())["created_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a backup of ours: never touched
        if made.tzinfo is None:
            continue
        if made < cutoff:
            found.append(path)
    return found


def purge_personal(session: Session, *, now: datetime, config: Mapping,
                   dry_run: bool = False) -> RetentionResult:
    result = RetentionResult()
    counts = result.counts
    if months := config.get("ACCOUNT_RETENTION_MONTHS"):
        for user in expired_accounts(session, months_before(now, months)):
            counts["accounts"] += 1
            if dry_run:
                continue
            person = Person(query=f"account {user.id}", user=user, names={user.name.lower()},
                            emails={user.email.lower()})
            plan = erasure.plan_erasure(session, person)
            result.to_review += len(plan.review)
            erasure.erase(session, None, plan, now=now)
    if months := config.get("PARTICIPANT_NAME_RETENTION_MONTHS"):
        old_walks = select(Walk.id).where(_walk_day() < months_before(now, months))
        named = (WalkParticipant.walk_id.in_(old_walks), WalkParticipant.name != "")
        counts["participant_names"] = session.scalar(
            select(func.count()).select_from(WalkParticipant).where(*named))
        if not dry_run and counts["participant_names"]:
            session.execute(update(WalkParticipant).where(*named).values(name="")
                            .execution_options(synchronize_session=False))
        # The people invited to those walks: name, e-mail and phone go (the role stays).
        invited = (WalkInvitation.walk_id.in_(old_walks),
                   or_(WalkInvitation.name != "", WalkInvitation.email != "",
                       WalkInvitation.phone != ""))
        invitees = session.scalar(select(func.count()).select_from(WalkInvitation)
                                  .where(*invited))
        counts["participant_names"] += invitees
        if not dry_run and invitees:
            session.execute(update(WalkInvitation).where(*invited)
                            .values(name="", email="", phone="")
                            .execution_options(synchronize_session=False))
    if days := config.get("MAIL_RETENTION_DAYS"):
        old = OutboxMail.created_at < now - timedelta(days=days)
        counts["mails"] = session.scalar(select(func.count()).select_from(OutboxMail)
                                         .where(old))
        if not dry_run and counts["mails"]:
            erasure.delete_rows(session, OutboxMail.__table__, old)
    if months := config.get("SIGNIN_RETENTION_MONTHS"):
        old = UserSession.last_seen_at < months_before(now, months)
        counts["sign_ins"] = session.scalar(select(func.count()).select_from(UserSession)
                                            .where(old))
        if not dry_run and counts["sign_ins"]:
            erasure.delete_rows(session, UserSession.__table__, old)
    if days := config.get("TENANT_CONTACT_RETENTION_DAYS"):
        # Tenants' e-mail and phone: kept until their report is closed + 30 days.
        counts["tenant_contacts"] = purge_contacts(session, now=now, days=days,
                                                   dry_run=dry_run)
    if months := config.get("PHOTO_RETENTION_MONTHS"):
        result.backups = expired_backups(config.get("BACKUP_FOLDER"),
                                         months_before(now, months))
        counts["backups"] = len(result.backups)
    session.flush()
    return result


def audit_purge(session: Session, photos: PurgeResult, result: RetentionResult) -> None:
    """One audit entry for a clean-up that changed anything: the counts per kind."""
    result.counts["photos"] = photos.photos
    result.counts["confidential_texts"] = len(photos.text_findings)
    if result.total:
        detail = result.summary()
        if result.to_review:
            detail += f"; free-text mentions to review {result.to_review}"
        audit(session, None, "purge_expired", None, detail)
