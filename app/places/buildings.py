"""Loading districts and buildings from a CSV file: all rows or none."""

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Building, District
from app.places.geo import valid_position

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
    """A number as Swedish spreadsheets write it too: 61,8 and 1 234,5 (space, no-break or
    narrow no-break space between thousands). Raises ValueError for anything else."""
    return float(_without_spaces(text).replace(",", "."))


def parse_whole(text: str) -> int:
    """A whole number, thousands apart or not: 1204, 1 204 (space, no-break or narrow no-break
    space, as spreadsheets and Swedish number formats write it). Raises ValueError."""
    digits = _without_spaces(text)
    if not _NUMBER.match(digits):
        raise ValueError(text)
    return int(digits)


def _without_spaces(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "district"


# The separators every importer reads, and others a file may use by mistake, by name.
DELIMITERS = {",": _l("comma (,)"), ";": _l("semicolon (;)"), "\t": _l("tab")}
OTHER_DELIMITERS = {"|": _l("vertical bar (|)"), ":": _l("colon (:)"), " ": _l("space")}
_NUMBER = re.compile(r"^[+-]?\d+$")


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _names(cells: list[str], aliases: dict[str, str]) -> list[str]:
    names = [h.strip().lower() for h in cells]
    return [aliases.get(n, n) for n in names]


def _header_delimiter(first_line: str, known: set[str], aliases: dict[str, str]) -> str:
    """The separator under which the first line names the most known columns (`,` if none)."""
    scores = {d: len(known & set(_names(_split(first_line, d), aliases))) for d in DELIMITERS}
    best = max(scores.values())
    return next(d for d, score in scores.items() if score == best) if best else ","


def _delimiter_list() -> str:
    return str(_l("%(first)s, %(second)s or %(third)s", first=DELIMITERS[","],
                  second=DELIMITERS[";"], third=DELIMITERS["\t"]))


def _line_problem(cells: list[str], width: int, delimiter: str) -> str | None:
    """Why a data line's cells do not fit the first line's `width` columns, or None."""
    if len(cells) == width:
        return None
    if len(cells) > width and not any(c.strip() for c in cells[width:]):
        return None  # separators at the end of the line (as spreadsheets save them)
    joined = delimiter.join(cells)
    for other, name in DELIMITERS.items():
        if other != delimiter and len(_split(joined, other)) == width:
            return str(_l(
                "Wrong delimiter: %(expected)s expected (as on line 1), this line uses "
                "%(found)s.", expected=DELIMITERS[delimiter], found=name))
    if len(cells) > width and delimiter == "," and any(
        _NUMBER.match(before.strip()) and after.strip().isdigit()
        for before, after in zip(cells, cells[1:], strict=False)
    ):
        return str(_l(
            "Decimal comma in a comma-separated file? Line 1 has %(expected)d columns, this "
            "line %(found)d: write decimals with a point (66.5), or separate the columns with "
            "semicolons (;).", expected=width, found=len(cells)))
    if len(cells) > width:
        return str(_l("Too many columns: line 1 has %(expected)d, this line %(found)d.",
                      expected=width, found=len(cells)))
    return str(_l("Too few columns."))


def read_records(
    text: str, columns: tuple[str, ...], *, optional: tuple[str, ...] = (),
    aliases: dict[str, str] | None = None,
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The CSV's data lines as (line number, {column: stripped text}), and the errors so far.

    The first line names the columns (in any order, case-insensitive, `aliases` mapping other
    names) and sets the separator: `,`, `;` or tab, whichever names the columns. A file or line
    with another separator, or a decimal comma in a comma-separated file, is named as such
    (a line with more cells than the first is never read by position). Blank lines are
    skipped. Every importer checks all lines and imports none when any is bad; a column the
    first line does not name is absent from every record.
    """
    aliases = aliases or {}
    if not text.strip():
        return [], [(1, str(_l("The file is empty.")))]
    first_line = text.splitlines()[0]
    known = set(columns) | set(optional)
    delimiter = _header_delimiter(first_line, known, aliases)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    names = _names(next(reader), aliases)
    missing = [c for c in columns if c not in names]
    if missing:
        for other, name in OTHER_DELIMITERS.items():
            if set(columns) <= set(_names(_split(first_line, other), aliases)):
                return [], [(1, str(_l(
                    "Wrong delimiter: %(expected)s expected, the file uses %(found)s.",
                    expected=_delimiter_list(), found=name)))]
        return [], [
            (1, str(_l("Missing column(s): %(columns)s", columns=", ".join(missing))))
        ]
    index = {name: names.index(name) for name in columns + optional if name in names}
    records, errors = [], []
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        problem = _line_problem(cells, len(names), delimiter)
        if problem:
            errors.append((line_no, problem))
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
