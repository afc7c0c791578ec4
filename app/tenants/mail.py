"""The one mail a tenant gets: the link to their report's status page, in the language they
wrote the report in. The outbox sends it (app/mail.py); a text message would read the same."""

from __future__ import annotations

from collections.abc import Mapping

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.mail import queue
from app.models import OutboxMail, TenantReport


def status_url(config: Mapping, token: str) -> str:
    return f"{config['BASE_URL'].rstrip('/')}/t/status/{token}"


def send_status_link(session: Session, report: TenantReport, token: str,
                     config: Mapping) -> OutboxMail:
    with force_locale(report.language):
        subject = _("Your report: %(address)s", address=report.building.address)
        body = render_template("tenants/mail/status_link.txt", report=report,
                               url=status_url(config, token))
    return queue(session, None, to_address=report.contact_email, subject=subject, body=body)
