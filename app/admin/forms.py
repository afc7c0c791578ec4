from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from app.forms import FlaskForm


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
