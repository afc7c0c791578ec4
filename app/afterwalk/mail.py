"""The mail an outside owner (the municipality, the transit company…) gets for a point of a
walk: what was found, where (coordinates and a map link), the planned action and due date,
and the point's photos as stored (faces blurred, metadata stripped) attached. Owners have no
account: the mail is in Swedish, the app's language for people outside it."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.mail import DEFAULT_LANGUAGE, queue
from app.models import FindingAnswer, OutboxMail, PhotoKind
from app.storage import Storage

MAP_LINK = "https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=18/{lat:.6f}/{lon:.6f}"


def position(finding) -> tuple[float, float] | None:
    """Where the point is: its own position, else its building's."""
    if finding.latitude is not None and finding.longitude is not None:
        return finding.latitude, finding.longitude
    if finding.building is not None and finding.building.latitude is not None:
        return finding.building.latitude, finding.building.longitude
    return None


def map_link(where: tuple[float, float] | None) -> str:
    return MAP_LINK.format(lat=where[0], lon=where[1]) if where else ""


def photos_to_send(finding) -> list:
    """The photos taken of the point, unless someone said one is not blurred well enough."""
    return [p for p in finding.photos
            if p.kind == PhotoKind.FINDING and p.blur_flagged_at is None]


def send_point(session: Session, answer: FindingAnswer, *, storage: Storage) -> OutboxMail:
    finding, owner = answer.finding, answer.owner
    where = position(finding)
    attachments = [(f"trygg-{finding.id}-{n}.jpg", "image/jpeg", storage.read(p.storage_key))
                   for n, p in enumerate(photos_to_send(finding), start=1)
                   if storage.exists(p.storage_key)]
    with force_locale(DEFAULT_LANGUAGE):
        subject = _("Safety walk %(district)s: a point for %(owner)s",
                    district=finding.walk.district.name, owner=owner.name)
        body = render_template(
            "afterwalk/mail/point.txt", finding=finding, answer=answer, owner=owner,
            where=where, map_url=map_link(where), lang=DEFAULT_LANGUAGE,
            photos=len(attachments),
        )
    return queue(session, None, to_address=owner.email, subject=subject, body=body,
                 attachments=attachments)
