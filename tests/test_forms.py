"""The project's form base renders <select> fields itself (faster); the HTML must be exactly
what WTForms writes, or labels, selections and scripts that read them would change."""

import importlib.util

import pytest
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from app.forms import FlaskForm, Form
from app.labels import options


class _Form(FlaskForm):
    class Meta:
        csrf = False

    plain = SelectField(choices=options([("", "All"), ("1", "Fittja <C>"),
                                         ("2", 'Say "hi" & go')]))
    numbers = SelectField(coerce=int, choices=options([(0, "— none —"), (5, "Five")]))
    flags = SelectField(choices=options([("True", "yes"), ("False", "no")]))
    lazy = SelectField(choices=options([("", _l("All")), ("x", "")]))
    extras = SelectField(choices=[SelectChoice("a", "A", render_kw={"disabled": True}),
                                  SelectChoice("b", "B")])
    many = SelectMultipleField(choices=options([("a", "A"), ("b", "B"), ("c", "C")]))


class _PlainForm(Form):
    plain = _Form.plain
    many = _Form.many


@pytest.mark.parametrize("form_class", [_Form, _PlainForm])
def test_select_html_is_exactly_wtforms(app, form_class):
    data = {"plain": "2", "numbers": "5", "flags": "False", "lazy": "x", "extras": "b",
            "many": ["a", "c"]}
    with app.test_request_context("/?" + "&".join(
            f"{k}={v}" for k, vs in data.items() for v in (vs if isinstance(vs, list) else [vs]))):
        from flask import request

        form = form_class(request.args)
        for field in form:
            original = widgets.Select(multiple=isinstance(field, SelectMultipleField))
            expected = str(original(field, class_="x", **{"aria-describedby": "e"}))
            assert str(field(class_="x", **{"aria-describedby": "e"})) == expected, field.name
            assert " selected " in expected or "selected value" in expected, field.name


def test_findings_filter_keeps_the_chosen_options(client, login, make):
    login("manager")
    page = client.get("/findings?status=open&severity=high").get_data(as_text=True)
    assert '<option selected value="open">' in page
    assert '<option selected value="high">' in page
    assert '<option value="low">' in page


@pytest.mark.parametrize("attributes", [
    {"name": "q", "id": "f-q", "type": "search", "placeholder": "Adress, text eller #nummer"},
    {"class_": "x y", "for_": "f", "data_x_y": 'a"b<>&\'', "aria_describedby": "z"},
    {"checked": True, "readonly": False, "value": Markup('<b>"q"</b>'), "size": 5,
     "min": 0, "step": 1.5, "title": None},
    {},
])
def test_html_params_are_what_wtforms_writes(attributes):
    from app.forms import html_params
    assert html_params is widgets.html_params is widgets.core.Input.html_params
    written = html_params(**attributes)
    assert type(written) is Markup and written == _wtforms_html_params(**attributes)


def _wtforms_html_params(**attributes):
    """WTForms' own html_params, from a fresh copy of its module (app.forms replaced it)."""
    spec = importlib.util.spec_from_file_location("_wtforms_widgets", widgets.core.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.html_params(**attributes)
