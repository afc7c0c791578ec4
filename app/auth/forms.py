from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField
from wtforms.validators import DataRequired

from app.forms import FlaskForm
from app.labels import options

LANGUAGE_CHOICES = [("sv", "Svenska"), ("en", "English")]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))


class LanguageForm(FlaskForm):
    lang = RadioField(choices=options(LANGUAGE_CHOICES))


class SettingsForm(FlaskForm):
    language = RadioField(_l("Language"), choices=options(LANGUAGE_CHOICES))
    notify_email = BooleanField(_l("E-mail me about assigned and overdue findings"))
