"""spectree binds the schemas of app/api/schemas.py to the views: it validates each request's
query and JSON body before the view runs, checks the view's answer against its documented
model, and writes the OpenAPI document (GET /api/v1/openapi.json) from the same objects.

Its validation errors are mapped onto the API error contract (app/errors.py): 422, code
`invalid`, the offending field's name and a message in the user's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree

from app.api.schemas import Error
from app.findings.schemas import MESSAGES, first_error

PREFIX = "/api/v1"


class InvalidInput(Exception):
    def __init__(self, field: str | None, message: str, status: int = 422, code: str = "invalid"):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status
        self.code = code


# Messages for the query parameters, in the user's language.
QUERY_MESSAGES = {
    "status": lambda: _("Unknown status."),
    "lat": lambda: _("The position is not valid."),
    "lon": lambda: _("The position is not valid."),
    "radius": lambda: _("The radius must be between 1 and 5000 m."),
    "limit": lambda: _("The limit must be between 1 and 50."),
}


def _reject(request, response, error: ValidationError | None, instance, *args) -> None:
    """spectree's `before` hook: a request that failed its schema becomes our 422."""
    if error is None:
        return
    field, message = first_error(error)
    if field in QUERY_MESSAGES and field not in MESSAGES:
        message = QUERY_MESSAGES[field]()
    raise InvalidInput(field, message)


class AnswerOffSchema(Exception):
    """A view answered something its documented schema does not allow: a bug, so a 500
    with the API's error body (and, under tests, a loud exception)."""


def _check_answer(request, response, error: ValidationError | None, instance, *args) -> None:
    """spectree's `after` hook."""
    if error is not None:
        raise AnswerOffSchema(f"{request.method} {request.path}: {error}")


spec = SpecTree(
    "flask",
    mode="strict",
    title="Trygg API",
    version="1.0.0",
    description=(
        "Safety walks: walks, findings and photos. Log in through the web app; the session "
        "cookie authenticates. POST requests need the CSRF token from GET /api/v1/csrf in the "
        "X-CSRFToken header. Creating findings and photos is idempotent by the client's UUID."
    ),
    security_schemes=[
        SecurityScheme(
            name="session",
            data=SecuritySchemeData(type="apiKey", field_in="cookie", name="session"),
        )
    ],
    security={"session": []},
    before=_reject,
    after=_check_answer,
    validation_error_model=Error,
    annotations=False,
    # Components named as the classes are (the default appends a hash of the module).
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda parent, child: child,
)

ERROR_DESCRIPTIONS = {
    400: "`malformed_json`: the body is not a JSON object (sent as application/json); "
    "`csrf`: the CSRF token is missing "
    "or wrong (fetch a fresh one from /csrf and retry once)",
    401: "`unauthenticated`: not logged in (checked before CSRF)",
    403: "`forbidden`: not allowed",
    404: "`not_found`: no such thing, or not visible to you",
    413: "`too_large`: the request is larger than the server takes",
    422: "`invalid`: a field is invalid (`field` names it); `photo_rejected`: the photo was "
    "refused (`reason` says why), the finding stays saved",
    503: "`busy`: the database was busy and nothing was saved; send the same request again "
    "after the seconds in the `Retry-After` header (its uuid makes it safe to repeat)",
}


def responses(errors: tuple[int, ...] = (401,), **ok: Any) -> Response:
    """The answers an operation documents: `ok` as spectree's HTTP_2xx, and errors."""
    return Response(**ok, **{f"HTTP_{code}": (Error, ERROR_DESCRIPTIONS[code])
                             for code in errors})


def document() -> dict:
    """The OpenAPI document, its paths relative to the server URL /api/v1."""
    generated = spec.spec
    doc = {**generated, "servers": [{"url": PREFIX}]}
    paths = {}
    for path, item in generated["paths"].items():
        operations = {}
        for method, operation in item.items():
            operation = {**operation}
            operation["responses"] = {
                **operation["responses"],
                "5XX": {
                    "description": "`server_error`: try again later",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}},
                },
            }
            operations[method] = operation
        paths[path.removeprefix(PREFIX)] = operations
    doc["paths"] = paths
    return doc
