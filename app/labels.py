"""Translated labels for the enums, so templates and forms show words, not codes."""

from functools import lru_cache

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.models import (
    ApiScope,
    DeliveryStatus,
    FindingStatus,
    LightCondition,
    ParticipantRole,
    PlaceType,
    Role,
    Severity,
    UnsafeFor,
    WalkStatus,
    WebhookEvent,
)

LABELS = {
    ApiScope: {
        ApiScope.READ_FINDINGS: _l("Read findings"),
        ApiScope.CREATE_FINDINGS: _l("Create findings"),
        ApiScope.OPEN311: _l("Open311"),
        ApiScope.SITUATION_FEED: _l("Situation feed"),
    },
    WebhookEvent: {
        WebhookEvent.FINDING_CREATED: _l("Finding created"),
        WebhookEvent.FINDING_ASSIGNED: _l("Finding assigned"),
        WebhookEvent.FINDING_STATUS_CHANGED: _l("Finding status changed"),
        WebhookEvent.FINDING_VERIFIED: _l("Finding verified"),
        WebhookEvent.WALK_COMPLETED: _l("Walk completed"),
    },
    DeliveryStatus: {
        DeliveryStatus.PENDING: _l("Waiting"),
        DeliveryStatus.DELIVERED: _l("Delivered"),
        DeliveryStatus.FAILED: _l("Failed"),
    },
    WalkStatus: {
        WalkStatus.PLANNED: _l("Planned"),
        WalkStatus.IN_PROGRESS: _l("In progress"),
        WalkStatus.COMPLETED: _l("Completed"),
        WalkStatus.CANCELLED: _l("Cancelled"),
    },
    LightCondition: {
        LightCondition.DAYLIGHT: _l("Daylight"),
        LightCondition.DARK: _l("Evening / dark"),
    },
    ParticipantRole: {
        ParticipantRole.STAFF: _l("Staff"),
        ParticipantRole.TENANT: _l("Tenant"),
        ParticipantRole.POLICE: _l("Police"),
        ParticipantRole.MUNICIPALITY: _l("Municipality"),
        ParticipantRole.OTHER: _l("Other"),
    },
    PlaceType: {
        PlaceType.ENTRANCE: _l("Entrance"),
        PlaceType.STAIRWELL: _l("Stairwell"),
        PlaceType.BASEMENT: _l("Basement"),
        PlaceType.STORAGE: _l("Storage room"),
        PlaceType.LAUNDRY: _l("Laundry room"),
        PlaceType.GARAGE: _l("Garage"),
        PlaceType.COURTYARD: _l("Courtyard"),
        PlaceType.PLAYGROUND: _l("Playground"),
        PlaceType.PATH: _l("Path / street"),
        PlaceType.PARKING: _l("Parking"),
        PlaceType.OTHER: _l("Other"),
    },
    Severity: {
        Severity.LOW: _l("Low"),
        Severity.MEDIUM: _l("Medium"),
        Severity.HIGH: _l("High"),
        Severity.URGENT: _l("Urgent"),
    },
    UnsafeFor: {
        UnsafeFor.CHILDREN: _l("Children"),
        UnsafeFor.ELDERLY: _l("Elderly"),
        UnsafeFor.WOMEN: _l("Women"),
        UnsafeFor.DISABILITIES: _l("People with disabilities"),
        UnsafeFor.EVERYONE: _l("Everyone"),
    },
    FindingStatus: {
        FindingStatus.NEW: _l("New"),
        FindingStatus.ACKNOWLEDGED: _l("Acknowledged"),
        FindingStatus.ASSIGNED: _l("Assigned"),
        FindingStatus.IN_PROGRESS: _l("In progress"),
        FindingStatus.FIXED: _l("Fixed"),
        FindingStatus.VERIFIED: _l("Verified"),
        FindingStatus.WONT_FIX: _l("Won't fix"),
        FindingStatus.NOT_OURS: _l("Not ours"),
        FindingStatus.DUPLICATE: _l("Duplicate"),
    },
    Role: {
        Role.WALKER: _l("Walker"),
        Role.FIXER: _l("Fixer"),
        Role.MANAGER: _l("Manager"),
        Role.ADMIN: _l("Administrator"),
    },
}

# Marker and legend colours per status (the map's one source).
STATUS_COLOURS = {
    "new": "#1565c0",
    "acknowledged": "#6a1b9a",
    "assigned": "#ef6c00",
    "in_progress": "#f9a825",
    "fixed": "#2e7d32",
    "verified": "#1b5e20",
    "wont_fix": "#616161",
    "not_ours": "#8d6e63",
    "duplicate": "#9e9e9e",
}

UNSAFE_RATINGS = {
    1: _l("1 – A little unsafe"),
    2: _l("2 – Quite unsafe"),
    3: _l("3 – Very unsafe"),
}


def label(value) -> str:
    """The translated word for an enum member (or its value, if unknown)."""
    locale = get_locale()
    if locale is None:  # no app context: nothing to translate with, nothing to remember
        return _word(value)
    try:
        return _label(value, str(locale))
    except TypeError:  # unhashable: not an enum member
        return str(value)


@lru_cache(maxsize=2048, typed=True)  # typed: WalkStatus and FindingStatus share values
def _label(value, locale: str) -> str:
    """Per language, as the catalogues do not change while the app runs (a list page asks
    for the same few words a hundred times)."""
    return _word(value)


def _word(value) -> str:
    for enum_cls, names in LABELS.items():
        if isinstance(value, enum_cls):
            return str(names[value])
    return str(value)


def options(pairs) -> list[SelectChoice]:
    """Choices for a SelectField/RadioField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def choices(enum_cls) -> list[SelectChoice]:
    return options((member.value, names) for member, names in LABELS[enum_cls].items())
