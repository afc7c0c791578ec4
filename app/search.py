"""Text search over findings, the `?q=` of the lists, the map and the exports.

A finding matches when the text (case-insensitive, a substring, Å/Ä/Ö folded like
Python's str.lower) occurs in its description, responsible party or planned action, in its
building's address or code, in its category's Swedish or English name, or when the text
is its number ("123" or "#123").

The finding's own texts are searched only for a text that holds a word of three letters
or digits (searches_texts): neither index has anything to look up for a shorter one ("ab",
"%", "a_b"), so a rare one read every finding's texts, ~1 s at a million findings. Such a
text still finds a finding's number, a category and a building, and the list and the map
say why nothing else matched (templates/findings/_short_search.html).

The three finding columns are the expensive part at a million rows; each database gets an
index that answers a substring match:
- PostgreSQL: `col ILIKE '%…%'` on the bare column, served by the pg_trgm GIN indexes
  (migration i11a_scale). ILIKE folds Å, Ä, Ö in a UTF-8 database.
- SQLite: the FTS5 table `findings_fts` with the trigram tokenizer (`case_sensitive 0`
  folds Unicode case, keeps diacritics: "a" never matches "ä"), kept in step with
  `findings` by triggers in the same transaction (migration i11_search). A quoted
  phrase of trigrams is a substring match. Texts under 3 characters have no trigram, so
  a building's address or code is then matched with a LIKE over `unicode_lower()`
  (app.sqlite_tuning).

Buildings (address, code) have the same kind of index: trigram GIN on PostgreSQL,
`buildings_fts` on SQLite (migration i22_findings_lists); 50,000 buildings matched by a
Python case fold per row took 0.1-0.7 s per word. Categories are a small table, matched
with LIKE.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass

from sqlalchemy import (
    Integer,
    any_,
    bindparam,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app import page_cache
from app.models import Building, Category, Finding

FTS_TABLE = "findings_fts"
FTS_COLUMNS = ("description", "responsible_party", "planned_action")
BUILDINGS_FTS_TABLE = "buildings_fts"
SEARCH_TABLES = (FTS_TABLE, BUILDINGS_FTS_TABLE)
# The trigram tokenizer indexes runs of 3 characters; shorter texts cannot use it.
FTS_MIN_CHARS = 3
# A word: letters and digits ("_" is \w, but pg_trgm splits words at it as at "-").
_WORD = re.compile(r"[^\W_]+")
# Up to this many matching buildings are given to the search as ids, so the database can
# combine index scans; more (a street name) are matched with a subquery, except on
# PostgreSQL, which takes up to BUILDING_ARRAY_LIMIT of them as one array parameter.
BUILDING_ID_LIMIT = 500
BUILDING_ARRAY_LIMIT = 10_000


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def contains(column, text: str, dialect: str):
    """Case-insensitive substring match; % and _ in the text match only themselves."""
    text = text.strip()
    if dialect == "sqlite":
        return func.unicode_lower(column).contains(text.lower(), autoescape=True)
    return column.ilike(ilike_pattern(text), escape="/")


def ilike_pattern(text: str) -> str:
    """ILIKE's pattern (ESCAPE '/') for `text` anywhere: % and _ match only themselves."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def fts_phrase(text: str) -> str:
    """`text` as one FTS5 phrase: every character literal, quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def uses_fts(text: str, dialect: str) -> bool:
    return dialect == "sqlite" and len(text.strip()) >= FTS_MIN_CHARS


def _fts_rowids(name: str, text: str):
    """SELECT rowid FROM the FTS5 table `name` WHERE it contains `text` (3+ characters)."""
    return (select(literal_column("rowid")).select_from(table(name))
            .where(literal_column(name).op("MATCH")(fts_phrase(text))))


def searches_texts(text: str) -> bool:
    """Whether a search for `text` looks in the findings' own texts: it holds a word of at
    least FTS_MIN_CHARS letters or digits, which the text indexes can look up."""
    return any(len(word) >= FTS_MIN_CHARS for word in _WORD.findall(text))


def finding_text_condition(text: str, dialect: str, *, narrowed: bool = False):
    """The text in any of the finding's own text columns.

    `narrowed`: the statement's other filters leave few findings (a district's, a walk's,
    a building's). On SQLite each of them is then looked up in the FTS index's answer
    (`id + 0` keeps SQLite from driving the statement by that answer's rowids): a common
    word in a district at 100,000 findings read its ~15,000 matches one by one to keep the
    district's ~150, 18-25 ms; the district's ~1,000 findings checked, 5-8 ms."""
    text = text.strip()
    if uses_fts(text, dialect):
        return (Finding.id + 0 if narrowed else Finding.id).in_(_fts_rowids(FTS_TABLE, text))
    return or_(*(contains(getattr(Finding, name), text, dialect) for name in FTS_COLUMNS))


def building_text_query(text: str, dialect: str):
    """SELECT the ids of the buildings whose address or code contains `text`."""
    text = text.strip()
    if uses_fts(text, dialect):
        return _fts_rowids(BUILDINGS_FTS_TABLE, text)
    return select(Building.id).where(
        or_(contains(Building.address, text, dialect), contains(Building.code, text, dialect)))


# A building's label, "Address (CODE)", as the building filter's suggestions write it.
LABEL_CODE = re.compile(r"\(([^()]+)\)\s*$")


def buildings_named(text: str, dialect: str):
    """SELECT the ids of the buildings a typed building filter names: the one whose code a
    label ends with ("Albyvägen 3 (A-12)", picked from the suggestions), else those whose
    address or code contains the text."""
    code = LABEL_CODE.search(text)
    if code:
        return select(Building.id).where(Building.code == code.group(1).strip())
    return building_text_query(text, dialect)


@dataclass(frozen=True)
class BuildingTexts:
    """Every building's address and code, lower-cased, one line each ("address\tcode"), in
    one string: a word is looked for in all 50,000 with str.find (~1 ms) where PostgreSQL's
    planner read the whole table with ILIKE (40 ms at 50,000 buildings: it does not expect
    the trigram index to pay with a LIMIT) and SQLite asked its FTS table."""

    text: str
    starts: array  # where each line begins in text
    ids: array  # the building of each line

    def matching(self, word: str, limit: int) -> list[int]:
        """The ids of up to `limit` buildings whose address or code contains `word`
        (str.lower on both sides), in the order of their ids."""
        found, at = [], self.text.find(word)
        while at >= 0 and len(found) < limit:
            line = bisect_right(self.starts, at) - 1
            found.append(self.ids[line])
            at = self.text.find(word, self.starts[line + 1] if line + 1 < len(self.starts)
                                else len(self.text))
        return found


def _building_texts(session: Session) -> BuildingTexts:
    lines, starts, ids, at = [], array("q"), array("q"), 0
    for id_, address, code in session.execute(
            select(Building.id, Building.address, Building.code).order_by(Building.id)):
        line = f"{(address or '').lower()}\t{(code or '').lower()}"
        starts.append(at)
        ids.append(id_)
        lines.append(line)
        at += len(line) + 1
    return BuildingTexts("\n".join(lines), starts, ids)


def building_ids_matching(session: Session, text: str, limit: int) -> list[int]:
    """The ids of up to `limit` buildings whose address or code contains `text`
    (case-insensitive), as building_text_query selects them."""
    word = text.strip().lower()
    if not word or "\n" in word or "\t" in word:
        return list(session.scalars(building_text_query(text, dialect_name(session))
                                    .order_by(Building.id).limit(limit)))
    global _kept_texts
    token = page_cache.token(session, "buildings")
    kept = _kept_texts
    if kept is None or kept[0] != token:
        kept = _kept_texts = (token, _building_texts(session))
    return kept[1].matching(word, limit)


# (the buildings' page_cache token, their texts): one per process, replaced when a building
# changes. Kept here rather than by page_cache.cached, whose entries are limited to an
# eighth of PAGE_CACHE_BYTES (~2 MiB for 50,000 buildings; building it takes ~75 ms).
_kept_texts: tuple[str, BuildingTexts] | None = None


def _forget_texts() -> None:
    global _kept_texts
    _kept_texts = None


page_cache.also_clear(_forget_texts)


def places_named(session: Session, q: str) -> tuple[array, list[int]]:
    """(the ids of the buildings whose address or code contains `q`, up to one more than the
    database takes as ids, and of the categories whose name does), for a stripped `q`."""
    dialect = dialect_name(session)
    many = BUILDING_ARRAY_LIMIT if dialect == "postgresql" else BUILDING_ID_LIMIT

    def places() -> tuple[array, list[int]]:
        # Compact (a street's thousands of ids are kept per word): 8 bytes an id, not ~36.
        return (array("q", building_ids_matching(session, q, many + 1)),
                list(session.scalars(select(Category.id).where(or_(
                    contains(Category.name_sv, q, dialect),
                    contains(Category.name_en, q, dialect))))))

    # The buildings and categories a word names change only with them (scope "filters"):
    # looked up once per word, not on every page of its results (10-40 ms at 50,000
    # buildings on PostgreSQL, whose planner prefers reading them all to the trigram index).
    return page_cache.cached(session, "filters", ("search", q), places)


def finding_number(q: str) -> int | None:
    """The finding's number a search names ("123" or "#123"), if it names one."""
    number = q.lstrip("#")
    return int(number) if number.isdigit() and len(number) < 10 else None


def finding_text_match(q: str, session: Session, *, narrowed: bool = False):
    """The WHERE clause for `?q=` on a select from findings (see the module's docstring);
    `narrowed` as finding_text_condition's."""
    q = q.strip()
    dialect = dialect_name(session)
    building_query = building_text_query(q, dialect)
    many = BUILDING_ARRAY_LIMIT if dialect == "postgresql" else BUILDING_ID_LIMIT
    building_ids, category_ids = places_named(session, q)
    conditions = [finding_text_condition(q, dialect, narrowed=narrowed)] \
        if searches_texts(q) else []
    if len(building_ids) > many:
        conditions.append(Finding.building_id.in_(building_query))
    elif len(building_ids) > BUILDING_ID_LIMIT:
        # A street's buildings as one array: the database combines the building index's
        # rows with the text indexes' (and a district's walks'). As a subquery it was a
        # filter run on every finding read: a common street word in a district read each
        # of its ~10,000 findings from the table and scanned the 50,000 buildings (94 ms
        # at a million findings; 25-29 ms so).
        conditions.append(Finding.building_id == any_(bindparam(
            "street_buildings", list(building_ids), type_=ARRAY(Integer), unique=True)))
    elif building_ids:
        conditions.append(Finding.building_id.in_(list(building_ids)))
    if category_ids:
        conditions.append(Finding.category_id.in_(category_ids))
    if (number := finding_number(q)) is not None:
        conditions.append(Finding.id == number)
    return or_(*conditions) if conditions else false()


def estimated_share(session: Session, q: str) -> float | None:
    """PostgreSQL's estimate of the share of findings whose own texts contain `q` (the
    planner's trigram statistics: "släck" 0.15, a rare word ~0), kept per word and state
    of the filters' data; None on SQLite. It tells a common word, whose matches lie close
    together in any district, from a rare one, which the text indexes find faster."""
    if dialect_name(session) != "postgresql":
        return None

    def estimate() -> float:
        statement = select(literal(1)).select_from(Finding).where(
            finding_text_condition(q, "postgresql"))
        compiled = statement.compile(dialect=session.get_bind().dialect)
        connection = session.connection()
        plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}",
                                          compiled.params).scalar()
        total = connection.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = 'findings'::regclass").scalar()
        return plan[0]["Plan"]["Plan Rows"] / total if total and total > 0 else 0.0

    return page_cache.cached(session, "filters", ("share", q.strip()), estimate)


# --- the SQLite index (created by migration i11_search) ------------------------------


def is_search_table(name: str | None) -> bool:
    """The FTS5 tables and their shadow tables, which the models do not declare
    (autogenerate must leave them alone)."""
    return bool(name) and any(name == t or name.startswith(t + "_") for t in SEARCH_TABLES)


# Indexes that only PostgreSQL's migrations make, on an expression the models do not declare:
# the map's bands of latitude (i36m_map_bands; app.findings.listing._in_bands).
MIGRATION_ONLY_INDEXES = frozenset({"ix_findings_map_band"})


def include_name(name, type_, parent_names) -> bool:
    """Alembic's include_name hook: skip the search tables and MIGRATION_ONLY_INDEXES."""
    if type_ == "index" and name in MIGRATION_ONLY_INDEXES:
        return False
    return not (type_ == "table" and is_search_table(name))
