"""The API's schemas, declared once: spectree validates requests and responses with them and
writes /api/v1/openapi.json from them (app/api/spec.py). A finding's own input rules live in
app/findings/schemas.py (FindingInput), shared with the web form."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
)

from app.findings.schemas import LATITUDE_RANGE, LONGITUDE_RANGE, FindingInput
from app.models import WalkStatus

# The stable codes of the API error contract (docs/operations.md, "API errors"; app/errors.py).
ErrorCode = Literal[
    "malformed_json", "csrf", "unauthenticated", "forbidden", "not_found",
    "method_not_allowed", "conflict", "too_large", "invalid", "photo_rejected",
    "rate_limited", "busy", "server_error",
]
NEAREST_RADIUS_MAX_M = 5000
NEAREST_LIMIT_MAX = 50


class Error(BaseModel):
    """Every error. Clients decide by `code`; `error` repeats it for older clients; `field`
    names the input at fault, if one is."""

    code: ErrorCode = Field(description="A stable code: what a client decides by.")
    error: ErrorCode = Field(description="The same as code (old clients).")
    message: str
    field: str | None
    reason: str | None = Field(
        None,
        description="With code photo_rejected: why the photo was refused (unsupported, "
        "too_large, too_many_pixels, truncated). The finding stays saved.",
    )


# --- requests ---------------------------------------------------------------------------


# A UUID as RFC 9562 writes it: 8-4-4-4-12 hex digits (either case; answered in lower case).
# Braces, "urn:uuid:", no hyphens or "" are refused (422), not rewritten into another id.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_CANONICAL_UUID = re.compile(UUID_PATTERN)


def canonical_uuid(value: Any) -> bool:
    return isinstance(value, str) and _CANONICAL_UUID.match(value) is not None


class NewFinding(FindingInput):
    """A finding as the phone sends it: the finding's fields, plus the client's id for it
    and when it was captured. A field not named here is refused (422 naming it), not
    dropped."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    uuid: UUID | None = Field(
        None,
        description="Made by the client (8-4-4-4-12 hex digits; null or left out: the server "
        "makes one); sending it again returns the same finding (200) instead of a new one "
        "(201). An empty string, braces or another spelling is refused (422).",
        json_schema_extra={"pattern": UUID_PATTERN},
    )
    captured_at: datetime | None = Field(
        None,
        description="When the phone captured it (ISO 8601; without a zone: UTC). A finding "
        "captured while the walk was in progress is accepted for a while after someone "
        "completed it. An empty string is refused (422).",
    )

    @field_validator("uuid", mode="before")
    @classmethod
    def _uuid_text(cls, value: Any) -> Any:
        if value is not None and not canonical_uuid(value):
            raise ValueError("Send a UUID.")
        return value

    @field_validator("captured_at", mode="before")
    @classmethod
    def _time_text(cls, value: Any) -> Any:
        if value is not None and (not isinstance(value, str) or not value):
            raise ValueError("Send a date and time.")
        return value


class WalkQuery(BaseModel):
    status: WalkStatus | None = None


class NearQuery(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    lat: float = Field(ge=LATITUDE_RANGE[0], le=LATITUDE_RANGE[1])
    lon: float = Field(ge=LONGITUDE_RANGE[0], le=LONGITUDE_RANGE[1])
    radius: float | None = Field(None, gt=0, le=NEAREST_RADIUS_MAX_M,
                                 description="Metres; the server's default without it.")
    limit: int | None = Field(None, ge=1, le=NEAREST_LIMIT_MAX)


class PhotoUpload(BaseModel):
    """The multipart body. The view checks it against this model itself (spectree reads no
    file parts): a part not named here, a second `photo`, a part sent twice or a value of
    the wrong kind is refused (422 naming it), not dropped."""

    model_config = ConfigDict(extra="forbid")

    photo: bytes = Field(description="JPEG, PNG, WebP or HEIC; one per request",
                         json_schema_extra={"format": "binary"})
    client_uuid: UUID | None = Field(
        None,
        description="Made by the client (8-4-4-4-12 hex digits); the same again answers the "
        "same photo (200). Left out: no replay protection. Empty, braced or another "
        "spelling: refused (422).",
        json_schema_extra={"pattern": UUID_PATTERN},
    )
    # The EXIF values must be what they say (a number, a short text: else 422 naming the
    # field, as everywhere in the API); a number outside its range, or a time no clock could
    # show, is ignored rather than refusing the photo: the photo matters more than its EXIF.
    exif_latitude: float | None = Field(
        None,
        description="GPSLatitude from the photo's EXIF, read on the phone before it was "
        "downscaled (the copy sent has no EXIF). Used when the photo itself carries no GPS. "
        "Send with exif_longitude. Not a number: refused (422); ignored unless between -90 "
        "and 90.",
    )
    exif_longitude: float | None = Field(
        None, description="GPSLongitude from the EXIF, as above; ignored unless between -180 "
        "and 180.",
    )
    exif_direction: float | None = Field(
        None,
        description="GPSImgDirection: where the camera pointed, degrees clockwise from north; "
        "not a number: refused (422); ignored unless between 0 and 360.",
    )
    exif_taken_at: str | None = Field(
        None, max_length=40, examples=["2026:12:01 17:05:12"],
        description="DateTimeOriginal as written in the EXIF (YYYY:MM:DD HH:MM:SS, the "
        "camera's local time); ISO 8601 is accepted too. A time that cannot be is ignored.",
    )
    exif_offset: str | None = Field(
        None, max_length=10, examples=["+01:00"],
        description="OffsetTimeOriginal; without it the time is read as Swedish local time.",
    )


# --- responses --------------------------------------------------------------------------

Count = Annotated[int, Field(ge=0)]


class CsrfToken(BaseModel):
    csrf_token: str
    user_id: int = Field(description="The logged-in user's id")


class Walk(BaseModel):
    id: int
    title: str
    status: WalkStatus
    district_id: int
    district: str
    planned_start: datetime
    started_at: datetime | None
    completed_at: datetime | None
    light_condition: str
    url: str
    can_add_finding: bool
    finding_count: Count | None = None


class WalkList(BaseModel):
    walks: list[Walk] = Field(description="Walks, the ones in progress first")


class Photo(BaseModel):
    id: int
    client_uuid: UUID | None
    width: int
    height: int
    bytes: int
    url: str
    thumb_url: str


class Internal(BaseModel):
    """Only for managers, admins and the assigned fixer."""

    assignee_id: int | None
    assignee: str | None
    responsible_party: str
    planned_action: str
    assignment_note: str


class Finding(FindingInput):
    """A finding as the API answers it: FindingInput's fields as stored, and what the server
    adds. A field added to FindingInput is answered too (app/api/routes.py copies them)."""

    id: int
    uuid: UUID
    walk_id: int
    category: str
    building: str | None
    status: str
    created_at: datetime
    url: str
    photos: list[Photo]
    internal: Internal | None = None


class WalkWithFindings(Walk):
    findings: list[Finding]


class Building(BaseModel):
    id: int
    code: str
    address: str
    label: str
    district_id: int
    latitude: float | None
    longitude: float | None
    distance_m: float | None = None


class BuildingList(BaseModel):
    buildings: list[Building]


class DistrictBuildings(BuildingList):
    district_id: int


class Category(BaseModel):
    id: int
    slug: str
    name: str
    icon: StrictStr | None


class CategoryList(BaseModel):
    categories: list[Category]


class OpenApiDocument(BaseModel):
    model_config = ConfigDict(extra="allow")
    openapi: str

