"""How each column names a person: the one declaration that access (person-export), erasure
(person-erase) and the record of processing read.

A column that holds a user id, an e-mail address, a person's name, free text that may
mention someone, or a secret of an account says so where it is declared:

    author_id = mapped_column(ForeignKey("users.id"), info=person(Kind.USER))
    name = mapped_column(String(120), info=person(Kind.NAME, OnErase.PSEUDONYM))

`personal_columns()` reads these declarations from the metadata, so a table added later
is exported and erased as soon as its columns say what they hold.
tests/privacy/test_person_registry.py fails for a new column that holds a user id, or is
called like a name, e-mail or phone number, and declares nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Column, MetaData, Table


class Kind(StrEnum):
    USER = "user"  # the id of the person's account (made by, assigned to, about them)
    EMAIL = "email"  # an e-mail address
    NAME = "name"  # a person's name as typed
    TEXT = "text"  # free text that may mention a person (searched for their name)
    SECRET = "secret"  # a credential of the account: never exported, cleared on erasure


class OnErase(StrEnum):
    KEEP = "keep"  # the row stays and points at the pseudonymous account
    PSEUDONYM = "pseudonym"  # the value becomes the pseudonym
    DELETE = "delete"  # the row goes (sessions, one-time links, mail to the person)
    CLEAR = "clear"  # the value is emptied
    REVIEW = "review"  # free text written by people: listed for a human to edit
    REPLACE = "replace"  # text written by Trygg itself: the name is replaced by the pseudonym


@dataclass(frozen=True)
class PersonColumn:
    kind: Kind
    on_erase: OnErase
    # Only rows where this other column has one of these values name the person (a timeline
    # line whose field is "assignee" holds the assignee's id as text).
    only_if: tuple[str, tuple[str, ...]] | None = None
    # A name that is the name of the account the row's user column points to (a walk
    # participant with an account): erasure replaces it whatever was typed.
    of_row_user: bool = False


DEFAULT_ON_ERASE = {
    Kind.USER: OnErase.KEEP,
    Kind.EMAIL: OnErase.PSEUDONYM,
    Kind.NAME: OnErase.PSEUDONYM,
    Kind.TEXT: OnErase.REVIEW,
    Kind.SECRET: OnErase.CLEAR,
}


def person(kind: Kind, on_erase: OnErase | None = None, *,
           only_if: tuple[str, tuple[str, ...]] | None = None,
           of_row_user: bool = False) -> dict:
    """The `info=` of a column that names a person."""
    return {"person": PersonColumn(kind, on_erase or DEFAULT_ON_ERASE[kind], only_if,
                                   of_row_user)}


@dataclass(frozen=True)
class Declared:
    table: Table
    column: Column
    spec: PersonColumn


def personal_columns(metadata: MetaData) -> Iterator[Declared]:
    """Every column that declares how it names a person, table by table (sorted by name)."""
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        for column in table.columns:
            spec = column.info.get("person")
            if spec is not None:
                yield Declared(table, column, spec)
