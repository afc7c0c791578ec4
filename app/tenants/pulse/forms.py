from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.afterwalk import labels  # noqa: F401  (the words for TimeOfDay)
from app.forms import FlaskForm
from app.labels import choices
from app.models import TimeOfDay


class PulseForm(FlaskForm):
    # Sent by the button tapped: one tap answers.
    score = IntegerField(_l("How safe do you feel here right now?"), validators=[
        InputRequired(_l("Choose a number from 1 to 5.")),
        NumberRange(1, 5, _l("Choose a number from 1 to 5."))])
    time_of_day = RadioField(_l("It is now"), choices=choices(TimeOfDay),
                             validators=[InputRequired(_l("Choose when."))])
    # A field people never see: only robots fill it in.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])
