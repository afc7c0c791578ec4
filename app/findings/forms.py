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

from app.findings.schemas import (
    ACCURACY_MAX_M,
    DEFAULT_UNSAFE_RATING,
    DESCRIPTION_MAX,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    FindingInput,
    finding_input,
)
from app.forms import FlaskForm
from app.labels import UNSAFE_RATINGS, choices, options
from app.models import PlaceType, Severity, UnsafeFor


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FindingForm(FlaskForm):
    """The web form for a finding. Its limits come from app/findings/schemas.py, and its data
    goes through the same FindingInput the API validates with (`.input()`)."""

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
        _l("How unsafe does it feel?"), coerce=int, default=DEFAULT_UNSAFE_RATING,
        choices=options(UNSAFE_RATINGS.items()),
        validators=[InputRequired(_l("Rate how unsafe it feels."))],
    )
    unsafe_for = MultiCheckboxField(_l("Unsafe especially for"), choices=choices(UnsafeFor))
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )
    confidential = BooleanField(
        _l("Confidential (police-sensitive): only managers and you can see it")
    )
    building_id = SelectField(_l("Building"), coerce=int, default=0, validate_choice=False)
    latitude = FloatField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(*LATITUDE_RANGE)]
    )
    longitude = FloatField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(*LONGITUDE_RANGE)]
    )
    accuracy_m = FloatField(
        widget=HiddenInput(),
        validators=[
            Optional(),
            NumberRange(0, ACCURACY_MAX_M, _l(
                "The position's accuracy must be between 0 and %(max)d m.", max=ACCURACY_MAX_M
            )),
        ],
    )
    photos = MultipleFileField(_l("Photos"))

    def input(self) -> FindingInput:
        """The form's data as the schema's FindingInput (DomainError naming a bad field)."""
        return finding_input({name: self[name].data for name in FindingInput.model_fields})

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
