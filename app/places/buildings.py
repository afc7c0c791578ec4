"""Loading districts and buildings from a CSV file: all rows or none."""

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Building, District
from app.services.geo import valid_position

COLUMNS = ("code", "address", "district", "lat", "lon")
ALIASES = {"latitude": "lat", "longitude": "lon", "lng": "lon", "street_address": "address"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    districts_created: list[str] = field(default_factory=list)


class ImportFailed(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} bad line(s)")
        self.errors = errors


def decode(raw: bytes) -> str:
    """CSV files from Excel on Swedish Windows are often cp1252; everything else UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def upload_text(data: bytes | str, failure: type[Exception]) -> str:
    """An uploaded CSV as text; `failure([(1, message)])` when it is no text at all."""
    try:
        return decode(data) if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise failure([(1, str(_l(
            "The file could not be read as text. Save it as CSV (UTF-8) and try again."
        )))]) from None


def parse_number(text: str) -> float:
    """A number as Swedish spreadsheets write it too: 61,8 and 1 234,5 (space or no-break
    space between thousands). Raises ValueError for anything else."""
    return float(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "district"


def read_records(
    text: str, columns: tuple[str, ...], *, optional: tuple[str, ...] = (),
    aliases: dict[str, str] | None = None,
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The CSV's data lines as (line number, {column: stripped text}), and the errors so far.

    The separator (`,`, `;` or tab) is sniffed; the first line names the columns (in any
    order, case-insensitive, `aliases` mapping other names); blank lines are skipped. Every
    importer checks all lines and imports none when any is bad.
    """
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        return [], [(1, str(_l("The file is empty.")))]
    aliases = aliases or {}
    names = [aliases.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in columns if c not in names]
    if missing:
        return [], [
            (1, str(_l("Missing column(s): %(columns)s", columns=", ".join(missing))))
        ]
    index = {name: names.index(name) for name in columns + optional if name in names}
    records, errors = [], []
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(names):
            errors.append((line_no, str(_l("Too few columns."))))
            continue
        records.append((line_no, {
            name: cells[i].strip() for name, i in index.items()
        }))
    return records, errors


def parse_rows(text: str) -> tuple[list[dict], list[tuple[int, str]]]:
    records, errors = read_records(text, COLUMNS, aliases=ALIASES)
    if errors and not records and errors[0][0] == 1:
        return [], errors
    rows, seen = [], {}
    for line_no, values in records:
        problems = []
        if not values["code"]:
            problems.append(str(_l("code is empty")))
        elif len(values["code"]) > 40:
            problems.append(str(_l("code is longer than 40 characters")))
        elif values["code"] in seen:
            problems.append(
                str(_l("code %(code)s repeats line %(line)s", code=values["code"],
                       line=seen[values["code"]]))
            )
        if not values["address"]:
            problems.append(str(_l("address is empty")))
        if not values["district"]:
            problems.append(str(_l("district is empty")))
        lat = lon = None
        try:
            lat, lon = parse_number(values["lat"]), parse_number(values["lon"])
        except ValueError:
            problems.append(str(_l("lat/lon is not a number")))
        if lat is not None and not valid_position(lat, lon):
            problems.append(str(_l("lat/lon is outside the globe")))
        if problems:
            errors.append((line_no, "; ".join(problems)))
            continue
        seen[values["code"]] = line_no
        rows.append({**values, "lat": lat, "lon": lon})
    if not rows and not errors:
        errors.append((1, str(_l("The file has no buildings."))))
    return rows, sorted(errors)


def import_buildings(session: Session, text: str) -> ImportResult:
    """Create or update (by code) every building in the CSV text, or none if a row is bad."""
    rows, errors = parse_rows(text)
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    districts = {d.name.lower(): d for d in session.scalars(select(District))}
    districts.update({d.code.lower(): d for d in districts.values()})
    existing = {b.code: b for b in session.scalars(select(Building))}
    for row in rows:
        district = districts.get(row["district"].lower())
        if district is None:
            district = District(name=row["district"], code=_slug(row["district"]))
            session.add(district)
            districts[district.name.lower()] = district
            result.districts_created.append(district.name)
        building = existing.get(row["code"])
        if building is None:
            building = Building(code=row["code"])
            session.add(building)
            result.created += 1
        else:
            result.updated += 1
        building.address = row["address"]
        building.district = district
        building.latitude = row["lat"]
        building.longitude = row["lon"]
    session.flush()
    return result
