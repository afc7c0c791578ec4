"""The tenant is told by mail when it matters: when the finding their report follows is fixed
("Is it fixed?", answered on the status page) and when the report is declined (at triage,
or its finding closed without a fix), with the reason.

Only with a contact e-mail that is not purged, and once per event: "Is it fixed?" again only
after a later fix (a reopen and a new fix), never on a second save of the same fix (fixed,
then verified). `workflow.transition` sends the `status_changed` signal (every status
change: the finding page, bulk, API, the tenant's own "no"), in the same transaction, so a
mail exists exactly when its change is committed.

The status page's first link cannot be mailed again: only its SHA-256 is kept. Each mail
carries a new link instead, kept as a hash too (`mail_token_hash`, replaced by the next
mail): the same page, the same answer form.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.findings.operations.workflow import status_changed
from app.models import DeclineReason, Finding, FindingStatus, OutboxMail, TenantReport, utcnow
from app.tenants.mail import send_declined, send_fixed_question
from app.tenants.queries import (
    CLOSED_AS,
    FIXED_STATUSES,
    followed_finding,
    original_of,
    reports_through,
    tenant_status,
    token_hash,
)


def _reachable(report: TenantReport) -> bool:
    return bool(report.contact_email) and report.purged_at is None


def _new_link(report: TenantReport) -> str:
    token = secrets.token_urlsafe(24)
    report.mail_token_hash = token_hash(token)
    return token


def ask_if_fixed(session: Session, report: TenantReport, finding: Finding, *,
                 config: Mapping, now: datetime | None = None) -> OutboxMail | None:
    """"Is it fixed?" by mail, when the status page asks it and this fix was not asked about
    yet."""
    if not _reachable(report) or not tenant_status(report).ask_fixed:
        return None
    fixed_at = finding.fixed_at or finding.verified_at
    if report.asked_fixed_at is not None and fixed_at is not None \
            and report.asked_fixed_at >= fixed_at:
        return None
    report.asked_fixed_at = now or utcnow()
    mail = send_fixed_question(session, report, _new_link(report), config)
    session.flush()
    return mail


def tell_declined(session: Session, report: TenantReport, reason: DeclineReason | None, *,
                  config: Mapping, since: datetime | None = None,
                  now: datetime | None = None) -> OutboxMail | None:
    """The reason by mail, unless the tenant was told already (since `since`: a finding
    reopened and closed again is a new decision)."""
    if not _reachable(report) or report.confirmed_at is not None:
        return None
    if report.told_declined_at is not None and (since is None
                                                or report.told_declined_at >= since):
        return None
    report.told_declined_at = now or utcnow()
    mail = send_declined(session, report, reason, _new_link(report), config)
    session.flush()
    return mail


@status_changed.connect
def _finding_moved(finding: Finding, *, session: Session, old: FindingStatus) -> None:
    """A finding changed status: the reports whose status page follows it now hear what
    matters. A finding marked a duplicate hands its reports to the original, which may be
    fixed or closed already."""
    if not has_app_context():  # the mail is rendered with the app's templates
        return
    followed = original_of(finding)
    for report in reports_through(session, finding):
        if followed_finding(report) is not followed:
            continue
        if followed.status in FIXED_STATUSES:
            ask_if_fixed(session, report, followed, config=current_app.config)
        elif followed.status in CLOSED_AS:
            tell_declined(session, report, CLOSED_AS[followed.status],
                          config=current_app.config, since=followed.closed_at)
