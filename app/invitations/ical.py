"""A walk as an iCalendar event (RFC 5545, written by the `icalendar` library): the
invitation mailed to the people invited (METHOD:REQUEST, or CANCEL when one is taken off the
list), the file the walk page offers, and a user's feed. No Flask here.

Times are written in Europe/Stockholm with its VTIMEZONE, so an 18:00 walk is 18:00 in a
calendar on any phone in December (CET, +01:00) and in June (CEST, +02:00). The UID is the
walk's, the same in every file, so a calendar replaces the event it has instead of adding
another; SEQUENCE is the walk's `calendar_sequence`, one up each time its time or place
moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText

from app.models import Walk, WalkStatus
from app.timeutil import LOCAL

PRODID = "-//Trygg//Trygghetsvandringar//SV"
# A walk has a start but no planned end: calendars get two hours.
WALK_LENGTH = timedelta(hours=2)
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class Person:
    name: str
    email: str

    def address(self, **params) -> vCalAddress:
        address = vCalAddress(f"mailto:{self.email}")
        address.params["CN"] = vText(self.name or self.email)
        for key, value in params.items():
            address.params[key] = vText(value)
        return address


def walk_uid(walk: Walk, base_url: str) -> str:
    """The walk's event UID: the same for every file about this walk."""
    host = urlsplit(base_url).hostname or "trygg.invalid"
    return f"walk-{walk.id}@{host}"


def location(walk: Walk) -> str:
    """Where to go: the meeting point and the district ("Albyvägen 12, Alby")."""
    return ", ".join(part for part in (walk.meeting_point, walk.district.name) if part)


def walk_event(walk: Walk, *, url: str, base_url: str, stamp: datetime,
               cancelled: bool = False) -> Event:
    """The walk as a VEVENT: its title, district, start (local time) and link. Nothing of
    the walk's people, route or notes: the same event goes into feeds. A cancelled walk
    (or a `cancelled` invitation) is STATUS:CANCELLED."""
    start = walk.planned_start.astimezone(LOCAL)
    cancelled = cancelled or walk.status == WalkStatus.CANCELLED
    event = Event()
    event.add("uid", walk_uid(walk, base_url))
    event.add("dtstamp", stamp)
    event.add("sequence", walk.calendar_sequence)
    event.add("summary", walk.title)
    event.add("dtstart", start)
    event.add("dtend", start + WALK_LENGTH)
    event.add("location", location(walk))
    event.add("description", url)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if walk.status == WalkStatus.COMPLETED:
        event.add("categories", ["TRYGGHETSVANDRING"])
    return event


def _calendar(method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    return calendar


def _finish(calendar: Calendar) -> bytes:
    """The calendar with the VTIMEZONE of Europe/Stockholm, its transitions from the year
    before the first walk to the year after the last (not 1970 to 2038: a few lines, not
    ninety)."""
    years = [e.start.year for e in calendar.events] or [datetime.now().year]
    calendar.add_missing_timezones(first_date=date(min(years) - 1, 1, 1),
                                   last_date=date(max(years) + 2, 1, 1))
    return calendar.to_ical()


def invitation(walk: Walk, *, url: str, base_url: str, organizer: Person, attendee: Person,
               stamp: datetime, cancel: bool = False) -> bytes:
    """The file mailed to one invited person: METHOD:REQUEST (or CANCEL), with the organizer
    and this one attendee, as RFC 5546 asks of a request."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    event = walk_event(walk, url=url, base_url=base_url, stamp=stamp, cancelled=cancel)
    event.add("organizer", organizer.address())
    event.add("attendee", attendee.address(
        ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="FALSE", CUTYPE="INDIVIDUAL"))
    calendar.add_component(event)
    return _finish(calendar)


def single(walk: Walk, *, url: str, base_url: str, stamp: datetime) -> bytes:
    """The walk alone, to add to one's own calendar (METHOD:PUBLISH)."""
    calendar = _calendar("PUBLISH")
    calendar.add_component(walk_event(walk, url=url, base_url=base_url, stamp=stamp))
    return _finish(calendar)


def feed(walks: Iterable[Walk], *, url_of: Callable[[Walk], str], base_url: str,
         stamp: datetime, name: str) -> bytes:
    """A subscribed calendar: every walk given, as published events."""
    calendar = _calendar("PUBLISH", name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for walk in walks:
        calendar.add_component(walk_event(walk, url=url_of(walk), base_url=base_url,
                                          stamp=stamp))
    return _finish(calendar)
