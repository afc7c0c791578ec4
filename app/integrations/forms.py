from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, URLField, widgets
from wtforms.validators import DataRequired, Length

from app.forms import FlaskForm
from app.labels import choices
from app.models import ApiScope, WebhookEvent


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ApiKeyForm(FlaskForm):
    name = StringField(_l("Integration"), validators=[
        DataRequired(_l("Name the integration.")), Length(max=120)])
    scopes = CheckboxList(_l("Permissions"), choices=choices(ApiScope),
                          validators=[DataRequired(_l("Choose at least one permission."))])


class WebhookForm(FlaskForm):
    url = URLField(_l("Address (URL)"), validators=[
        DataRequired(_l("Give the address that receives the events.")), Length(max=500)])
    events = CheckboxList(_l("Events"), choices=choices(WebhookEvent),
                          validators=[DataRequired(_l("Choose at least one event."))])


class PrivateTargetsForm(FlaskForm):
    allow_private = BooleanField(_l("Allow addresses on this machine and internal networks"))


class ActionForm(FlaskForm):
    """A button that changes something (revoke, remove, send again): only the CSRF token."""
