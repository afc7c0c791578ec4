"""Where a report reads findings from: their facts, or the monthly or yearly rollups.

Findings are read from their facts (app.reports.rollups): one narrow row per finding with
its walk's district, its days to fix and whether it came back, kept in step on every write.
While the facts are marked stale the same columns are computed live from the findings; the
monthly rollups answer whole months while the facts are current, the yearly ones (their
sums) whole years.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Integer, bindparam
from sqlalchemy.orm import Session

from app.models import (
    Finding,
    FindingFact,
    FindingRollup,
    FindingYearRollup,
    FixRollup,
    FixYearRollup,
)
from app.periods import Filters, Period
from app.reports import rollups

FIXED_STATUSES = rollups.FIXED_STATUSES


def fixed_clause() -> ColumnElement[bool]:
    """A finding (read from its row) is fixed: fixed or verified."""
    return Finding.status.in_(FIXED_STATUSES)


def facts_of(session: Session, filters: Filters):
    """The facts table, or while it is stale the same columns computed live (once per Filters)."""
    if filters.facts is None:
        filters.facts = (
            rollups.facts_select().subquery("facts") if rollups.is_stale(session)
            else FindingFact.__table__
        )
    return filters.facts


def month_rollups(session: Session, filters: Filters):
    """The monthly rollups when the period is whole months and they are current, else None."""
    if filters.period.kind == "range" or facts_of(session, filters) is not FindingFact.__table__:
        return None
    return FindingRollup


def _one_year(period: Period) -> bool:
    """The period is one whole local year. (The dashboard asks for no longer whole years: a
    range is read from the facts.)"""
    return period.start == date(period.start.year, 1, 1) and period.end == date(
        period.start.year + 1, 1, 1)


def finding_rollups(session: Session, filters: Filters):
    """The rollups of findings that answer the period: per year for a year (100 districts:
    ~4,900 rows instead of its months' ~39,000; the categories' sums 12.9 -> 1.5 ms on
    PostgreSQL 1 M), per month for other whole months; None when the monthly ones would
    not serve (month_rollups)."""
    if month_rollups(session, filters) is None:
        return None
    return FindingYearRollup if _one_year(filters.period) else FindingRollup


def fix_rollups(session: Session, filters: Filters):
    """As finding_rollups, for the days-to-fix histogram (a year of 100 districts: ~10,500
    rows instead of ~60,000; the medians' histogram per district 25.5 -> 7.8 ms)."""
    if month_rollups(session, filters) is None:
        return None
    return FixYearRollup if _one_year(filters.period) else FixRollup


def is_yearly(rollup) -> bool:
    return rollup in (FindingYearRollup, FixYearRollup)


def rollup_scope(rollup, *, one_district: bool) -> list:
    """A rollup's rows of the period, of :district if one_district (bound: the statements
    using it are built once): the months from :month_from to :month_to (first days: the
    period's start and end), or the year :month_from. Asked for by equality, PostgreSQL
    reads a year's rows in (district, …) order from the index: no sort before the sums
    per district (the days-to-fix histogram's 10,500 rows: ~7 ms less)."""
    if is_yearly(rollup):
        conditions = [rollup.year == bindparam("month_from", type_=rollup.year.type)]
    else:
        conditions = [rollup.month >= bindparam("month_from", type_=rollup.month.type),
                      rollup.month < bindparam("month_to", type_=rollup.month.type)]
    if one_district:
        conditions.append(rollup.district_id == bindparam("district", type_=Integer))
    return conditions


def rollup_params(filters: Filters) -> dict:
    """rollup_scope's parameters."""
    return {"month_from": filters.period.start, "month_to": filters.period.end,
            "district": filters.district_id}


def finding_scope(facts, filters: Filters, *, in_period: bool = True):
    """The facts of the district, found in the period unless `in_period` is False."""
    conditions = []
    if in_period:
        conditions.append(filters.period.contains(facts.c.created_at))
    if filters.district_id:
        conditions.append(facts.c.district_id == filters.district_id)
    return conditions


def is_fixed(facts) -> ColumnElement[bool]:
    """A fact is of a fixed finding."""
    return facts.c.status.in_(FIXED_STATUSES)


def overdue_now(facts) -> list:
    """Facts of findings overdue on :today (a bound parameter: the statements using it are
    built once). "IS NOT NULL" says nothing new, but without it SQLite scans every fact in
    district order to save a sort (197 ms at 100 k; 0.5 ms by the index (open_due, district)
    it then uses)."""
    return [facts.c.open_due.is_not(None),
            facts.c.open_due < bindparam("today", type_=facts.c.open_due.type)]
