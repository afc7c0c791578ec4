from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
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


class CategoryForm(FlaskForm):
    slug = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z0-9_-]+$", message=_l("Use lower-case letters, digits, - and _.")),
        ],
    )
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])
    icon = StringField(_l("Icon (an emoji)"), validators=[DataRequired(), Length(max=16)])
    position = IntegerField(_l("Order"), default=0, validators=[NumberRange(0, 1000)])
    active = BooleanField(_l("In use"), default=True)
