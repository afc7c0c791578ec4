"""The tenants' yearly safety survey: results per district and year, entered or imported."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import District, Finding, SurveyResult, Walk, WalkStatus
from app.places.buildings import parse_number, read_records, upload_text
from app.reports.queries import bucket, fixed_clause
from app.services import DomainError

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


# --- writing ---------------------------------------------------------------------------------


def save_result(
    session: Session,
    *,
    district: District,
    year: int,
    respondents: int,
    safe_share: float,
    evening_safe_share: float | None,
    stairwell_safe_share: float | None = None,
    outdoor_safe_share: float | None = None,
) -> SurveyResult:
    """Add the district's result for the year, or replace the one already there."""
    _check(year, respondents, safe_share, evening_safe_share, stairwell_safe_share,
           outdoor_safe_share)
    result = session.scalar(
        select(SurveyResult).where(
            SurveyResult.district_id == district.id, SurveyResult.year == year
        )
    )
    if result is None:
        result = SurveyResult(district=district, year=year)
        session.add(result)
    result.respondents = respondents
    result.safe_share = safe_share
    result.evening_safe_share = evening_safe_share
    result.stairwell_safe_share = stairwell_safe_share
    result.outdoor_safe_share = outdoor_safe_share
    session.flush()
    return result


def _check(year, respondents, safe_share, *optional_shares) -> None:
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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0


class SurveyImportError(DomainError):
    """The file had bad lines; nothing was imported. `lines` holds (line number, message)."""

    def __init__(self, lines: list[tuple[int, str]]):
        super().__init__(_l("Nothing was imported."), field="file")
        self.lines = lines


def import_csv(session: Session, data: bytes | str) -> ImportReport:
    """Import survey results from CSV: every row or none; updates by district and year.

    Columns: district (name or code), year, respondents, safe_share, and the optional
    evening_safe_share, stairwell_safe_share, outdoor_safe_share (may be empty). A header
    line is required; `,`, `;` or tab separates the columns (read as every importer reads).
    """
    text = upload_text(data, SurveyImportError)
    if not text.strip():
        raise SurveyImportError([(1, str(_l("The file is empty.")))])
    required = tuple(c for c in CSV_COLUMNS if c not in OPTIONAL_SHARES)
    records, errors = read_records(text, required, optional=OPTIONAL_SHARES)
    if errors and errors[0][0] == 1:
        raise SurveyImportError(errors[:1])

    districts = {}
    for district in session.scalars(select(District)):
        districts[district.name.casefold()] = district
        districts[district.code.casefold()] = district

    rows = []
    seen: dict[tuple[int, int], int] = {}
    for number, record in records:

        def cell(name, record=record):
            return record.get(name, "")

        try:
            name = cell("district")
            district = districts.get(name.casefold())
            if district is None:
                raise ValueError(str(_l("Unknown district “%(name)s”.", name=name)))
            try:
                year = int(cell("year"))
                respondents = int(cell("respondents"))
                safe_share = parse_number(cell("safe_share"))
                evening, stairwell, outdoors = (
                    parse_number(cell(name)) if cell(name) else None for name in OPTIONAL_SHARES
                )
            except ValueError:
                raise ValueError(str(_l(
                    "Year and respondents must be whole numbers, shares numbers."
                ))) from None
            _check(year, respondents, safe_share, evening, stairwell, outdoors)
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
        rows.append((district, year, respondents, safe_share, evening, stairwell, outdoors))

    if errors:
        raise SurveyImportError(sorted(errors))
    if not rows:
        raise SurveyImportError([(1, str(_l("The file has no results.")))])

    existing = {
        (r.district_id, r.year)
        for r in session.scalars(select(SurveyResult))
    }
    report = ImportReport()
    for district, year, respondents, safe_share, evening, stairwell, outdoors in rows:
        if (district.id, year) in existing:
            report.updated += 1
        else:
            report.created += 1
        save_result(session, district=district, year=year, respondents=respondents,
                    safe_share=safe_share, evening_safe_share=evening,
                    stairwell_safe_share=stairwell, outdoor_safe_share=outdoors)
    return report
