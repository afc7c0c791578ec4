"""Erasure (GDPR art. 17): one person becomes a stable pseudonym ("Tidigare medarbetare 7")
everywhere a column names them, as each column declares (app/models/personal.py).

Rows made by the person stay and point at their account, which keeps its id but loses its
name, e-mail, password, second factor and language and is deactivated: findings, fixes,
timelines and every report count the same. Rows that only serve the person (logins, links,
mail to them) go. Free text people wrote is not rewritten: the rows that mention the name or
e-mail are listed for a human to edit. `plan_erasure` is the dry run; `erase` does it and
writes an audit entry saying who did it and when, with counts, never the erased data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Table, or_, select
from sqlalchemy.orm import Session

from app import page_cache
from app.accounts.operations import audit
from app.errors import DomainError
from app.extensions import db
from app.models import AppSetting, User
from app.models.personal import Declared, Kind, OnErase, personal_columns
from app.privacy.access import (
    Mention,
    Person,
    Records,
    mention_terms,
    mentions_condition,
    names_condition,
)

PSEUDONYM_COUNTER = "pseudonym_last"
# Changed rows are written in slices of this many ids (a long IN list is slow on SQLite).
SLICE = 500


@dataclass
class Change:
    table: str
    column: str
    action: OnErase
    ids: list = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.ids)


@dataclass
class ErasurePlan:
    person: Person
    number: int
    pseudonym: str
    changes: list[Change]
    review: list[Mention]

    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.action != OnErase.KEEP and c.ids]

    def kept(self) -> list[Change]:
        return [c for c in self.changes if c.action == OnErase.KEEP and c.ids]


def _next_number(session: Session) -> int:
    row = session.get(AppSetting, PSEUDONYM_COUNTER)
    return int(row.value) + 1 if row and row.value.isdigit() else 1


def pseudonym_text(number: int, *, account: bool) -> str:
    """In the instance's default language: one name in every page, PDF and file."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if account:
            return _("Former staff member %(n)d", n=number)
        return _("Former participant %(n)d", n=number)


def pseudonym_email(number: int) -> str:
    return f"former-{number}@erased.invalid"  # .invalid never delivers (RFC 2606)


def _condition(declared: Declared, person: Person, by_table: list[Declared]
               ) -> ColumnElement | None:
    spec = declared.spec
    if spec.on_erase in (OnErase.REPLACE, OnErase.REVIEW):
        return mentions_condition(declared, person)
    if spec.kind == Kind.SECRET:  # the secrets of the rows that are the person's
        conditions = [c for c in (names_condition(d, person) for d in by_table
                                  if d.spec.kind == Kind.USER) if c is not None]
        return or_(*conditions) if conditions else None
    return names_condition(declared, person)


def _key(table: Table):
    (key,) = table.primary_key.columns
    return key


def plan_erasure(session: Session, person: Person, *, actor: User | None = None,
                 metadata=None) -> ErasurePlan:
    if person.user is not None and person.user.erased_at is not None:
        raise DomainError(_l("This account is already anonymised."), field="person")
    if person.user is not None and actor is not None and person.user.id == actor.id:
        raise DomainError(_l("You cannot erase your own account."), field="person")
    metadata = metadata if metadata is not None else db.metadata
    number = _next_number(session)
    plan = ErasurePlan(person=person, number=number,
                       pseudonym=pseudonym_text(number, account=person.user is not None),
                       changes=[], review=[])
    by_table: dict[str, list[Declared]] = {}
    for declared in personal_columns(metadata):
        by_table.setdefault(declared.table.name, []).append(declared)
    for name, declared_columns in by_table.items():
        for declared in declared_columns:
            if declared.spec.kind == Kind.SECRET and declared.spec.on_erase == OnErase.KEEP:
                continue  # a credential of something else (an integration's key): untouched
            condition = _condition(declared, person, declared_columns)
            if condition is None:
                continue
            table, column = declared.table, declared.column
            keys = list(table.primary_key.columns)
            if len(keys) == 1:
                selected = select(keys[0]).where(condition).order_by(keys[0])
                ids = list(session.scalars(selected))
            else:  # an association table (user_districts): deleted by the column itself
                ids = [tuple(row) for row in session.execute(select(*keys).where(condition))]
            if declared.spec.on_erase == OnErase.REVIEW:
                texts = session.execute(select(keys[0], column).where(condition)
                                        .order_by(keys[0])).all()
                plan.review += [Mention(name, column.name, row_id, text or "")
                                for row_id, text in texts]
                continue
            plan.changes.append(Change(name, column.name, declared.spec.on_erase, ids))
    return plan


def erase(session: Session, actor: User | None, plan: ErasurePlan, *, now: datetime,
          metadata=None) -> None:
    """Carry out `plan` (made in this transaction), flush, and audit it."""
    metadata = metadata if metadata is not None else db.metadata
    person = plan.person
    terms = mention_terms(person)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms \
        else None
    # Values first, deletions last; a row that goes needs no other change (and a cleared
    # unique token of two rows would clash).
    deleted = {(c.table, i) for c in plan.changed() if c.action == OnErase.DELETE
               for i in c.ids}
    for change in plan.changed():
        if change.action != OnErase.DELETE:
            change.ids = [i for i in change.ids if (change.table, i) not in deleted]
    for change in sorted(plan.changed(), key=lambda c: c.action == OnErase.DELETE):
        table = metadata.tables[change.table]
        column = table.c[change.column]
        if change.action == OnErase.DELETE:
            if len(table.primary_key.columns) > 1:
                # An association table (user_districts) is named by the account's id.
                session.execute(table.delete().where(column == person.user.id))
                continue
            for part in _slices(change.ids):
                delete_rows(session, table, _key(table).in_(part), metadata)
        elif change.action == OnErase.REPLACE and pattern is not None:
            key = _key(table)
            for row_id, text in session.execute(select(key, column).where(key.in_(change.ids))):
                session.execute(table.update().where(key == row_id)
                                .values({column: pattern.sub(plan.pseudonym, text or "")}))
        elif change.action in (OnErase.PSEUDONYM, OnErase.CLEAR):
            if change.action == OnErase.CLEAR:
                value = None if column.nullable else ""
            elif column.info["person"].kind == Kind.EMAIL:
                value = pseudonym_email(plan.number)
            else:
                value = plan.pseudonym
            for part in _slices(change.ids):
                session.execute(table.update().where(_key(table).in_(part))
                                .values({column: value}))
    user = person.user
    if user is not None:
        session.flush()
        session.refresh(user)
        user.active = False
        user.erased_at = now
        user.language = None
        user.notify_email = False
        user.totp_last_step = None
        user.last_login_at = None
    counter = session.get(AppSetting, PSEUDONYM_COUNTER) or AppSetting(key=PSEUDONYM_COUNTER)
    counter.value = str(plan.number)
    counter.updated_at = now
    session.add(counter)
    page_cache.changed(session)  # names show on cached pages of every kind
    audit(session, actor, "erase", user, erasure_summary(plan))


def erasure_summary(plan: ErasurePlan) -> str:
    """What changed, by column and count: no name, no e-mail, no text."""
    parts = [f"pseudonym no. {plan.number}"]
    parts += [f"{c.table}.{c.column} {c.action.value} {c.rows}" for c in plan.changed()]
    parts.append(f"free-text mentions to review {len(plan.review)}")
    return "; ".join(parts)


def delete_rows(session: Session, table: Table, condition, metadata=None) -> int:
    """Delete rows of `table`; a row elsewhere that refers to one (a point's answer to the
    mail that told its owner) keeps its own data and loses the link. References declared
    ON DELETE CASCADE go with the row (a mail's attachments)."""
    metadata = metadata if metadata is not None else db.metadata
    key = _key(table)
    for other in metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column is key and (fk.ondelete or "").upper() != "CASCADE" \
                    and fk.parent.nullable:
                session.execute(other.update().where(
                    fk.parent.in_(select(key).where(condition))).values({fk.parent: None}))
    return session.execute(table.delete().where(condition)).rowcount


def _slices(ids: list) -> list[list]:
    return [ids[i:i + SLICE] for i in range(0, len(ids), SLICE)]


def record_access(session: Session, actor: User | None, records: Records) -> None:
    """An audit entry for a register extract: who made it, when, of which account, how big."""
    audit(session, actor, "person_export", records.person.user,
          f"records {records.total}; mentions {len(records.mentions)}")
