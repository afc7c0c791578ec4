from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, NumberField, targets_form
from app.places.buildings import parse_number


class MeasureTypeForm(FlaskForm):
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])
    unit_sv = StringField(_l("Unit in Swedish"), validators=[DataRequired(), Length(max=40)])
    unit_en = StringField(_l("Unit in English"), validators=[DataRequired(), Length(max=40)])


class MeasureForm(FlaskForm):
    type_id = SelectField(_l("Measure"), coerce=int,
                          validators=[DataRequired(_l("Choose a measure."))])
    district_id = SelectField(_l("District"), coerce=int,
                              validators=[DataRequired(_l("Choose a district."))])
    done_on = DateField(_l("Date"), validators=[InputRequired(_l("Give a date."))])
    # DecimalField with places=None accepts what the browser's number input sends.
    amount = DecimalField(_l("Amount"), places=None, validators=[
        InputRequired(_l("Give an amount.")), NumberRange(min=0.01, max=1_000_000)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class MeasureImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class ConfirmForm(FlaskForm):
    """The CSRF token only: for a button that posts (remove, turn on or off)."""


class _SurveyGoalForm(FlaskForm):
    # Labelled in the template, where gettext makes "%%" one sign.
    survey_goal = NumberField(
        parse=parse_number,
        message=_l("A share is a percentage from 0 to 100."), minimum=0, maximum=100,
    )


def plan_form(types, labels: dict[int, str], current: dict[int, float | None],
              goal: float | None, **kwargs) -> FlaskForm:
    """A district's yearly plan: one target per measure type (`target-<id>`, a number as
    Swedish spreadsheets write it too: 12,5) and the survey goal, showing `current` until
    posted."""
    form_class = targets_form(
        _SurveyGoalForm, ((t.id, labels[t.id], current.get(t.id)) for t in types),
        parse=parse_number, minimum=0, maximum=float("inf"),
        message=_l("A number, or empty for no target."),
    )
    return form_class(survey_goal=goal, **kwargs)
