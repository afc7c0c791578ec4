from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import FlaskForm
from app.labels import choices
from app.models import ParticipantRole

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give a whole e-mail address."))
PHONE = Regexp(r"^\+?[0-9 ()-]{5,30}$", message=_l("Give a phone number: digits, spaces, "
                                                    "a leading +."))


class InvitationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the person's name.")),
                                               Length(max=120)])
    role = SelectField(_l("Role"), choices=choices(ParticipantRole), default="tenant")
    email = EmailField(_l("E-mail (optional)"),
                       validators=[Optional(), EMAIL, Length(max=254)])
    phone = TelField(_l("Phone (optional)"), validators=[Optional(), PHONE, Length(max=40)])
