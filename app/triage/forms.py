from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired

from app.forms import FlaskForm
from app.labels import choices, options
from app.models import DeclineReason, Severity

DECLINE_REASONS = {
    DeclineReason.NOT_OURS: _l("Not ours (the municipality or another owner)"),
    DeclineReason.FAULT_REPORT: _l("A fault report for customer service"),
    DeclineReason.ALREADY_FIXED: _l("Already fixed"),
    DeclineReason.UNCLEAR: _l("Cannot tell what or where"),
    DeclineReason.INAPPROPRIATE: _l("Abusive or not a report"),
    DeclineReason.WONT_FIX: _l("We will not change this"),
}


class AcceptForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    severity = SelectField(_l("Severity"), choices=choices(Severity),
                           default=Severity.MEDIUM.value, validators=[InputRequired()])


class MergeForm(FlaskForm):
    finding_id = IntegerField(_l("Finding"), validators=[InputRequired()])


class DeclineForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=options(
        (k.value, v) for k, v in DECLINE_REASONS.items()), validators=[InputRequired()])
