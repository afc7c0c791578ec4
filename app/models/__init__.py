"""The domain model, one module per part, re-exported here."""

from app.models.findings import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Category,
    Comment,
    Finding,
    FindingEvent,
    FindingStatus,
    OutboxMail,
    Photo,
    PhotoKind,
    PlaceType,
    Priority,
    Severity,
    SurveyResult,
    UnsafeFor,
    WalkTarget,
)
from app.models.places import Building, District
from app.models.types import utcnow
from app.models.users import Role, User, user_districts
from app.models.walks import (
    FollowUpItem,
    FollowUpOutcome,
    LightCondition,
    ParticipantRole,
    Walk,
    WalkParticipant,
    WalkStatus,
)

__all__ = [
    "DONE_STATUSES",
    "OPEN_STATUSES",
    "Building",
    "Category",
    "Comment",
    "District",
    "Finding",
    "FindingEvent",
    "FindingStatus",
    "FollowUpItem",
    "FollowUpOutcome",
    "LightCondition",
    "OutboxMail",
    "ParticipantRole",
    "Photo",
    "PhotoKind",
    "PlaceType",
    "Priority",
    "Role",
    "Severity",
    "SurveyResult",
    "UnsafeFor",
    "User",
    "Walk",
    "WalkParticipant",
    "WalkStatus",
    "WalkTarget",
    "user_districts",
    "utcnow",
]
