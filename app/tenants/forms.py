"""The tenant report form: every choice a big button with a default, so a report with a
photo takes a category, the photo and Send (≤ 5 taps)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FloatField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.forms import FlaskForm
from app.labels import options
from app.models import DeclineReason, TenantPlace, TimeOfDay

DESCRIPTION_MAX = 1000

PLACE_WORDS = {
    TenantPlace.ENTRANCE: _l("Entrance"),
    TenantPlace.STAIRWELL: _l("Stairs and floors"),
    TenantPlace.BASEMENT: _l("Basement or storage"),
    TenantPlace.COURTYARD: _l("Courtyard"),
    TenantPlace.OUTSIDE: _l("Outside the building"),
}
TIME_WORDS = {
    TimeOfDay.DAY: _l("Day"),
    TimeOfDay.EVENING: _l("Evening"),
    TimeOfDay.NIGHT: _l("Night"),
}
# The categories Trygg starts with (findings/operations/catalog.py), in plain words in every
# tenant language; a category an admin adds later shows its Swedish or English name.
CATEGORY_WORDS = {
    "lighting": _l("Lighting"),
    "vegetation": _l("Bushes and trees"),
    "graffiti": _l("Graffiti or damage"),
    "doors_locks": _l("Doors and locks"),
    "litter": _l("Litter"),
    "fire_safety": _l("Fire risk"),
    "stairwell": _l("Stairwell or shared room"),
    "traffic": _l("Traffic and paths"),
    "playground": _l("Playground or yard"),
    "other": _l("Something else"),
}


class ReportForm(FlaskForm):
    category = RadioField(_l("What is it about?"), coerce=int,
                          validators=[InputRequired(_l("Choose what it is about."))])
    photo = FileField(_l("Photo (optional)"))
    place = RadioField(_l("Where?"), choices=options((k.value, v) for k, v in PLACE_WORDS.items()),
                       default=TenantPlace.ENTRANCE.value,
                       validators=[InputRequired(_l("Choose where."))])
    time_of_day = RadioField(_l("When does it feel unsafe?"),
                             choices=options((k.value, v) for k, v in TIME_WORDS.items()),
                             validators=[InputRequired(_l("Choose when."))])
    # Filled by "Use my position" (static/js/tenant-report.js); optional.
    latitude = FloatField(widget=HiddenField.widget,
                          validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(widget=HiddenField.widget,
                           validators=[Optional(), NumberRange(-180, 180)])
    description = TextAreaField(
        _l("Tell us more (optional)"),
        validators=[Optional(), Length(max=DESCRIPTION_MAX,
                                       message=_l("At most %(max)d characters."))])
    contact_email = StringField(
        _l("E-mail"), validators=[Optional(), Length(max=254), Regexp(
            r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give a whole e-mail address."))])
    contact_phone = StringField(
        _l("Phone"), validators=[Optional(), Regexp(
            r"^\+?[0-9][0-9 ()-]{5,22}$", message=_l("Give a phone number with digits only."))])
    # A field people never see: only robots fill it in.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])


class AnswerForm(FlaskForm):
    """"Is it fixed?" on the status page: yes closes the report, no reopens it."""

    answer = RadioField(_l("Is it fixed?"), choices=options([("yes", _l("Yes")), ("no", _l("No"))]),
                        validators=[InputRequired(_l("Answer yes or no."))])
    note = TextAreaField(_l("What is still wrong?"),
                         validators=[Optional(), Length(max=DESCRIPTION_MAX)])


# Why a report was declined, as the tenant reads it on the status page.
DECLINE_WORDS = {
    DeclineReason.NOT_OURS: _l(
        "Someone else is responsible for this place, for example the municipality."),
    DeclineReason.FAULT_REPORT: _l(
        "This is a fault to report to customer service in the usual way."),
    DeclineReason.ALREADY_FIXED: _l("It was already fixed when we checked."),
    DeclineReason.UNCLEAR: _l("We could not understand what or where it is."),
    DeclineReason.INAPPROPRIATE: _l("The report did not follow the rules for reports."),
    DeclineReason.WONT_FIX: _l("We have decided not to change this."),
}
