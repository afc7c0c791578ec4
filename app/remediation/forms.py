from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FileField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import FlaskForm, Form
from app.labels import options


class FindingFilterForm(Form):
    """The list's GET filters; choices are filled by the view. No CSRF: it changes nothing."""

    district = SelectField(_l("District"), validate_choice=False)
    building = SelectField(_l("Building"), validate_choice=False)
    walk = SelectField(_l("Walk"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)
    severity = SelectField(_l("Severity"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    assignee = SelectField(_l("Assignee"), validate_choice=False)
    responsible = StringField(_l("Responsible party"), validators=[Optional(), Length(max=120)])
    overdue = BooleanField(_l("Only overdue"))
    confidential = SelectField(_l("Confidential"), validate_choice=False)
    date_from = DateField(_l("Reported from"), validators=[Optional()])
    date_to = DateField(_l("Reported until"), validators=[Optional()])
    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    sort = SelectField(_l("Sort"), validate_choice=False)


class AssignForm(FlaskForm):
    version = HiddenField()
    # The service checks the person (staff, active, may see the finding) and says why not.
    assignee_id = SelectField(_l("Assignee"), coerce=int, validate_choice=False,
                              validators=[DataRequired(_l("Choose who should fix it."))])
    priority_id = SelectField(_l("Priority"), coerce=int, default=0)
    due_date = DateField(_l("Due date"), validators=[Optional()])
    responsible_party = StringField(_l("Responsible party"),
                                    validators=[Optional(), Length(max=120)])
    planned_action = TextAreaField(_l("Planned action"), validators=[Optional(), Length(max=5000)])
    note = TextAreaField(_l("Note for the timeline"), id="assign-note",
                         validators=[Optional(), Length(max=2000)])


class TransitionForm(FlaskForm):
    version = HiddenField()
    to = SelectField(_l("New status"), validators=[InputRequired()], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    referred_to = SelectField(_l("Referred to"), default="", validate_choice=False)
    duplicate_of_id = IntegerField(_l("Duplicate of finding number"),
                                   validators=[Optional(), NumberRange(min=1)])
    # Ids and labels unique on the finding page, which shows several of these forms at once.
    note = TextAreaField(_l("Note on the status change"), id="status-note",
                         validators=[Optional(), Length(max=2000)])


class FixForm(FlaskForm):
    version = HiddenField()
    note = TextAreaField(_l("What was done?"), id="fix-note",
                         validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("Photo after the fix"), id="fix-photo")


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), id="comment-body",
                         validators=[DataRequired(_l("Write a comment.")), Length(max=5000)])
    photo = FileField(_l("Photo with the comment (optional)"), id="comment-photo")


class BulkForm(FlaskForm):
    ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(_l("Action"), choices=options([
        ("assign", _l("Assign")), ("status", _l("Change status")),
    ]), default="assign")
    # Labels and ids differ from the filter form's on the same page ("Assignee" there).
    assignee_id = SelectField(_l("Assign the selected to"), coerce=int, default=0,
                              id="bulk-assignee")
    priority_id = SelectField(_l("Priority of the selected"), coerce=int, default=0,
                              id="bulk-priority")
    due_date = DateField(_l("Due date of the selected"), validators=[Optional()],
                         id="bulk-due")
    to = SelectField(_l("New status of the selected"), default="", validate_choice=False,
                     id="bulk-to")
    reason = TextAreaField(_l("Reason / note"), validators=[Optional(), Length(max=2000)],
                           id="bulk-reason")
    next = HiddenField()


class PriorityForm(FlaskForm):
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])
    days = IntegerField(_l("Days to fix"), validators=[InputRequired(), NumberRange(0, 3650)])
    position = IntegerField(_l("Order"), default=0, validators=[NumberRange(0, 1000)])
