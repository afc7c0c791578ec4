"""The base of every web form: Flask-WTF's form with one rule added for all text fields.

A NUL character (U+0000) is nothing anyone types, SQLite would store it and PostgreSQL
refuses it with a driver error; every form names the field instead, on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from wtforms import Field, FieldList, FormField

NUL_MESSAGE = _l("This contains a character that is not allowed (a NUL character).")


def _fields_with_nul(fields: Iterable[Field]) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _fields_with_nul(field.form)
        elif isinstance(field, FieldList):
            yield from _fields_with_nul(field.entries)
        elif any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
            yield field


class FlaskForm(_FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for top in self:
            for field in _fields_with_nul([top]):
                field.errors = [*field.errors, str(NUL_MESSAGE)]
                valid = False
                if isinstance(top, FieldList):  # its errors were collected before ours
                    top.errors = [e.errors for e in top.entries if e.errors]
        return valid
