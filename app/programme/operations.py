"""Changes to the safety programme: measure types, measures done, yearly plans, CSV import.

Each function takes validated values, adds and flushes, and raises a DomainError naming the
field; the caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.models import District, DistrictPlan, Measure, MeasureType, PlanTarget, User
from app.places.buildings import ImportFailed, parse_number, read_records, upload_text
from app.walks.operations import set_walk_target

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = 1_000_000
CSV_COLUMNS = ("district", "type", "date", "amount")
CSV_OPTIONAL = ("note",)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "measure"


def add_measure_type(session: Session, *, name_sv: str, name_en: str, unit_sv: str,
                     unit_en: str) -> MeasureType:
    names = {n.casefold() for n in session.scalars(select(MeasureType.name_sv))}
    if name_sv.strip().casefold() in names:
        raise DomainError(_l("A measure type with this name exists already."), field="name_sv")
    slugs = set(session.scalars(select(MeasureType.slug)))
    slug, n = _slug(name_en or name_sv), 2
    base = slug
    while slug in slugs:
        slug, n = f"{base[:36]}_{n}", n + 1
    position = len(slugs)
    measure_type = MeasureType(slug=slug, name_sv=name_sv.strip(), name_en=name_en.strip(),
                               unit_sv=unit_sv.strip(), unit_en=unit_en.strip(),
                               counts_walks=False, position=position, active=True)
    session.add(measure_type)
    session.flush()
    return measure_type


def set_measure_type_active(session: Session, measure_type: MeasureType, active: bool) -> None:
    measure_type.active = active
    session.flush()


def _check_measure(measure_type: MeasureType, done_on: date, amount: float) -> None:
    if measure_type.counts_walks:
        raise DomainError(_l("Safety walks are counted from completed walks."), field="type_id")
    if not measure_type.active:
        raise DomainError(_l("This measure type is no longer in use."), field="type_id")
    if not MIN_YEAR <= done_on.year <= MAX_YEAR:
        raise DomainError(_l("Give a date between %(low)d and %(high)d.", low=MIN_YEAR,
                             high=MAX_YEAR), field="done_on")
    if not 0 < amount <= MAX_AMOUNT:
        raise DomainError(_l("The amount must be more than 0."), field="amount")


def record_measure(session: Session, *, measure_type: MeasureType, district: District,
                   done_on: date, amount: float, note: str, user: User | None) -> Measure:
    _check_measure(measure_type, done_on, amount)
    measure = Measure(measure_type=measure_type, district=district, done_on=done_on,
                      amount=amount, note=note.strip(), recorded_by=user)
    session.add(measure)
    session.flush()
    return measure


def delete_measure(session: Session, measure: Measure) -> None:
    session.delete(measure)
    session.flush()


def save_plan(session: Session, *, district: District, year: int,
              targets: dict[int, float | None], survey_goal: float | None) -> DistrictPlan:
    """Set the district's targets for the year (None removes one) and its survey goal.

    A target for the walk type is the walk target the dashboard uses (`walk_targets`).
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(_l("Give a year between %(low)d and %(high)d.", low=MIN_YEAR,
                             high=MAX_YEAR), field="year")
    if survey_goal is not None and not 0 <= survey_goal <= 100:
        raise DomainError(_l("A share is a percentage from 0 to 100."), field="survey_goal")
    plan = session.scalar(select(DistrictPlan).where(
        DistrictPlan.district_id == district.id, DistrictPlan.year == year))
    if plan is None:
        plan = DistrictPlan(district=district, year=year)
        session.add(plan)
    plan.survey_goal = survey_goal
    existing = {t.measure_type_id: t for t in plan.targets}
    for measure_type in session.scalars(select(MeasureType)):
        if measure_type.id not in targets:
            continue
        value = targets[measure_type.id]
        if value is not None and not 0 <= value <= MAX_AMOUNT:
            raise DomainError(_l("A target is a number from 0 up."),
                              field=f"target-{measure_type.id}")
        if measure_type.counts_walks:
            set_walk_target(session, district_id=district.id, year=year,
                            target=None if value is None else int(value))
            continue
        current = existing.get(measure_type.id)
        if value is None:
            if current is not None:
                plan.targets.remove(current)
        elif current is None:
            plan.targets.append(PlanTarget(measure_type=measure_type, target=value))
        else:
            current.target = value
    session.flush()
    return plan


@dataclass
class MeasureImport:
    created: int = 0


def import_measures(session: Session, data: bytes | str, user: User | None) -> MeasureImport:
    """Record every measure in the CSV, or none if a line is bad (like the building import).

    Columns: district (name or code), type (name or code), date (YYYY-MM-DD), amount,
    and an optional note.
    """
    text = upload_text(data, ImportFailed)
    records, errors = read_records(text, CSV_COLUMNS, optional=CSV_OPTIONAL)
    if errors and not records and errors[0][0] == 1:
        raise ImportFailed(errors)
    districts: dict[str, District] = {}
    for district in session.scalars(select(District)):
        districts[district.name.casefold()] = district
        districts[district.code.casefold()] = district
    types: dict[str, MeasureType] = {}
    for measure_type in session.scalars(select(MeasureType)):
        for key in (measure_type.slug, measure_type.name_sv, measure_type.name_en):
            types[key.casefold()] = measure_type

    rows = []
    for line_no, values in records:
        problems = []
        district = districts.get(values["district"].casefold())
        if district is None:
            problems.append(str(_l("Unknown district “%(name)s”.", name=values["district"])))
        measure_type = types.get(values["type"].casefold())
        if measure_type is None:
            problems.append(str(_l("Unknown measure type “%(name)s”.", name=values["type"])))
        try:
            done_on = date.fromisoformat(values["date"])
        except ValueError:
            done_on = None
            problems.append(str(_l("The date must be written YYYY-MM-DD.")))
        try:
            amount = parse_number(values["amount"])
        except ValueError:
            amount = None
            problems.append(str(_l("The amount is not a number.")))
        if not problems:
            try:
                _check_measure(measure_type, done_on, amount)
            except DomainError as error:
                problems.append(str(error.message))
        if problems:
            errors.append((line_no, "; ".join(problems)))
            continue
        rows.append((district, measure_type, done_on, amount, values.get("note", "")))
    if errors:
        raise ImportFailed(sorted(errors))
    if not rows:
        raise ImportFailed([(1, str(_l("The file has no measures.")))])
    for district, measure_type, done_on, amount, note in rows:
        record_measure(session, measure_type=measure_type, district=district, done_on=done_on,
                       amount=amount, note=note, user=user)
    return MeasureImport(created=len(rows))
