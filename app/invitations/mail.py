"""The invitation mail: a short text in Swedish (invited people often have no account; Swedish
is the app's language for people outside it) with the walk as a calendar file attached
(text/calendar; method=REQUEST, or CANCEL when the person is taken off the list)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.invitations import ical
from app.mail import DEFAULT_LANGUAGE, queue
from app.models import OutboxMail, Walk, WalkInvitation, utcnow


def walk_url(walk: Walk, config: Mapping) -> str:
    return f"{config['BASE_URL'].rstrip('/')}/walks/{walk.id}"


def feed_url(token: str, config: Mapping) -> str:
    return f"{config['BASE_URL'].rstrip('/')}/calendar/{token}.ics"


def organizer(walk: Walk, config: Mapping) -> ical.Person:
    """Whom the invitation is from: the walk's leader, else Trygg's sending address."""
    if walk.leader is not None and walk.leader.active:
        return ical.Person(walk.leader.name, walk.leader.email)
    return ical.Person("Trygg", config.get("MAIL_FROM") or "trygg@localhost")


def send_invitation(session: Session, invitation: WalkInvitation, *, config: Mapping,
                    cancel: bool = False, update: bool = False) -> OutboxMail:
    walk = invitation.walk
    method = "CANCEL" if cancel else "REQUEST"
    url = walk_url(walk, config)
    data = ical.invitation(
        walk, url=url, base_url=config["BASE_URL"], organizer=organizer(walk, config),
        attendee=ical.Person(invitation.name, invitation.email), stamp=utcnow(), cancel=cancel)
    with force_locale(DEFAULT_LANGUAGE):
        if cancel:
            subject = _("Cancelled: safety walk in %(district)s", district=walk.district.name)
        elif update:
            subject = _("New time: safety walk in %(district)s", district=walk.district.name)
        else:
            subject = _("Invitation: safety walk in %(district)s", district=walk.district.name)
        body = render_template("invitations/mail/invitation.txt", walk=walk,
                               invitation=invitation, url=url, cancel=cancel, update=update,
                               organizer=organizer(walk, config))
    return queue(session, None, to_address=invitation.email, subject=subject, body=body,
                 attachments=[(f"trygghetsvandring-{walk.id}.ics",
                               f"text/calendar; method={method}; charset=utf-8", data)])
