"""The base of every web form: Flask-WTF's form with one rule added for all text fields.

A NUL character (U+0000) is nothing anyone types, SQLite would store it and PostgreSQL
refuses it with a driver error; every form names the field instead, on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from markupsafe import escape
from wtforms import Field, FieldList, FormField, widgets
from wtforms import Form as _Form

NUL_MESSAGE = _l("This contains a character that is not allowed (a NUL character).")


def _fields_with_nul(fields: Iterable[Field]) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _fields_with_nul(field.form)
        elif isinstance(field, FieldList):
            yield from _fields_with_nul(field.entries)
        elif any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
            yield field


class Select(widgets.Select):
    """WTForms' <select>, with the plain <option> written directly: the same HTML as
    WTForms writes, without its per-option attribute sorting and Markup.format, which took
    a third of the findings list's time (its filter form has ~600 options)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        text = escape(choice.label or choice.value)
        return f'<option {selected}value="{escape(value)}">{text}</option>'


_FAST_SELECT = {False: Select(), True: Select(multiple=True)}


class _FastSelectMeta:
    def render_field(self, field, render_kw):
        if type(field.widget) is widgets.Select:
            field.widget = _FAST_SELECT[field.widget.multiple]
        return super().render_field(field, render_kw)


class Form(_Form):
    """A plain form (no CSRF): for GET filters that change nothing."""

    class Meta(_FastSelectMeta, _Form.Meta):
        pass


class FlaskForm(_FlaskForm):
    class Meta(_FastSelectMeta, _FlaskForm.Meta):
        pass

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for top in self:
            for field in _fields_with_nul([top]):
                field.errors = [*field.errors, str(NUL_MESSAGE)]
                valid = False
                if isinstance(top, FieldList):  # its errors were collected before ours
                    top.errors = [e.errors for e in top.entries if e.errors]
        return valid
