from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.afterwalk import labels  # noqa: F401  (the words for OwnerKind, TimeOfDay)
from app.forms import FlaskForm
from app.labels import choices, options
from app.models import OwnerKind, TimeOfDay

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give a whole e-mail address."))


class OwnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the owner a name.")),
                                               Length(max=120)])
    kind = SelectField(_l("Kind"), choices=choices(OwnerKind), default="municipality")
    email = EmailField(_l("E-mail"), validators=[Optional(), EMAIL, Length(max=254)])


class AnswerForm(FlaskForm):
    owner_id = SelectField(_l("Owner"), coerce=int, default=0)
    action = TextAreaField(_l("Planned action"), validators=[Optional(), Length(max=2000)])
    due_date = DateField(_l("Done by"), validators=[Optional()])
    no_action = BooleanField(_l("No action"))
    reason = TextAreaField(_l("Why no action"), validators=[Optional(), Length(max=2000)])


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("The owner's answer"), validators=[Optional(), Length(max=4000)])


class FinishForm(FlaskForm):
    rewalk_date = DateField(_l("Re-walk on"), validators=[InputRequired(_l("Give a date."))])
    rewalk_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Give a time."))])


class PinForm(FlaskForm):
    building_id = SelectField(_l("Building"), coerce=int, default=0)
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    description = TextAreaField(_l("What feels unsafe here?"),
                                validators=[Optional(), Length(max=1000)])
    time_of_day = RadioField(_l("When"), choices=choices(TimeOfDay), default="evening",
                             validators=[InputRequired(_l("Choose when."))])
    # A field people never see: only robots fill it in.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])


class SeriesForm(FlaskForm):
    district_id = SelectField(_l("District"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    first_day = DateField(_l("First walk"), validators=[InputRequired(_l("Give a date."))])
    until = DateField(_l("Last day"), validators=[InputRequired(_l("Give a date."))])
    every_months = SelectField(_l("Repeat"), coerce=int, default=2, choices=options([
        (1, _l("Every month")), (2, _l("Every second month")), (3, _l("Every third month")),
        (6, _l("Every six months")), (12, _l("Once a year"))]))
    at = TimeField(_l("Start time"), validators=[InputRequired(_l("Give a time."))])
    winter_evening = TimeField(_l("In winter (October–March) in the evening at"),
                               validators=[Optional()])
    leader_id = SelectField(_l("Leader"), coerce=int, default=0)
