"""Words for the programme pages and PDF: the survey questions and what a change means."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.template_helpers import number

QUESTIONS = [
    ("overall", _l("Overall safety")),
    ("evening", _l("Evenings and nights")),
    ("stairwell", _l("In the stairwell")),
    ("outdoors", _l("Outdoors in the area")),
]


def verdict(change) -> str:
    """The two-proportion test said in words."""
    if change is None or change.real is None:
        return ""
    return _("probably a real change") if change.real else _("within random variation")


def points(value) -> str:
    """A change in percentage points: "+7,2 procentenheter"."""
    if value is None:
        return "–"
    return _("%(num)s points", num=number(value, signed=True))


def amount(value) -> str:
    """A measure amount: whole numbers without decimals (3, 12,5)."""
    if value is None:
        return "–"
    return number(value, 0 if float(value).is_integer() else 1)
