"""The mail a tenant gets, in the language they wrote the report in: the link to their
report's status page right after sending; later "Is it fixed?" when its finding is fixed,
and the reason when it is declined (app/tenants/news.py decides when). The outbox sends it
(app/mail.py). Each is a few lines with one link, so a text message would read the same;
Trygg has no SMS provider, so a report with only a phone number gets none of them."""

from __future__ import annotations

from collections.abc import Mapping

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.mail import queue
from app.models import DeclineReason, OutboxMail, TenantReport
from app.tenants.forms import DECLINE_WORDS


def status_url(config: Mapping, token: str, lang: str | None = None) -> str:
    url = f"{config['BASE_URL'].rstrip('/')}/t/status/{token}"
    return f"{url}?lang={lang}" if lang else url


def send_status_link(session: Session, report: TenantReport, token: str,
                     config: Mapping) -> OutboxMail:
    with force_locale(report.language):
        subject = _("Your report: %(address)s", address=report.building.address)
        body = render_template("tenants/mail/status_link.txt", report=report,
                               url=status_url(config, token, report.language))
    return queue(session, None, to_address=report.contact_email, subject=subject, body=body)


def send_fixed_question(session: Session, report: TenantReport, token: str,
                        config: Mapping) -> OutboxMail:
    """"Is it fixed?": the link opens the status page, where yes or no is answered (a mail
    scanner that opens the link answers nothing)."""
    with force_locale(report.language):
        subject = _("Is it fixed? %(address)s", address=report.building.address)
        body = render_template("tenants/mail/fixed.txt", report=report,
                               url=status_url(config, token, report.language))
    return queue(session, None, to_address=report.contact_email, subject=subject, body=body)


def send_declined(session: Session, report: TenantReport, reason: DeclineReason | None,
                  token: str, config: Mapping) -> OutboxMail:
    with force_locale(report.language):
        subject = _("Your report is declined: %(address)s", address=report.building.address)
        body = render_template("tenants/mail/declined.txt", report=report,
                               reason=str(DECLINE_WORDS[reason]) if reason else "",
                               url=status_url(config, token, report.language))
    return queue(session, None, to_address=report.contact_email, subject=subject, body=body)
