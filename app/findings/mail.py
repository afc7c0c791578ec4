"""The mail findings cause: a new assignee's task, and the daily digest of overdue
findings. Each is an OutboxMail row (app/mail.py queues and delivers them), written in the
recipient's language and naming only findings the recipient may open."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.extensions import db
from app.findings.filters import overdue_condition
from app.mail import DEFAULT_LANGUAGE, deliver_pending_job, queue
from app.models import Finding, OutboxMail, User
from app.policy import can, managers_clause
from app.timeutil import local_today


def finding_url(config: Mapping, finding: Finding) -> str:
    return f"{config['BASE_URL'].rstrip('/')}/findings/{finding.id}"


def notify_assignment(session: Session, finding: Finding, *, actor: User | None,
                      config: Mapping) -> OutboxMail | None:
    """Tell the new assignee about the task (unless they switched e-mail off)."""
    assignee = finding.assignee
    if assignee is None or not assignee.notify_email or not assignee.active:
        return None
    if actor is not None and actor.id == assignee.id:
        return None
    if not can(assignee, "view_finding", finding):
        return None  # the mail would show them what the app hides (a confidential finding)
    with force_locale(assignee.language or DEFAULT_LANGUAGE):
        subject = _("New task in Trygg: %(category)s (#%(id)d)",
                    category=finding.category.name(assignee.language or DEFAULT_LANGUAGE),
                    id=finding.id)
        body = render_template(
            "findings/mail/assigned.txt", finding=finding, user=assignee, actor=actor,
            url=finding_url(config, finding), lang=assignee.language or DEFAULT_LANGUAGE,
        )
    return queue(session, assignee, to_address=assignee.email, subject=subject, body=body)


def queue_reminders(session: Session, *, config: Mapping, today=None) -> int:
    """The daily digest of overdue findings: to each assignee, and to each manager for
    their districts (all districts when they have none). Once per user and day."""
    today = today or local_today()
    overdue = list(session.scalars(
        select(Finding).where(overdue_condition(today))
        .options(selectinload(Finding.walk), selectinload(Finding.building),
                 selectinload(Finding.category), selectinload(Finding.assignee))
        .order_by(Finding.due_date, Finding.id)
    ))
    if not overdue:
        return 0
    by_user: dict[int, list[Finding]] = defaultdict(list)
    users: dict[int, User] = {}
    for finding in overdue:
        if finding.assignee is not None:
            by_user[finding.assignee.id].append(finding)
            users[finding.assignee.id] = finding.assignee
    managers = session.scalars(
        select(User).where(User.active, managers_clause())
        .options(selectinload(User.districts))
    ).all()
    for manager in managers:
        district_ids = {d.id for d in manager.districts}
        mine = [f for f in overdue
                if not district_ids or f.walk.district_id in district_ids]
        known = {f.id for f in by_user.get(manager.id, [])}
        by_user[manager.id].extend(f for f in mine if f.id not in known)
        users[manager.id] = manager

    count = 0
    for user_id, findings in by_user.items():
        user = users[user_id]
        # Never list what the recipient may not open (a confidential finding, for a fixer).
        findings = [f for f in findings if can(user, "view_finding", f)]
        if not findings or not user.notify_email or not user.active:
            continue
        findings.sort(key=lambda f: (f.due_date, f.id))
        lang = user.language or DEFAULT_LANGUAGE
        with force_locale(lang):
            # The date in the subject makes a second run on the same day a no-op.
            subject = _("Trygg: overdue findings on %(day)s", day=today.isoformat())
            if session.scalar(select(OutboxMail.id).where(
                    OutboxMail.user_id == user.id, OutboxMail.subject == subject).limit(1)):
                continue
            body = render_template(
                "findings/mail/digest.txt", findings=findings, user=user, today=today,
                base_url=config["BASE_URL"].rstrip("/"), lang=lang,
            )
        queue(session, user, to_address=user.email, subject=subject, body=body)
        count += 1
    return count


def send_reminders_job() -> None:
    """Job: queue today's digest of overdue findings, then send it."""
    queue_reminders(db.session, config=current_app.config)
    db.session.commit()
    deliver_pending_job()
