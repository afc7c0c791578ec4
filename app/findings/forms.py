from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.forms import FlaskForm
from app.labels import UNSAFE_RATINGS, choices, options
from app.models import PlaceType, Severity, UnsafeFor


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FindingForm(FlaskForm):
    uuid = HiddenField()
    category_id = RadioField(
        _l("Category"), coerce=int, validators=[InputRequired(_l("Choose a category."))]
    )
    severity = RadioField(
        _l("Severity"), choices=choices(Severity), default=Severity.MEDIUM.value,
        validators=[InputRequired(_l("Choose a severity."))],
    )
    place_type = SelectField(_l("Type of place"), choices=choices(PlaceType), default="other")
    unsafe_rating = RadioField(
        _l("How unsafe does it feel?"), coerce=int, default=2,
        choices=options(UNSAFE_RATINGS.items()),
        validators=[InputRequired(_l("Rate how unsafe it feels."))],
    )
    unsafe_for = MultiCheckboxField(_l("Unsafe especially for"), choices=choices(UnsafeFor))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    confidential = BooleanField(
        _l("Confidential (police-sensitive): only managers and you can see it")
    )
    building_id = SelectField(_l("Building"), coerce=int, default=0, validate_choice=False)
    latitude = FloatField(widget=HiddenInput(), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(widget=HiddenInput(), validators=[Optional(), NumberRange(-180, 180)])
    accuracy_m = FloatField(widget=HiddenInput(), validators=[Optional(), NumberRange(0)])
    photos = MultipleFileField(_l("Photos"))
