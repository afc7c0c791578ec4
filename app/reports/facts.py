"""Where a report reads findings from: their facts, or the monthly rollups.

Findings are read from their facts (app.reports.rollups): one narrow row per finding with
its walk's district, its days to fix and whether it came back, kept in step on every write.
While the facts are marked stale the same columns are computed live from the findings; the
monthly rollups answer whole months while the facts are current.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam
from sqlalchemy.orm import Session

from app.models import Finding, FindingFact, FindingRollup
from app.periods import Filters
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


def month_scope(filters: Filters):
    """The monthly rollups' rows of the period and district."""
    period = filters.period
    conditions = [FindingRollup.month >= period.start, FindingRollup.month < period.end]
    if filters.district_id:
        conditions.append(FindingRollup.district_id == filters.district_id)
    return conditions


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
