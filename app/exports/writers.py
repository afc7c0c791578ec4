"""Findings and walks as CSV or XLSX, streamed so a large export never sits in memory whole.

CSV is written for Swedish Excel: UTF-8 with a byte-order mark (without it Excel reads the
file as Windows-1252 and å/ä/ö break) and `;` between columns (Swedish Excel uses the
comma as the decimal sign, so it splits on `;`). Decimals are written with a point, which
every program that reads data files understands; timestamps are local time, ISO 8601.

XLSX comes from openpyxl's write-only workbook (rows go straight to a temporary file), which
is then sent in chunks and deleted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum

from sqlalchemy import DateTime, Select, TypeDecorator, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from app.findings.filters import FindingFilters, apply_filters
from app.models import (
    Building,
    Category,
    District,
    Finding,
    Priority,
    User,
    Walk,
)
from app.periods import Period, period_from_args
from app.timeutil import LOCAL, to_local

CSV_DELIMITER = ";"
BATCH = 1000
CHUNK = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE (a test keeps them equal), copied so that importing
# this module does not load openpyxl (~90 ms) for every worker and CLI command.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

FINDING_COLUMNS = [
    "id", "created", "acknowledged", "assigned", "fixed", "verified", "closed", "status",
    "category", "severity", "district", "building", "latitude", "longitude", "assignee",
    "responsible_party", "priority", "due_date", "confidential", "walk_id", "description",
]
WALK_COLUMNS = [
    "id", "title", "district", "status", "light", "planned_start", "started", "completed",
    "leader", "findings", "follow_up_of",
]


@dataclass
class ExportFilters:
    period: Period | None = None
    findings: FindingFilters = field(default_factory=FindingFilters)


def filters_from_args(args: Mapping) -> ExportFilters:
    """The dashboard's period plus every filter of the findings list (same URL arguments).

    Without a `period` argument the export is not limited in time.
    """
    return ExportFilters(
        period=period_from_args(args) if args.get("period") else None,
        findings=FindingFilters.from_args(args),
    )


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- queries ---------------------------------------------------------------------------------


class _LocalISOText(TypeDecorator):
    """Result type of `local_iso`: the text PostgreSQL made, or (SQLite) the UTC timestamp
    turned into the same text in Python."""

    impl = DateTime
    cache_ok = True

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, str):
            return value
        return _local_iso(value.replace(tzinfo=UTC) if value.tzinfo is None else value)


class local_iso(FunctionElement):
    """A UTC timestamp column as local time, ISO 8601 to the second, as text: what `_iso`
    writes. PostgreSQL computes it (a tenth of a million-row export's time went to
    converting timestamps in Python); other databases convert in the result type."""

    type = _LocalISOText()
    name = "local_iso"
    inherit_cache = True


@compiles(local_iso)
def _local_iso_column(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(local_iso, "postgresql")
def _local_iso_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return (f"to_char(({column} AT TIME ZONE 'UTC') AT TIME ZONE '{LOCAL.key}', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS')")



def findings_query(filters: ExportFilters, *, include_confidential: bool, locale: str) -> Select:
    assignee = aliased(User)
    category_name = Category.name_sv if locale.startswith("sv") else Category.name_en
    priority_name = Priority.name_sv if locale.startswith("sv") else Priority.name_en
    query = (
        select(
            Finding.id, *(local_iso(column) for column in (
                Finding.created_at, Finding.acknowledged_at, Finding.assigned_at,
                Finding.fixed_at, Finding.verified_at, Finding.closed_at)), Finding.status,
            category_name, Finding.severity, District.name, Building.code, Finding.latitude,
            Finding.longitude, assignee.name, Finding.responsible_party, priority_name,
            Finding.due_date, Finding.confidential, Finding.walk_id, Finding.description,
        )
        .join(Walk, Walk.id == Finding.walk_id)
        .join(District, District.id == Walk.district_id)
        .join(Category, Category.id == Finding.category_id)
        .outerjoin(Building, Building.id == Finding.building_id)
        .outerjoin(assignee, assignee.id == Finding.assignee_id)
        .outerjoin(Priority, Priority.id == Finding.priority_id)
        .order_by(Finding.id)
    )
    if not include_confidential:
        query = query.where(Finding.confidential.is_(False))
    if filters.period:
        query = query.where(filters.period.contains(Finding.created_at))
    return apply_filters(query, filters.findings)


def walks_query(filters: ExportFilters) -> Select:
    from sqlalchemy import func

    leader = aliased(User)
    finding_count = (
        select(func.count(Finding.id)).where(Finding.walk_id == Walk.id).scalar_subquery()
    )
    query = (
        select(
            Walk.id, Walk.title, District.name, Walk.status, Walk.light_condition,
            Walk.planned_start, Walk.started_at, Walk.completed_at, leader.name, finding_count,
            Walk.follow_up_of_id,
        )
        .join(District, District.id == Walk.district_id)
        .outerjoin(leader, leader.id == Walk.leader_id)
        .order_by(Walk.planned_start, Walk.id)
    )
    if filters.period:
        query = query.where(filters.period.contains(Walk.planned_start))
    if filters.findings.district_id:
        query = query.where(Walk.district_id == filters.findings.district_id)
    return query


def rows(session: Session, query: Select) -> Iterator[list]:
    """The query's rows as plain cells, fetched in batches from a server-side cursor."""
    return cells(session.execute(query.execution_options(yield_per=BATCH)))


def cells(result: Iterable) -> Iterator[list]:
    """Rows of a result as plain cells (what `_cell` makes of each value).

    A million rows of 21 values: the conversion is chosen once per Python type, not by a
    chain of isinstance tests per value (which took most of an export's time).
    """
    converters: dict[type, Callable] = {}
    for row in result:
        out = []
        for value in row:
            kind = type(value)
            convert = converters.get(kind)
            if convert is None:
                convert = converters[kind] = _converter(kind)
            out.append(convert(value))
        yield out


def _converter(kind: type) -> Callable:
    """A function doing what `_cell` does, for values of type `kind`."""
    if kind is type(None):
        return lambda value: ""
    if issubclass(kind, datetime):
        return _local_iso
    if issubclass(kind, date):
        return date.isoformat
    if kind is bool:
        return lambda value: "yes" if value else "no"
    if issubclass(kind, Enum):
        return lambda value: value.value
    if kind is str:
        return _text
    if kind in (int, float):
        return lambda value: value
    return _cell


def _local_iso(value: datetime) -> str:
    # isoformat of the local time without its UTC offset (19 characters), as _iso writes.
    return value.astimezone(LOCAL).isoformat(timespec="seconds")[:19]


def _cell(value):
    if isinstance(value, datetime | date):
        return _iso(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "value"):  # StrEnum
        return value.value
    if isinstance(value, str):
        return _text(value)
    return "" if value is None else value


def _text(value: str) -> str:
    """Typed text as inert text in a spreadsheet.

    Control characters are dropped (XML, so XLSX, cannot hold them), and a leading = + - @
    tab or CR gets a ' so Excel and LibreOffice do not run it as a formula ("CSV injection").
    """
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- writers ---------------------------------------------------------------------------------


def csv_stream(header: list[str], data: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with BOM, `;`-separated, in chunks of about 64 KB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in data:
        writer.writerow(row)
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_write(path: str, header: list[str], data: Iterable[list], title: str) -> None:
    """A write-only workbook (rows go to a temporary file as they come) saved at `path`."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in data:
        sheet.append(row)
    workbook.save(path)
