from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, EqualTo, Length

from app.accounts.auth.forms import LANGUAGE_CHOICES
from app.forms import FlaskForm
from app.labels import choices, options
from app.models import Role


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices(Role))
    districts = CheckboxList(_l("Districts"), coerce=int)
    password_login = BooleanField(_l("May log in with a password"))


class InviteForm(UserForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    language = RadioField(_l("Language of the e-mail"), choices=options(LANGUAGE_CHOICES),
                          default="sv")


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class SecurityForm(FlaskForm):
    require_2fa = BooleanField(_l("Managers and admins must use two-factor login"))


class ActionForm(FlaskForm):
    """The CSRF token for one-button actions (deactivate, send reset link, …)."""
