"""The period a report asks about, and the SQL that puts timestamps into local days.

Time zones differ between the databases (SQLite has none), so local (Europe/Stockholm) day
edges are computed here and compared as UTC instants, which both databases do alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Float, and_, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.timeutil import LOCAL, local_today


class days_between(FunctionElement):  # noqa: N801  (used like a SQL function)
    """Days (fractional) from the first timestamp to the second, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


def utc_bound(day: date) -> datetime:
    """The UTC instant at which a local (Europe/Stockholm) day starts."""
    return datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)


def bucket(column, edges: list[tuple[object, date, date]]):
    """A CASE that names the local-time bucket (month, year …) a UTC timestamp falls in.

    Time zones differ between the databases (SQLite has none), so the local bucket edges are
    computed here and compared as UTC instants, which both databases do alike.
    """
    return case(
        *[
            (and_(column >= utc_bound(start), column < utc_bound(end)), literal(key))
            for key, start, end in edges
        ],
        else_=None,
    )


@dataclass(frozen=True)
class Period:
    kind: str  # year | quarter | month | range
    start: date  # first local day
    end: date  # first local day after the period
    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def utc_start(self) -> datetime:
        return utc_bound(self.start)

    @property
    def utc_end(self) -> datetime:
        return utc_bound(self.end)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.last_day.year + 1))

    def contains(self, column) -> ColumnElement[bool]:
        return and_(column >= self.utc_start, column < self.utc_end)

    def months(self) -> list[tuple[str, date, date]]:
        edges = []
        cursor = date(self.start.year, self.start.month, 1)
        while cursor < self.end:
            nxt = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
            edges.append((f"{cursor:%Y-%m}", max(cursor, self.start), min(nxt, self.end)))
            cursor = nxt
        return edges

    def as_args(self) -> dict[str, str]:
        args = {"period": self.kind, "year": str(self.year)}
        if self.kind == "quarter":
            args["quarter"] = str(self.quarter)
        elif self.kind == "month":
            args["month"] = str(self.month)
        elif self.kind == "range":
            args = {"period": "range", "from": self.start.isoformat(),
                    "to": self.last_day.isoformat()}
        return args


def _int(value, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def year_period(year: int) -> Period:
    """The calendar year as a Period."""
    return Period("year", date(year, 1, 1), date(year + 1, 1, 1), year)


def year_from_args(args: Mapping, today: date | None = None) -> int:
    """The year (2000-2100) a query string or form asks for; this year otherwise."""
    return _int(args.get("year"), 2000, 2100) or (today or local_today()).year


def period_from_args(args: Mapping, today: date | None = None) -> Period:
    """The period a query string asks for; this year when it asks for nothing sensible."""
    today = today or local_today()
    kind = args.get("period") or "year"
    year = year_from_args(args, today)
    if kind == "quarter":
        quarter = _int(args.get("quarter"), 1, 4) or (today.month - 1) // 3 + 1
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return Period("quarter", start, end, year, quarter=quarter)
    if kind == "month":
        month = _int(args.get("month"), 1, 12) or today.month
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return Period("month", date(year, month, 1), end, year, month=month)
    if kind == "range":
        first, last = _date(args.get("from")), _date(args.get("to"))
        if first and last and first <= last and (last - first).days <= 3660:
            return Period("range", first, last + timedelta(days=1), first.year)
    return year_period(year)


@dataclass
class Filters:
    period: Period
    district_id: int | None = None
    today: date = field(default_factory=local_today)
    # Where findings are read from (the facts table, or the same columns live); set once.
    facts: object = field(default=None, compare=False, repr=False)


PERIOD_KINDS = {
    "year": _l("Year"),
    "quarter": _l("Quarter"),
    "month": _l("Month"),
    "range": _l("From – to"),
}
