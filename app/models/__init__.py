"""The domain model, one module per part, re-exported here."""

from app.models.accounts import AccountToken, AppSetting, AuditEntry, UserSession
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
    PositionSource,
    Priority,
    Severity,
    SurveyResult,
    UnsafeFor,
    WalkTarget,
)
from app.models.jobs import ExportJob, ExportStatus
from app.models.places import Building, District
from app.models.programme import DistrictPlan, Measure, MeasureType, PlanTarget
from app.models.rollups import FindingFact, FindingRollup, FixRollup, RollupState
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
    "AccountToken",
    "AppSetting",
    "AuditEntry",
    "UserSession",
    "DONE_STATUSES",
    "OPEN_STATUSES",
    "Building",
    "Category",
    "Comment",
    "District",
    "DistrictPlan",
    "ExportJob",
    "ExportStatus",
    "Finding",
    "FindingFact",
    "FindingRollup",
    "FindingEvent",
    "FindingStatus",
    "FixRollup",
    "PositionSource",
    "FollowUpItem",
    "FollowUpOutcome",
    "LightCondition",
    "Measure",
    "MeasureType",
    "OutboxMail",
    "ParticipantRole",
    "Photo",
    "PhotoKind",
    "PlaceType",
    "PlanTarget",
    "Priority",
    "Role",
    "RollupState",
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
