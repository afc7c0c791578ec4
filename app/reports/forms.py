from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from app.forms import FlaskForm


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


class SurveyApplyForm(FlaskForm):
    """The preview's file (base64) and digest, sent back to import what the preview showed."""

    content = HiddenField(validators=[DataRequired()])
    digest = HiddenField(validators=[DataRequired()])
