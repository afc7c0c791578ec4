"""The tenants' yearly safety survey: results per district and year, their rules, and the
CSV import's reading and preview (saving them is reports/operations.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.i18n import human_size
from app.models import District, Finding, SurveyResult, Walk, WalkStatus
from app.periods import bucket
from app.places.buildings import parse_number, parse_whole, read_records, upload_text
from app.reports.facts import fixed_clause

CSV_COLUMNS = ("district", "year", "respondents", "safe_share", "evening_safe_share",
               "stairwell_safe_share", "outdoor_safe_share")
# The questions besides overall safety: may be left out or empty.
OPTIONAL_SHARES = ("evening_safe_share", "stairwell_safe_share", "outdoor_safe_share")
MIN_YEAR, MAX_YEAR = 1990, 2100


# --- reading ---------------------------------------------------------------------------------


def series(session: Session, goal: float, district_id: int | None = None) -> list[dict]:
    """Per district, each year's result with its change from the year before and gap to goal.

    Change is computed by LAG() over the district's years, so a missing year compares with the
    latest earlier one.
    """
    partition = {"partition_by": SurveyResult.district_id, "order_by": SurveyResult.year}
    query = (
        select(
            SurveyResult,
            (SurveyResult.safe_share - func.lag(SurveyResult.safe_share).over(**partition))
            .label("change"),
            (
                SurveyResult.evening_safe_share
                - func.lag(SurveyResult.evening_safe_share).over(**partition)
            ).label("evening_change"),
        )
        .join(District, District.id == SurveyResult.district_id)
        .order_by(District.name, SurveyResult.year)
    )
    if district_id:
        query = query.where(SurveyResult.district_id == district_id)
    years = session.scalars(select(SurveyResult.year).distinct()).all()
    activity = yearly_activity(session, sorted(years)) if years else {}

    grouped: dict[int, dict] = {}
    for result, change, evening_change in session.execute(query):
        entry = grouped.setdefault(
            result.district_id, {"district": result.district, "rows": []}
        )
        walks, fixed = activity.get((result.district_id, result.year), (0, 0))
        entry["rows"].append({
            "result": result,
            "year": result.year,
            "safe_share": result.safe_share,
            "evening_safe_share": result.evening_safe_share,
            "change": None if change is None else round(change, 1),
            "evening_change": None if evening_change is None else round(evening_change, 1),
            "gap": round(goal - result.safe_share, 1),
            "walks": walks,
            "fixed": fixed,
        })
    for entry in grouped.values():
        entry["years"] = [r["year"] for r in entry["rows"]]
        entry["safe_points"] = [(r["year"], r["safe_share"]) for r in entry["rows"]]
        entry["evening_points"] = [(r["year"], r["evening_safe_share"]) for r in entry["rows"]]
    return list(grouped.values())


def saved_results(session: Session) -> list[SurveyResult]:
    """Every saved result, by district name, latest year first (the admin page's table)."""
    return session.scalars(
        select(SurveyResult).join(District).order_by(District.name, SurveyResult.year.desc())
    ).all()


def yearly_activity(session: Session, years: list[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(district, year) → (completed walks, findings fixed) in that local calendar year."""
    from datetime import date

    edges = [(str(y), date(y, 1, 1), date(y + 1, 1, 1)) for y in years]
    walk_year = bucket(Walk.completed_at, edges).label("year")
    walks = {
        (district_id, int(year)): n
        for district_id, year, n in session.execute(
            select(Walk.district_id, walk_year, func.count(Walk.id))
            .where(Walk.status == WalkStatus.COMPLETED, walk_year.is_not(None))
            .group_by(Walk.district_id, walk_year)
        )
    }
    fix_year = bucket(Finding.fixed_at, edges).label("year")
    fixed = {
        (district_id, int(year)): n
        for district_id, year, n in session.execute(
            select(Walk.district_id, fix_year, func.count(Finding.id))
            .join(Walk, Walk.id == Finding.walk_id)
            .where(fixed_clause(), fix_year.is_not(None))
            .group_by(Walk.district_id, fix_year)
        )
    }
    return {key: (walks.get(key, 0), fixed.get(key, 0)) for key in walks.keys() | fixed.keys()}


# --- the rules of one result --------------------------------------------------------------


def check_result(year, respondents, safe_share, *optional_shares) -> None:
    """The rules of one result; `optional_shares` in the order of OPTIONAL_SHARES."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            _l("The year must be between %(low)d and %(high)d.", low=MIN_YEAR, high=MAX_YEAR),
            field="year",
        )
    if respondents < 1:
        raise DomainError(_l("At least one person must have answered."), field="respondents")
    shares = zip(("safe_share", *OPTIONAL_SHARES), (safe_share, *optional_shares), strict=False)
    for name, value in shares:
        if value is not None and not 0 <= value <= 100:
            raise DomainError(_l("A share is a percentage from 0 to 100."), field=name)


# --- importing: a preview, then the same changes applied --------------------------------------
# An import never touches a value the file does not name: a column left out of the file keeps
# every saved value, and an empty cell clears one only as the preview said ("cleared") before
# the admin applied it. The preview's digest (of every value it showed, old and new) comes back
# with the file; the import is applied only if the same file against the saved data gives the
# same digest, so a result changed since the preview is never overwritten unseen.

FIELDS = ("respondents", "safe_share", *OPTIONAL_SHARES)
# The file travels from the preview back to the import as a hidden form field (base64): the
# limit keeps it under Flask's 500 kB for a form field. ~6,000 lines of results.
MAX_FILE_BYTES = 256 * 1024
FIELD_LABELS = {
    "respondents": _l("Respondents"),
    "safe_share": _l("Feel safe"),
    "evening_safe_share": _l("Safe in the evening"),
    "stairwell_safe_share": _l("In the stairwell"),
    "outdoor_safe_share": _l("Outdoors in the area"),
}


class Action(StrEnum):
    NEW = "new"  # a value of a new result (None: its cell is empty or its column absent)
    CHANGE = "change"
    CLEAR = "clear"  # an empty cell in the file empties a saved value
    SAME = "same"  # in the file, equal to the saved value
    KEPT = "kept"  # its column is not in the file: the saved value stays


@dataclass(frozen=True)
class FieldPlan:
    name: str
    old: float | None
    new: float | None
    action: Action


@dataclass
class ResultPlan:
    """What the import does to one district's result for one year."""

    line: int
    district: District
    year: int
    existing: SurveyResult | None
    fields: list[FieldPlan]

    @property
    def status(self) -> str:
        if self.existing is None:
            return "new"
        if any(f.action in (Action.CHANGE, Action.CLEAR) for f in self.fields):
            return "updated"
        return "unchanged"

    @property
    def cleared(self) -> list[FieldPlan]:
        return [f for f in self.fields if f.action == Action.CLEAR]


@dataclass
class ImportPlan:
    text: str  # the file, to send back with the preview
    results: list[ResultPlan]
    absent: list[str]  # optional columns the file leaves out: their values never change

    def _count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def created(self) -> int:
        return self._count("new")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def cleared(self) -> list[tuple[ResultPlan, FieldPlan]]:
        return [(r, f) for r in self.results for f in r.cleared]

    @property
    def digest(self) -> str:
        """Every value the preview shows, old and new: equal digests, equal previews."""
        shown = [[r.district.id, r.year, r.existing is not None,
                  [[f.name, f.old, f.new, f.action.value] for f in r.fields]]
                 for r in self.results]
        text = json.dumps([shown, self.absent], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    cleared: int = 0


class SurveyImportError(DomainError):
    """The file had bad lines; nothing was imported. `lines` holds (line number, message)."""

    def __init__(self, lines: list[tuple[int, str]]):
        super().__init__(_l("Nothing was imported."), field="file")
        self.lines = lines


STALE_PREVIEW = _l(
    "The saved results changed after the preview was made (someone saved or imported results "
    "meanwhile). Nothing was imported: check the new preview below and import again.")


class StalePreview(DomainError):
    """The saved results changed since the preview; nothing was imported. `plan` is the
    preview the same file gives now."""

    def __init__(self, plan: ImportPlan):
        super().__init__(STALE_PREVIEW, field="file")
        self.plan = plan


def preview_csv(session: Session, data: bytes | str, *, lock: bool = False) -> ImportPlan:
    """What importing the CSV would change, value by value; nothing is written.

    Columns: district (name or code), year, respondents, safe_share, and the optional
    evening_safe_share, stairwell_safe_share, outdoor_safe_share. A header line is required;
    `,`, `;` or tab separates the columns (read as every importer reads). Raises
    SurveyImportError listing every bad line. `lock`: hold the saved results it reads until
    the transaction ends (PostgreSQL; on SQLite the write transaction does).
    """
    if len(data) > MAX_FILE_BYTES:
        raise SurveyImportError([(1, str(_l(
            "The file is larger than %(size)s. A survey file has one line per district "
            "and year: split it into several files.", size=human_size(MAX_FILE_BYTES))))])
    text = upload_text(data, SurveyImportError)
    if not text.strip():
        raise SurveyImportError([(1, str(_l("The file is empty.")))])
    rows, present = _read_rows(session, text)
    district_ids = {district.id for _line, district, _year, _values in rows}
    query = select(SurveyResult).where(SurveyResult.district_id.in_(district_ids))
    if lock:
        query = query.with_for_update()
    saved = {(r.district_id, r.year): r for r in session.scalars(query)}
    results = []
    for line, district, year, values in rows:
        existing = saved.get((district.id, year))
        fields = [_field_plan(name, existing, values, present) for name in FIELDS]
        results.append(ResultPlan(line, district, year, existing, fields))
    return ImportPlan(text, results, [c for c in OPTIONAL_SHARES if c not in present])


def _field_plan(name: str, existing: SurveyResult | None, values: dict, present) -> FieldPlan:
    new = values.get(name)
    if existing is None:
        return FieldPlan(name, None, new, Action.NEW)
    old = getattr(existing, name)
    if name not in present:
        return FieldPlan(name, old, old, Action.KEPT)
    if new == old:
        return FieldPlan(name, old, new, Action.SAME)
    return FieldPlan(name, old, new, Action.CLEAR if new is None else Action.CHANGE)


def _read_rows(session: Session, text: str) -> tuple[list[tuple], set[str]]:
    """The file's results as (line, district, year, {column: value}) with only the columns
    the file has, and those columns; SurveyImportError listing every bad line."""
    required = tuple(c for c in CSV_COLUMNS if c not in OPTIONAL_SHARES)
    records, errors = read_records(text, required, optional=OPTIONAL_SHARES)
    if errors and errors[0][0] == 1:
        raise SurveyImportError(errors[:1])
    present = set(records[0][1]) if records else set(required)

    districts = {}
    for district in session.scalars(select(District)):
        districts[district.name.casefold()] = district
        districts[district.code.casefold()] = district

    rows = []
    seen: dict[tuple[int, int], int] = {}
    for number, record in records:
        try:
            name = record["district"]
            district = districts.get(name.casefold())
            if district is None:
                raise ValueError(str(_l("Unknown district “%(name)s”.", name=name)))
            try:
                values = {
                    "year": parse_whole(record["year"]),
                    "respondents": parse_whole(record["respondents"]),
                    "safe_share": parse_number(record["safe_share"]),
                }
                values.update({column: parse_number(record[column]) if record[column] else None
                               for column in OPTIONAL_SHARES if column in record})
            except ValueError:
                raise ValueError(str(_l(
                    "Year and respondents must be whole numbers, shares numbers."
                ))) from None
            year = values.pop("year")
            check_result(year, values["respondents"], values["safe_share"],
                   *(values.get(column) for column in OPTIONAL_SHARES))
            key = (district.id, year)
            if key in seen:
                raise ValueError(str(_l(
                    "%(district)s %(year)d is also on line %(line)d.",
                    district=district.name, year=year, line=seen[key],
                )))
            seen[key] = number
        except DomainError as error:
            errors.append((number, str(error.message)))
            continue
        except ValueError as error:
            errors.append((number, str(error)))
            continue
        rows.append((number, district, year, values))

    if errors:
        raise SurveyImportError(sorted(errors))
    if not rows:
        raise SurveyImportError([(1, str(_l("The file has no results.")))])
    return rows, present
