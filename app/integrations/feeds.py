"""GeoJSON of findings and the weekly situation feed per district (lägesbild).

GeoJSON (RFC 7946): one Point feature per finding, coordinates [longitude, latitude] in
WGS84 (what phones and the buildings register give: no reprojection), the finding's own
position or else its building's; a finding with neither is left out. Properties carry codes,
times and places only: no description or other free text (it may name people), no author,
no assignee; confidential findings are never included.

The situation feed is one district's ISO week (Monday to Sunday, Swedish time): its
findings by category, place type and time of day, as GeoJSON (the findings, with the counts
as `summary`) and as CSV (the counts). Its URL is stable: the same district code and week
always give the same answer (the default is the last complete week).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.timeutil import LOCAL

# Local hours → the part of the day (the municipality's reports use these four).
TIMES_OF_DAY = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 18),
                ("evening", 18, 24))


def time_of_day(value: datetime) -> str:
    hour = value.astimezone(LOCAL).hour
    return next(name for name, start, end in TIMES_OF_DAY if start <= hour < end)


@dataclass(frozen=True)
class Week:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str | None, today: date) -> Week | None:
        """'2026-W49'; None or '' → the last complete week; unreadable → None."""
        if not text:
            last = today - timedelta(days=today.isoweekday())
            iso = last.isocalendar()
            return cls(iso.year, iso.week)
        try:
            year, week = text.upper().split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            return None
        return cls(monday.isocalendar().year, monday.isocalendar().week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def bounds(self) -> tuple[datetime, datetime]:
        """The week as UTC edges of its local days."""
        monday = date.fromisocalendar(self.year, self.week, 1)
        start = datetime.combine(monday, time.min, tzinfo=LOCAL)
        end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=LOCAL)
        return start.astimezone(UTC), end.astimezone(UTC)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def feature(row) -> dict | None:
    """A finding row (see queries.geo_rows) as a GeoJSON feature; None without a place."""
    lon = row.longitude if row.longitude is not None else row.building_longitude
    lat = row.latitude if row.latitude is not None else row.building_latitude
    if lat is None or lon is None:
        return None
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
        "properties": {
            "id": row.id,
            "status": row.status.value,
            "category": row.category,
            "severity": row.severity.value,
            "place_type": row.place_type.value,
            "unsafe_rating": row.unsafe_rating,
            "unsafe_for": list(row.unsafe_for or []),
            "district": row.district_code,
            "building": row.building_code,
            "created_at": _iso(row.created_at),
            "time_of_day": time_of_day(row.created_at),
            "due_date": _iso(row.due_date),
            "fixed_at": _iso(row.fixed_at),
            "position_from": "finding" if row.latitude is not None else "building",
        },
    }


def feature_collection(rows, **members) -> dict:
    features = [f for f in (feature(r) for r in rows) if f is not None]
    return {"type": "FeatureCollection", "features": features, **members}


def summary(rows) -> dict:
    """Counts by category, place type and time of day (every finding of the week)."""
    return {
        "findings": len(rows),
        "by_category": dict(Counter(r.category for r in rows)),
        "by_place_type": dict(Counter(r.place_type.value for r in rows)),
        "by_time_of_day": dict(Counter(time_of_day(r.created_at) for r in rows)),
    }


def summary_csv(district_code: str, week: Week, rows) -> str:
    """One line per category × place type × time of day with its count."""
    counts = Counter((r.category, r.place_type.value, time_of_day(r.created_at)) for r in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["district", "week", "category", "place_type", "time_of_day", "findings"])
    for (category, place, part), count in sorted(counts.items()):
        writer.writerow([district_code, week.label, category, place, part, count])
    return out.getvalue()
