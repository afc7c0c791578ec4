"""The findings list's ids read from the dashboard's facts (`finding_facts`: one narrow row
per finding with its walk's district, category, building, status, found time and open due
date, kept in the same transaction as the finding; app.reports.rollups).

A list filtered by district (or category) and sorted by when the findings were found is
chosen there: the count's ids, up to the cap + 1, come newest (oldest) first from one index
(district or category, found time, id, with status, category and the rest carried in it),
so the page is a slice of them and only its 25 findings are read. Through the findings
themselves a district is ~200 walk ids: at a million findings the count read each of the
district's ~10,000 findings from the table to check its status and category (10-50 ms),
and the page read up to 1,000 of them again to sort them (another 10-45 ms); from the facts'
index both take ~1 ms.

A search on PostgreSQL (of three characters or more) is chosen there too: the facts carry
the finding's texts (`doc`) and one GIN index holds the district with their trigrams, so a
district's matches come from that index (a rare word: ~1,000 index entries, where the
findings' way read each of the district's ~10,000 findings and matched its three texts,
17 ms; 49 ms when the word also names a category), and a common word's newest from the
facts' found-time index, in one statement for the count and the page. The word's other arms
(the buildings and categories it names, a finding's number; app.search) are the facts'
building, category and id.

Filters the facts do not carry (walk, severity, assignee, confidential), a search on SQLite
(its FTS5 table) or of one or two characters, other orders, and a database whose facts are
still being rebuilt take filters.shaped_page, district_search_page or capped_page as before;
the rows are the same either way.
"""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache

from sqlalchemy import Integer, String, any_, bindparam, false, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app import page_cache, search
from app.findings import filters as lists
from app.findings.filters import CappedPage, FindingFilters, list_rows, sort_order
from app.models import (
    DOC_SEPARATOR,
    DONE_STATUSES,
    OPEN_STATUSES,
    Finding,
    FindingFact,
    FindingStatus,
)
from app.search import (
    dialect_name,
    finding_number,
    ilike_pattern,
    places_named,
    searches_texts,
)
from app.timeutil import local_day_bounds, local_today

# The filters a fact carries, and the orders its index holds.
_FACT_FIELDS = frozenset({"district_id", "building_id", "category_id", "status", "overdue",
                          "date_from", "date_to", "sort", "q"})
_OTHER_FIELDS = tuple(f for f in fields(FindingFilters) if f.name not in _FACT_FIELDS)
_ORDERS = {
    "newest": lambda: [FindingFact.created_at.desc(), FindingFact.finding_id.desc()],
    "oldest": lambda: [FindingFact.created_at, FindingFact.finding_id],
}


def applies(session: Session, filters: FindingFilters) -> bool:
    """Whether the list's page can be chosen from the facts: a district or a category
    (an index that starts with it) or a search the facts' texts answer, no filter beyond
    those a fact carries, an order by found time, and facts that are current."""
    return (filters.sort in _ORDERS
            and bool(filters.district_id or filters.category_id or filters.q)
            and all(getattr(filters, f.name) == f.default for f in _OTHER_FIELDS)
            and (not filters.q or _searchable(session, filters)) and not _stale(session))


def _searchable(session: Session, filters: FindingFilters) -> bool:
    """A search the facts answer: on PostgreSQL, a text that cannot span two of the joined
    texts, naming no more buildings than go in as one array. (A text without a word of
    three letters or digits is not looked for in the texts at all: app.search.)"""
    q = filters.q.strip()
    return (dialect_name(session) == "postgresql" and DOC_SEPARATOR not in q
            and len(places_named(session, q)[0]) <= search.BUILDING_ARRAY_LIMIT)


_STALE: list[tuple[str, bool]] = [("", True)]  # (dashboard's token, stale then)


def _stale(session: Session) -> bool:
    """The facts are being rebuilt (after a migration, until `flask rollups-rebuild`),
    asked once per state of the dashboard's data (its token changes with the rebuild's
    end). Not page_cache.cached: that would name the page a cache hit."""
    from app.reports.rollups import is_stale  # the reports' facts, read here

    token = page_cache.token(session, "dashboard")
    known, stale = _STALE[0]
    if token != known or not token:
        stale = is_stale(session)
        _STALE[0] = (token, stale)
    return stale


def _shape(session: Session, filters: FindingFilters) -> tuple[tuple, dict]:
    """(shape, parameters): which filters are set, and their values bound by name."""
    status = filters.status
    if status not in ("open", "done"):
        status = "one" if status in set(FindingStatus) else None
    day_from, day_to = filters.date_from, filters.date_to
    params = {
        "district_id": filters.district_id, "building_id": filters.building_id,
        "category_id": filters.category_id,
        "status": FindingStatus(filters.status) if status == "one" else None,
        "today": local_today() if filters.overdue else None,
        "date_from": local_day_bounds(day_from)[0] if day_from else None,
        "date_to": local_day_bounds(day_to)[1] if day_to else None,
    }
    text = ()  # no search; else: it names buildings? categories? a number? its texts?
    if q := (filters.q or "").strip():
        building_ids, category_ids = places_named(session, q)
        number = finding_number(q)
        texts = searches_texts(q)
        text = (bool(building_ids), bool(category_ids), number is not None, texts)
        params |= {"q_pattern": ilike_pattern(q) if texts else None,
                   "q_buildings": list(building_ids) or None,
                   "q_categories": category_ids or None, "q_number": number}
    shape = (bool(filters.district_id), bool(filters.building_id), bool(filters.category_id),
             status, filters.overdue, bool(day_from), bool(day_to), text)
    return shape, {k: v for k, v in params.items() if v is not None}


def _conditions(shape: tuple) -> list:
    """apply_filters' conditions, on the facts, for a shape."""
    district, building, category, status, overdue, day_from, day_to, text = shape
    conditions = []
    for present, column in ((district, FindingFact.district_id),
                            (building, FindingFact.building_id),
                            (category, FindingFact.category_id)):
        if present:
            conditions.append(column == bindparam(column.key, type_=Integer))
    if status == "open":
        conditions.append(FindingFact.status.in_(list(OPEN_STATUSES)))
    elif status == "done":
        conditions.append(FindingFact.status.in_(list(DONE_STATUSES)))
    elif status == "one":
        conditions.append(FindingFact.status == bindparam("status",
                                                          type_=FindingFact.status.type))
    if overdue:  # open_due is the due date while the finding is open
        conditions.append(FindingFact.open_due < bindparam("today",
                                                           type_=FindingFact.open_due.type))
    if day_from:
        conditions.append(FindingFact.created_at >= bindparam(
            "date_from", type_=FindingFact.created_at.type))
    if day_to:
        conditions.append(FindingFact.created_at < bindparam(
            "date_to", type_=FindingFact.created_at.type))
    if text:  # app.search.finding_text_match's arms, on the facts (PostgreSQL)
        buildings, categories, number, texts = text
        arms = [FindingFact.doc.ilike(bindparam("q_pattern", type_=String), escape="/")] \
            if texts else []
        if buildings:
            arms.append(FindingFact.building_id == any_(
                bindparam("q_buildings", type_=ARRAY(Integer))))
        if categories:
            arms.append(FindingFact.category_id == any_(
                bindparam("q_categories", type_=ARRAY(Integer))))
        if number:
            arms.append(FindingFact.finding_id == bindparam("q_number", type_=Integer))
        conditions.append(or_(*arms) if arms else false())
    return conditions


@lru_cache(maxsize=256)
def _statements(shape: tuple, sort: str, dialect: str):
    """(the first ids in the list's order, the ids of a page past them, the page's rows)
    for a shape and order, built once."""
    ids = (select(FindingFact.finding_id).where(*_conditions(shape))
           .order_by(*_ORDERS[sort]()))
    first = ids.limit(bindparam("cap", type_=Integer))
    later = ids.limit(bindparam("limit", type_=Integer)).offset(
        bindparam("offset", type_=Integer))
    if dialect == "postgresql":
        chosen = Finding.id == any_(bindparam("page_ids", type_=ARRAY(Integer)))
    else:
        chosen = Finding.id.in_(bindparam("page_ids", expanding=True))
    rows = list_rows(select(Finding).where(chosen).order_by(*sort_order(sort)),
                     bindparam("today", type_=Finding.due_date.type))
    return first, later, rows


def fact_page(session: Session, filters: FindingFilters, *, page: int,
              per_page: int) -> CappedPage:
    """Page `page` of the list (a page past the end is the last), its count capped at
    count_cap (a search's smaller one), as filters.shaped_page and capped_page give it (see
    applies)."""
    shape, params = _shape(session, filters)
    first, later, rows = _statements(shape, filters.sort, dialect_name(session))
    connection = session.connection()  # plain columns: past the ORM's execution steps
    cap = lists.count_cap(filters)
    ids = list(connection.scalars(first, params | {"cap": cap + 1}))
    capped, total, page = lists.counted(len(ids), cap, page, per_page)
    offset = (page - 1) * per_page
    if offset + per_page <= len(ids):
        chosen = ids[offset:offset + per_page]
    else:  # the last page, or one past the cap's ids
        chosen = ids[offset:] if not capped else list(connection.scalars(
            later, params | {"limit": per_page, "offset": offset}))
    items = connection.execute(rows, {"page_ids": chosen, "today": local_today()}).all() \
        if chosen else []
    return CappedPage(items=items, page=page, per_page=per_page, total=total, capped=capped)
