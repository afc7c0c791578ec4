"""A finding's input rules, declared once.

`FindingInput` is what a walker enters for a finding. The JSON API validates request bodies
with it (and it writes the API's OpenAPI schema), the web form's data passes through it
(app/findings/forms.py uses the same limits), and the domain operation that creates or
updates a finding takes it. Rules that need the database (the category is active, the
building exists) stay in the operation.

To add a field: the model, a migration, a field here, and one in FindingForm (named alike).
Nothing in JavaScript: the capture form carries `outbox_fields()` (this schema's fields and
how to read each from the form), and the offline outbox sends exactly those.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.errors import DomainError
from app.models import PlaceType, Severity, UnsafeFor
from app.models.types import MAX_ID

DESCRIPTION_MAX = 5000
LATITUDE_RANGE = (-90.0, 90.0)
LONGITUDE_RANGE = (-180.0, 180.0)
# A phone's fix is never worse than this; a larger value is a broken client.
ACCURACY_MAX_M = 100_000
UNSAFE_RATINGS = (1, 2, 3)
DEFAULT_UNSAFE_RATING = 2

Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


class FindingInput(BaseModel):
    """What a walker enters for a finding; the same for the web form and the API."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    category_id: Id
    severity: Severity = Severity.MEDIUM
    place_type: PlaceType = PlaceType.OTHER
    unsafe_rating: Literal[UNSAFE_RATINGS] = DEFAULT_UNSAFE_RATING  # type: ignore[valid-type]
    unsafe_for: list[UnsafeFor] = Field(default_factory=list)
    description: StrictStr = Field("", max_length=DESCRIPTION_MAX)
    confidential: StrictBool = False
    building_id: Annotated[StrictInt, Field(ge=0, le=MAX_ID)] | None = Field(
        None, description="0 or null: not at a building."
    )
    latitude: Annotated[StrictFloat, Field(ge=LATITUDE_RANGE[0], le=LATITUDE_RANGE[1])] | None = (
        None
    )
    longitude: (
        Annotated[StrictFloat, Field(ge=LONGITUDE_RANGE[0], le=LONGITUDE_RANGE[1])] | None
    ) = None
    accuracy_m: Annotated[StrictFloat, Field(ge=0, lt=ACCURACY_MAX_M)] | None = Field(
        None, description="The phone's accuracy; ignored without a position."
    )

    @field_validator("unsafe_rating", mode="before")
    @classmethod
    def _not_a_bool(cls, value: Any) -> Any:
        # JSON true is not the number 1.
        if isinstance(value, bool):
            raise PydanticCustomError("int_type", "Input should be a valid integer")
        return value

    @field_validator("unsafe_for")
    @classmethod
    def _each_once(cls, value: list[UnsafeFor]) -> list[UnsafeFor]:
        return sorted(set(value))

    @field_validator("building_id")
    @classmethod
    def _zero_is_none(cls, value: int | None) -> int | None:
        return value or None

    @field_validator("description")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _position(self) -> FindingInput:
        if (self.latitude is None) != (self.longitude is None):
            raise PydanticCustomError("position_pair", "Send both latitude and longitude")
        if self.latitude is None:
            self.accuracy_m = None
        return self


JSON_KINDS = ("integer", "number", "boolean", "string", "array")


def _kind(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """How the client reads a field from the form: its JSON type (of the non-null choice)."""
    choices = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    chosen = choices[0] if len(choices) == 1 else {}
    if "$ref" in chosen:
        chosen = defs[chosen["$ref"].rsplit("/", 1)[1]]
    kind = chosen.get("type")
    return {"array": "list"}.get(kind, kind) if kind in JSON_KINDS else "string"


@cache  # the schema is fixed at import; building it took ~1.1 ms per capture form shown
def outbox_fields() -> list[dict[str, Any]]:
    """FindingInput's fields as the offline outbox reads them from the capture form and
    sends them (static/js/outbox/form.js): name, kind (integer, number, boolean, string, or
    list of `items`) and the value an empty control sends (the schema's default, or null).
    One list shared by every caller: read it, never change it."""
    schema = FindingInput.model_json_schema()
    defs = schema.get("$defs", {})
    fields = []
    for name, prop in schema["properties"].items():
        kind = _kind(prop, defs)
        default = prop.get("default", [] if kind == "list" else None)
        field = {"name": name, "kind": kind, "default": default}
        if kind == "list":
            field["items"] = _kind(prop.get("items", {}), defs)
        fields.append(field)
    return fields


# The message a person reads for a bad field (the library's own texts are English only).
MESSAGES = {
    "category_id": _l("Choose a category."),
    "severity": _l("Choose a severity."),
    "place_type": _l("Choose a type of place."),
    "unsafe_rating": _l("Rate how unsafe it feels from 1 to 3."),
    "unsafe_for": _l("Unknown group in “unsafe for”."),
    "description": _l("The description is too long."),
    "confidential": _l("Send true or false."),
    "building_id": _l("That building does not exist."),
    "latitude": _l("The position is not valid."),
    "longitude": _l("The position is not valid."),
    "accuracy_m": _l(
        "The position's accuracy must be between 0 and %(max)d m.", max=ACCURACY_MAX_M
    ),
    "uuid": _l("Send a UUID."),
    "captured_at": _l("Send a date and time."),
}
# Errors of the whole object, and the field they belong to.
ERROR_FIELDS = {"position_pair": "latitude"}
TYPE_MESSAGES = {
    "string_type": _l("Send text."),
    "extra_forbidden": _l("This field is not part of the API (see /api/v1/openapi.json)."),
    "position_pair": _l("Send both latitude and longitude, or neither."),
}


def first_error(error: ValidationError) -> tuple[str | None, str]:
    """(field, message) for the first thing wrong, in the user's language."""
    detail = error.errors(include_url=False)[0]
    location = [part for part in detail["loc"] if isinstance(part, str)]
    field = location[0] if location else ERROR_FIELDS.get(detail["type"])
    message = TYPE_MESSAGES.get(detail["type"]) or MESSAGES.get(field or "")
    if message is None:
        message = f"{field or 'body'}: {detail['msg']}"
    return field, str(message)


def finding_input(values: dict[str, Any]) -> FindingInput:
    """`values` as a FindingInput, or DomainError naming the first bad field (for forms)."""
    try:
        return FindingInput.model_validate(
            {name: value for name, value in values.items() if value is not None}
        )
    except ValidationError as error:
        field, message = first_error(error)
        raise DomainError(message, field=field) from None
