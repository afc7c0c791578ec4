"""The base of every web form: Flask-WTF's form with one rule added for all text fields.

A NUL character (U+0000) is nothing anyone types, SQLite would store it and PostgreSQL
refuses it with a driver error; every form names the field instead, on both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, FieldList, FormField, StringField, widgets
from wtforms import Form as _Form
from wtforms.i18n import messages_path

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


def html_params(**kwargs) -> Markup:
    """WTForms' html_params (attributes sorted by name, True alone, False left out, values
    escaped and " as &quot;), written with f-strings: WTForms writes each attribute through
    Markup.format, Python's string.Formatter, ~25 µs for three attributes, here ~7. Every
    label, input and select calls it: ~27 times on the findings list's filter form."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = widgets.core.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            text = str(escape(value)).replace('"', "&quot;")
            params.append(f'{escape(key)}="{text}"')
    return Markup(" ".join(params))


# WTForms' widgets and labels look it up in these places when they render.
widgets.core.html_params = widgets.html_params = html_params
widgets.core.Input.html_params = widgets.core.Button.html_params = staticmethod(html_params)


class WrittenSelect:
    """A <select> whose options were written once, as HTML with none selected (see
    option_html), kept while what they list stays the same: this marks the field's value
    selected. A form of hundreds of options costs a string replace, not an object and an
    escape per option on every request."""

    def __init__(self, options: str):
        self.options = options

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        value = escape(field.data or "")
        html = self.options.replace(f'<option value="{value}">',
                                    f'<option selected value="{value}">', 1)
        return Markup(f"<select {widgets.html_params(name=field.name, **kwargs)}>{html}</select>")


def option_html(pairs) -> str:
    """(value, label) pairs as <option>s, none selected, for WrittenSelect."""
    return "".join(f'<option value="{escape(value)}">{escape(text)}</option>'
                   for value, text in pairs)


class _FastSelectMeta:
    def render_field(self, field, render_kw):
        if type(field.widget) is widgets.Select:
            field.widget = _FAST_SELECT[field.widget.multiple]
        return super().render_field(field, render_kw)


class Form(_Form):
    """A plain form (no CSRF): for GET filters that change nothing."""

    class Meta(_FastSelectMeta, _Form.Meta):
        pass


@cache
def _wtforms_catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("This field is required.") in the reader's language. Flask-WTF
    re-reads and parses WTForms' catalogue on every request; this parses it once."""

    def gettext(self, string):
        return _wtforms_catalog(str(get_locale())).ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WTFormsMessages()


class FlaskForm(_FlaskForm):
    class Meta(_FastSelectMeta, _FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _WTFORMS_MESSAGES

    def show_error(self, error, default: str) -> None:
        """An operation's DomainError shown on the field it names, else on `default`."""
        name = error.field if error.field in self else default
        self[name].errors.append(str(error.message))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for top in self:
            for field in _fields_with_nul([top]):
                field.errors = [*field.errors, str(NUL_MESSAGE)]
                valid = False
                if isinstance(top, FieldList):  # its errors were collected before ours
                    top.errors = [e.errors for e in top.entries if e.errors]
        return valid


class NumberField(StringField):
    """A number typed as text, for a form of one number per row (a target per district).

    Empty is None. Anything `parse` refuses (it raises ValueError) or outside
    [minimum, maximum] is refused with `message`, and the field shows again what was typed,
    as every field does, so the user corrects it rather than typing it again.
    """

    def __init__(self, label=None, validators=None, *, parse: Callable[[str], float],
                 message, minimum: float, maximum: float, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parse, self.message = parse, message
        self.minimum, self.maximum = minimum, maximum

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            value = self.parse(text)
        except ValueError:
            value = None
        if value is None or not self.minimum <= value <= self.maximum:  # also NaN
            self.data = None
            raise ValueError(str(self.message))
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(int(self.data)) if float(self.data).is_integer() else str(self.data)


def target_field_name(key: int) -> str:
    """The name of a target form's field for one row (a district, a measure type)."""
    return f"target-{key}"


def targets_form(base: type[FlaskForm], rows, **number) -> type[FlaskForm]:
    """`base` with one NumberField (`number` its rules) per (key, label, current) row,
    named `target-<key>` and showing `current` until posted: a form of one number per row."""

    class TargetsForm(base):
        pass

    for key, label, current in rows:
        setattr(TargetsForm, target_field_name(key), NumberField(label, default=current, **number))
    return TargetsForm


def posted_targets(form: FlaskForm, keys) -> dict:
    """What a targets form holds, by key."""
    return {key: form[target_field_name(key)].data for key in keys}
