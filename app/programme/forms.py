from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm


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


class PlanForm(FlaskForm):
    """The CSRF token only: one number input per measure type, read by the view."""
