"""Local (Europe/Stockholm) dates and times for people; UTC in the database."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Stockholm")


def local_to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL).astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return value.astimezone(LOCAL)


def local_today(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(LOCAL).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a local day starts and the next one starts."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL)
    return start.astimezone(UTC), end.astimezone(UTC)
