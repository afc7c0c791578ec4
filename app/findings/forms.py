from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FileField,
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
    outbox_fields,
)
from app.forms import FlaskForm, Form
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

    @staticmethod
    def outbox_fields() -> list[dict]:
        """What the offline outbox reads from this form and sends: FindingInput's fields."""
        return outbox_fields()

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


class FindingFilterForm(Form):
    """The list's GET filters; choices are filled by the view. No CSRF: it changes nothing.
    The building is typed (an address or code; suggestions as one types), or a building's
    id in a link."""

    district = SelectField(_l("District"), validate_choice=False)
    building = StringField(_l("Building"), validators=[Optional(), Length(max=200)])
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
