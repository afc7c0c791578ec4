"""E-mail: every message is an OutboxMail row first; with MAIL_SERVER set it is also sent.
What each domain mails is written beside it (app/findings/mail.py, app/accounts/mail.py).

The row is written in the request that causes the mail (so it exists exactly when the change
is committed); sending over SMTP is a background job (app/jobs.py: `deliver_mail`), so a
slow or dead mail server never holds up a page. Without SMTP settings the rows stay unsent
and admins read them at /admin/outbox.
Messages are written in the recipient's language (user.language, default Swedish) and
name only findings the recipient may open (policy view_finding).
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import MailAttachment, OutboxMail, User, utcnow

DEFAULT_LANGUAGE = "sv"


def queue(session: Session, user: User | None, *, to_address: str, subject: str,
          body: str, attachments: list[tuple[str, str, bytes]] = ()) -> OutboxMail:
    """A mail in the outbox; `attachments` as (filename, content type, bytes), sent with it."""
    mail = OutboxMail(
        user_id=user.id if user else None, to_address=to_address, subject=subject[:250],
        body=body, attachments=[
            MailAttachment(filename=name, content_type=content_type, data=data)
            for name, content_type, data in attachments],
    )
    session.add(mail)
    session.flush()
    return mail


def build_message(mail: OutboxMail, config: Mapping) -> EmailMessage:
    """The e-mail as sent: the text, and each attachment with its content type's parameters
    (a calendar invitation is `text/calendar; method=REQUEST; charset=utf-8`)."""
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM", "trygg@localhost")
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="trygg")
    message.set_content(mail.body)
    for attachment in mail.attachments:
        kind, *parameters = (part.strip() for part in attachment.content_type.split(";"))
        maintype, _, subtype = kind.partition("/")
        params = dict(p.split("=", 1) for p in parameters if "=" in p)
        message.add_attachment(attachment.data, maintype=maintype,
                               subtype=subtype or "octet-stream",
                               filename=attachment.filename, params=params)
    return message


def deliver_pending(session: Session, config: Mapping, *, limit: int = 200) -> tuple[int, int]:
    """Send unsent mail over SMTP when MAIL_SERVER is set. Returns (sent, failed)."""
    if not config.get("MAIL_SERVER"):
        return 0, 0
    # Two workers delivering at once skip each other's rows instead of sending them twice
    # (PostgreSQL; SQLite has one writer at a time anyway).
    pending = list(session.scalars(
        select(OutboxMail).where(OutboxMail.sent_at.is_(None), OutboxMail.error == "")
        .order_by(OutboxMail.id).limit(limit).with_for_update(skip_locked=True)
    ))
    if not pending:
        return 0, 0
    sent = failed = 0
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)), timeout=15)
    except (OSError, smtplib.SMTPException) as error:
        for mail in pending:
            mail.error = f"connect: {error}"[:1000]
        session.flush()
        return 0, len(pending)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for mail in pending:
            message = build_message(mail, config)
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                mail.error = str(error)[:1000]
                failed += 1
            else:
                mail.sent_at = utcnow()
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        for mail in pending:
            if mail.sent_at is None and not mail.error:
                mail.error = str(error)[:1000]
                failed += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    session.flush()
    return sent, failed



# --- jobs (app/jobs.py) ----------------------------------------------------------------------


def deliver_pending_job() -> None:
    """Job: send what the outbox holds (after an assignment, or the reminders)."""
    deliver_pending(db.session, current_app.config)
    db.session.commit()
