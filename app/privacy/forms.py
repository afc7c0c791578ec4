"""Input of the personal-data screens (/admin/people)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.validators import DataRequired, Length

from app.accounts.auth.forms import LANGUAGE_CHOICES
from app.forms import FlaskForm
from app.labels import options

PERSON_RULES = [DataRequired(message=_l("Give an e-mail address or a name.")),
                Length(min=2, max=254)]


class ExtractForm(FlaskForm):
    person = HiddenField(validators=PERSON_RULES)
    language = RadioField(_l("Language of the PDF"), choices=options(LANGUAGE_CHOICES),
                          default="sv")


class EraseForm(FlaskForm):
    person = HiddenField(validators=PERSON_RULES)
    confirm = BooleanField(
        _l("I have checked the list above: replace this person by the pseudonym."),
        validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))])
