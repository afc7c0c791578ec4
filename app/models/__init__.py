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
    Photo,
    PhotoKind,
    PlaceType,
    PositionSource,
    Priority,
    Severity,
    UnsafeFor,
)
from app.models.jobs import ExportJob, ExportStatus
from app.models.mail import OutboxMail
from app.models.places import Building, District
from app.models.programme import DistrictPlan, Measure, MeasureType, PlanTarget
from app.models.rollups import (
    BuildingRollup,
    DataVersion,
    FindingFact,
    FindingRollup,
    FixRollup,
    RecurringRollup,
    RollupState,
)
from app.models.surveys import SurveyResult
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
    WalkTarget,
)

__all__ = [
    "AccountToken",
    "AppSetting",
    "AuditEntry",
    "UserSession",
    "DONE_STATUSES",
    "OPEN_STATUSES",
    "Building",
    "BuildingRollup",
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
    "RecurringRollup",
    "Role",
    "RollupState",
    "DataVersion",
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
