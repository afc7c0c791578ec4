"""Every record that names or was made by one person (GDPR art. 15), found through the
columns that declare it (app/models/personal.py): the data of `flask person-export` and of
/admin/people, and what erasure changes.

A person is given by an e-mail address or a name. An account found by either brings its id
(rows made by, assigned to or about it), its name and its e-mail; a name without an account
(a tenant on a walk) is looked for as typed. Free text (descriptions, comments, notes) is
searched for the name and the e-mail: those rows are *mentions*, for a human to read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ColumnElement, Table, and_, false, func, or_, select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.extensions import db
from app.models import User
from app.models.personal import Declared, Kind, personal_columns
from app.models.types import utcnow

# Names shorter than this are not searched for in free text ("Al" is in every "Allé").
MIN_MENTION = 4

# What a table's rows are to the person, in the export and on the admin page. A table
# missing here is shown by its name (a new table still exports; give it a label).
TABLE_LABELS = {
    "users": _l("Account"),
    "user_districts": _l("Districts of the account"),
    "user_sessions": _l("Sign-ins (logged-in devices)"),
    "account_tokens": _l("Invitation and password links"),
    "audit_entries": _l("Audit log"),
    "walks": _l("Walks led or planned"),
    "walk_participants": _l("Walk participations"),
    "follow_up_items": _l("Follow-up checks"),
    "findings": _l("Findings"),
    "comments": _l("Comments"),
    "finding_events": _l("Timeline entries"),
    "photos": _l("Photos"),
    "outbox_mails": _l("Mail sent to them"),
    "export_jobs": _l("Exports they made"),
    "measures": _l("Measures recorded"),
    "owners": _l("Owners (contact details)"),
    "finding_answers": _l("Answers after the walk"),
    "after_meetings": _l("After-walk meetings"),
    "public_links": _l("Public links made"),
    "resident_pins": _l("Residents' pins"),
}


@dataclass
class Person:
    query: str
    user: User | None
    names: set[str]  # lower case
    emails: set[str]  # lower case

    @property
    def label(self) -> str:
        return self.user.name if self.user else self.query


def find_person(session: Session, query: str) -> Person:
    """The person an e-mail address or a name stands for; several accounts with one name
    ask for the e-mail."""
    text = " ".join((query or "").split())
    if len(text) < 2:
        raise DomainError(_l("Give an e-mail address or a name."), field="person")
    if "@" in text:
        users = session.scalars(select(User).where(func.lower(User.email) == text.lower())).all()
    else:
        users = session.scalars(
            select(User).where(func.lower(User.name) == text.lower()).order_by(User.id)
        ).all()
    if len(users) > 1:
        raise DomainError(
            _l("Several accounts have this name (%(emails)s): give the e-mail address.",
               emails=", ".join(u.email for u in users)), field="person")
    user = users[0] if users else None
    names, emails = set(), set()
    if user is not None:
        names.add(user.name.lower())
        emails.add(user.email.lower())
    if "@" in text:
        emails.add(text.lower())
    else:
        names.add(text.lower())
    return Person(query=text, user=user, names=names, emails=emails)


# --- the conditions ---------------------------------------------------------------------------


def _in_lower(column: Column, values: Iterable[str]) -> ColumnElement:
    values = sorted(values)
    return func.lower(column).in_(values) if values else false()


def names_condition(declared: Declared, person: Person) -> ColumnElement | None:
    """When this column names the person (None: it cannot, e.g. a user id without account,
    or free text, which only mentions)."""
    column, spec = declared.column, declared.spec
    if spec.kind == Kind.USER:
        if person.user is None:
            return None
        if spec.only_if is not None:
            other, values = spec.only_if
            return and_(column == str(person.user.id), declared.table.c[other].in_(values))
        return column == person.user.id
    if spec.kind == Kind.EMAIL:
        return _in_lower(column, person.emails)
    if spec.kind == Kind.NAME:
        typed = _in_lower(column, person.names)
        if not spec.of_row_user:
            return typed
        # The name of the row's account: that account's rows, and rows of no account whose
        # name was typed as theirs; never another account's row that shares the name.
        users = [c for c in declared.table.columns
                 if (s := c.info.get("person")) is not None and s.kind == Kind.USER]
        mine = [c == person.user.id for c in users] if person.user is not None else []
        return or_(*mine, and_(typed, *(c.is_(None) for c in users)))
    return None


def mention_terms(person: Person) -> list[str]:
    return sorted(t for t in person.names | person.emails if len(t) >= MIN_MENTION)


def mentions_condition(declared: Declared, person: Person) -> ColumnElement | None:
    if declared.spec.kind != Kind.TEXT:
        return None
    terms = mention_terms(person)
    if not terms:
        return None
    return or_(*(declared.column.icontains(term, autoescape=True) for term in terms))


def _by_table(metadata) -> dict[str, list[Declared]]:
    tables: dict[str, list[Declared]] = {}
    for declared in personal_columns(metadata):
        tables.setdefault(declared.table.name, []).append(declared)
    return tables


def row_condition(declared_columns: list[Declared], person: Person) -> ColumnElement | None:
    """A row of the table names the person when any of its declared columns does."""
    conditions = [c for c in (names_condition(d, person) for d in declared_columns)
                  if c is not None]
    return or_(*conditions) if conditions else None


# --- collecting ---------------------------------------------------------------------------------


@dataclass
class Mention:
    table: str
    column: str
    row_id: Any
    text: str


@dataclass
class Records:
    person: Person
    tables: dict[str, list[dict]] = field(default_factory=dict)  # rows that name them
    mentions: list[Mention] = field(default_factory=list)  # free text that mentions them
    photo_keys: list[str] = field(default_factory=list)  # files of the photos they took

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items() if rows}

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _key(table: Table) -> list[Column]:
    return list(table.primary_key.columns)


def _row_id(table: Table, row) -> Any:
    key = _key(table)
    values = [row._mapping[c] for c in key]
    return values[0] if len(values) == 1 else "/".join(str(v) for v in values)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def collect(session: Session, person: Person, metadata=None) -> Records:
    """Every row that names the person, table by table (secrets left out), and every free
    text that mentions their name or e-mail."""
    metadata = metadata if metadata is not None else db.metadata
    records = Records(person=person)
    for name, declared in _by_table(metadata).items():
        table = declared[0].table
        secret = {d.column.name for d in declared if d.spec.kind == Kind.SECRET}
        condition = row_condition(declared, person)
        if condition is not None:
            rows = session.execute(select(table).where(condition).order_by(*_key(table))).all()
            if rows:
                records.tables[name] = [
                    {c.name: _plain(row._mapping[c]) for c in table.columns
                     if c.name not in secret}
                    for row in rows
                ]
        for item in declared:
            mention = mentions_condition(item, person)
            if mention is None:
                continue
            for row in session.execute(select(*_key(table), item.column).where(mention)
                                       .order_by(*_key(table))):
                records.mentions.append(Mention(name, item.column.name, _row_id(table, row),
                                                row._mapping[item.column] or ""))
    if person.user is not None:
        records.photo_keys = [
            key for row in records.tables.get("photos", [])
            if row.get("uploaded_by_id") == person.user.id
            for key in (row["storage_key"],)
        ]
    return records


def as_json(records: Records) -> str:
    person = records.person
    document = {
        "generated_at": utcnow().isoformat(),
        "query": person.query,
        "account_id": person.user.id if person.user else None,
        "counts": records.counts(),
        "records": records.tables,
        "mentions": [m.__dict__ for m in records.mentions],
        "photo_files": [f"photos/{key}" for key in records.photo_keys],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str)


def table_label(name: str) -> str:
    return str(TABLE_LABELS.get(name, name))
