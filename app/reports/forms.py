from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm
from app.labels import options


class SurveyResultForm(FlaskForm):
    district_id = SelectField(_l("District"), coerce=int, validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(1990, 2100)])
    respondents = IntegerField(
        _l("Respondents"), validators=[InputRequired(), NumberRange(min=1)]
    )
    safe_share = FloatField(
        _l("Feel very or fairly safe (%)"), validators=[InputRequired(), NumberRange(0, 100)]
    )
    evening_safe_share = FloatField(
        _l("Feel safe in the evening (%)"), validators=[Optional(), NumberRange(0, 100)]
    )
    stairwell_safe_share = FloatField(
        _l("Feel safe in the stairwell (%)"), validators=[Optional(), NumberRange(0, 100)]
    )
    outdoor_safe_share = FloatField(
        _l("Feel safe outdoors in the area (%)"), validators=[Optional(), NumberRange(0, 100)]
    )


class SurveyImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class FollowUpForm(FlaskForm):
    planned_date = DateField(_l("Date"), validators=[DataRequired()])
    planned_time = TimeField(_l("Start time"), validators=[DataRequired()])


class CheckItemForm(FlaskForm):
    outcome = RadioField(
        _l("Result"),
        choices=options([("fixed", _l("Fixed")), ("not_fixed", _l("Not fixed"))]),
        validators=[InputRequired(_l("Choose fixed or not fixed."))],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("Photo now (after)"))


class TargetsForm(FlaskForm):
    """Only the CSRF token: the targets are one number input per district."""
