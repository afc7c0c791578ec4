"""The e-mails with one-time links (invitation, password reset), through the mail outbox."""

from __future__ import annotations

from collections.abc import Mapping

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.mail import DEFAULT_LANGUAGE, queue
from app.models import User


def link_url(config: Mapping, token: str) -> str:
    return f"{config['BASE_URL'].rstrip('/')}/account/password/{token}"


def send_link(session: Session, user: User, *, token: str, purpose: str, config: Mapping):
    lang = user.language or DEFAULT_LANGUAGE
    with force_locale(lang):
        if purpose == "invite":
            subject = _("You are invited to Trygg")
        else:
            subject = _("Set a new password for Trygg")
        body = render_template(
            "accounts/mail/link.txt", user=user, url=link_url(config, token), purpose=purpose,
            days=config["INVITE_LINK_DAYS"], hours=config["RESET_LINK_HOURS"],
        )
    return queue(session, user, to_address=user.email, subject=subject, body=body)
