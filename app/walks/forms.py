from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import FlaskForm, targets_form
from app.labels import choices, options
from app.models import LightCondition, ParticipantRole


class ParticipantForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices(ParticipantRole), default="staff")


class WalkForm(FlaskForm):
    district_id = SelectField(_l("District"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    planned_date = DateField(_l("Date"), validators=[DataRequired()])
    planned_time = TimeField(_l("Start time"), validators=[DataRequired()])
    light_condition = RadioField(
        _l("Light"), choices=choices(LightCondition), default="daylight",
        validators=[DataRequired()],
    )
    leader_id = SelectField(_l("Leader"), coerce=int, default=0)
    meeting_point = StringField(_l("Meeting point"), validators=[Optional(), Length(max=200)])
    route = TextAreaField(_l("Route"), validators=[Optional(), Length(max=5000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    participants = FieldList(FormField(ParticipantForm), min_entries=6, max_entries=40)


class CompleteWalkForm(FlaskForm):
    notes = TextAreaField(_l("Notes for the protocol"), validators=[Optional(), Length(max=5000)])


class CancelWalkForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"), validators=[Optional(), Length(max=500)],
        render_kw={"rows": 3})


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


MAX_WALK_TARGET = 1000


def _whole(text: str) -> int:
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def walk_targets_form(districts, current: dict[int, int], **kwargs) -> FlaskForm:
    """One whole-number field per district (`target-<id>`), showing `current` until posted."""
    form_class = targets_form(
        FlaskForm, ((d.id, d.name, current.get(d.id)) for d in districts),
        parse=_whole, minimum=0, maximum=MAX_WALK_TARGET,
        message=_l("A whole number from 0 to 1000, or empty."),
    )
    return form_class(**kwargs)
