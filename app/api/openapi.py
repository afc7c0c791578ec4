"""The OpenAPI 3.1 description of /api/v1. tests/test_api_openapi.py keeps it and the
routes in step (every rule documented, nothing documented that does not exist)."""

from __future__ import annotations

from app.models import PlaceType, Severity, UnsafeFor, WalkStatus

NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: str) -> dict:
    table = {
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "413": {"$ref": "#/components/responses/TooLarge"},
        "422": {"$ref": "#/components/responses/Invalid"},
    }
    # Any operation may answer a server error, with the same error body.
    return {**{code: table[code] for code in codes},
            "5XX": {"$ref": "#/components/responses/ServerError"}}


# The stable codes of the API error contract (README, "API errors").
ERROR_CODES = [
    "malformed_json", "csrf", "unauthenticated", "forbidden", "not_found",
    "method_not_allowed", "conflict", "too_large", "invalid", "photo_rejected",
    "rate_limited", "server_error",
]


WALK_ID = {
    "name": "walk_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
FINDING_ID = {
    "name": "finding_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
CSRF_HEADER = {
    "name": "X-CSRFToken",
    "in": "header",
    "required": False,
    "description": "The token from GET /api/v1/csrf; required when CSRF protection is on.",
    "schema": {"type": "string"},
}


def _schemas() -> dict:
    return {
        "Error": {
            "type": "object",
            "required": ["code", "error", "message", "field"],
            "description": "Every error. Clients decide by `code`; `error` repeats it for "
            "older clients; `field` names the input at fault, if one is.",
            "properties": {
                "code": {"type": "string", "enum": ERROR_CODES,
                         "description": "A stable code: what a client decides by."},
                "error": {"type": "string", "enum": ERROR_CODES,
                          "description": "The same as code (old clients)."},
                "message": {"type": "string"},
                "field": NULLABLE_STRING,
                "reason": {
                    "type": "string",
                    "description": (
                        "With code photo_rejected: why the photo was refused (unsupported, "
                        "too_large, too_many_pixels, truncated). The finding stays saved."
                    ),
                },
            },
        },
        "Walk": {
            "type": "object",
            "required": ["id", "title", "status", "district_id", "planned_start"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "status": {"type": "string", "enum": [s.value for s in WalkStatus]},
                "district_id": {"type": "integer"},
                "district": {"type": "string"},
                "planned_start": {"type": "string", "format": "date-time"},
                "started_at": {**NULLABLE_STRING, "format": "date-time"},
                "completed_at": {**NULLABLE_STRING, "format": "date-time"},
                "light_condition": {"type": "string"},
                "url": {"type": "string"},
                "can_add_finding": {"type": "boolean"},
                "finding_count": {"type": "integer"},
            },
        },
        "WalkWithFindings": {
            "allOf": [
                _ref("Walk"),
                {
                    "type": "object",
                    "required": ["findings"],
                    "properties": {"findings": {"type": "array", "items": _ref("Finding")}},
                },
            ]
        },
        "Building": {
            "type": "object",
            "required": ["id", "code", "address", "latitude", "longitude"],
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "address": {"type": "string"},
                "label": {"type": "string"},
                "district_id": {"type": "integer"},
                "latitude": {"type": "number"},
                "longitude": {"type": "number"},
                "distance_m": {"type": "number"},
            },
        },
        "Category": {
            "type": "object",
            "required": ["id", "slug", "name"],
            "properties": {
                "id": {"type": "integer"},
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "icon": {"type": "string"},
            },
        },
        "Photo": {
            "type": "object",
            "required": ["id", "url", "thumb_url"],
            "properties": {
                "id": {"type": "integer"},
                "client_uuid": {**NULLABLE_STRING, "format": "uuid"},
                "width": {"type": "integer"},
                "height": {"type": "integer"},
                "bytes": {"type": "integer"},
                "url": {"type": "string"},
                "thumb_url": {"type": "string"},
            },
        },
        "NewFinding": {
            "type": "object",
            "required": ["category_id"],
            "properties": {
                "uuid": {
                    "type": "string",
                    "format": "uuid",
                    "description": "Made by the client; sending it again returns the same "
                    "finding (200) instead of a new one (201).",
                },
                "category_id": {"type": "integer"},
                "severity": {"type": "string", "enum": [s.value for s in Severity]},
                "place_type": {"type": "string", "enum": [p.value for p in PlaceType]},
                "unsafe_rating": {"type": "integer", "enum": [1, 2, 3]},
                "unsafe_for": {
                    "type": "array",
                    "items": {"type": "string", "enum": [u.value for u in UnsafeFor]},
                },
                "description": {"type": "string", "maxLength": 5000},
                "confidential": {"type": "boolean"},
                "building_id": {"type": ["integer", "null"]},
                "latitude": {**NULLABLE_NUMBER, "minimum": -90, "maximum": 90},
                "longitude": {**NULLABLE_NUMBER, "minimum": -180, "maximum": 180},
                "accuracy_m": {**NULLABLE_NUMBER, "minimum": 0},
                "captured_at": {
                    **NULLABLE_STRING,
                    "format": "date-time",
                    "description": "When the phone captured it. A finding captured while the "
                    "walk was in progress is accepted for a while after someone completed it.",
                },
            },
        },
        "Finding": {
            "type": "object",
            "required": ["id", "uuid", "walk_id", "category_id", "severity", "photos"],
            "properties": {
                "id": {"type": "integer"},
                "uuid": {"type": "string", "format": "uuid"},
                "walk_id": {"type": "integer"},
                "category_id": {"type": "integer"},
                "category": {"type": "string"},
                "severity": {"type": "string", "enum": [s.value for s in Severity]},
                "place_type": {"type": "string", "enum": [p.value for p in PlaceType]},
                "unsafe_rating": {"type": "integer"},
                "unsafe_for": {"type": "array", "items": {"type": "string"}},
                "description": {"type": "string"},
                "confidential": {"type": "boolean"},
                "building_id": {"type": ["integer", "null"]},
                "building": NULLABLE_STRING,
                "latitude": NULLABLE_NUMBER,
                "longitude": NULLABLE_NUMBER,
                "accuracy_m": NULLABLE_NUMBER,
                "status": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "url": {"type": "string"},
                "photos": {"type": "array", "items": _ref("Photo")},
                "internal": {
                    "type": "object",
                    "description": "Only for managers, admins and the assigned fixer.",
                    "properties": {
                        "assignee_id": {"type": ["integer", "null"]},
                        "assignee": NULLABLE_STRING,
                        "responsible_party": {"type": "string"},
                        "planned_action": {"type": "string"},
                        "assignment_note": {"type": "string"},
                    },
                },
            },
        },
    }


def _error_response(description: str) -> dict:
    return _json(_ref("Error"), description)


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Trygg API",
            "version": "1.0.0",
            "description": (
                "Safety walks: walks, findings and photos. Log in through the web app; the "
                "session cookie authenticates. POST requests need the CSRF token from "
                "GET /api/v1/csrf in the X-CSRFToken header. Creating findings and photos is "
                "idempotent by the client's UUID."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"session": []}],
        "paths": {
            "/csrf": {
                "get": {
                    "operationId": "getCsrfToken",
                    "summary": "A fresh CSRF token for the X-CSRFToken header",
                    "description": (
                        "Also names the logged-in user: the offline outbox sends only the "
                        "findings captured by this user and clears its cached pages when "
                        "the user changes."
                    ),
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["csrf_token", "user_id"],
                                "properties": {
                                    "csrf_token": {"type": "string"},
                                    "user_id": {
                                        "type": "integer",
                                        "description": "The logged-in user's id",
                                    },
                                },
                            },
                            "The token and the logged-in user",
                        ),
                        **_errors("401"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1 document")},
                }
            },
            "/walks": {
                "get": {
                    "operationId": "listMyWalks",
                    "summary": "My walks: the ones I lead or that are in my districts",
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": [s.value for s in WalkStatus]},
                        }
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["walks"],
                                "properties": {"walks": {"type": "array", "items": _ref("Walk")}},
                            },
                            "Walks, the ones in progress first",
                        ),
                        **_errors("401", "403", "422"),
                    },
                }
            },
            "/walks/{walk_id}": {
                "get": {
                    "operationId": "getWalk",
                    "summary": "A walk with the findings I may see",
                    "parameters": [WALK_ID],
                    "responses": {
                        "200": _json(_ref("WalkWithFindings"), "The walk"),
                        **_errors("401", "404"),
                    },
                }
            },
            "/walks/{walk_id}/buildings": {
                "get": {
                    "operationId": "listWalkBuildings",
                    "summary": "Every building of the walk's district (kept offline by the app)",
                    "parameters": [WALK_ID],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["district_id", "buildings"],
                                "properties": {
                                    "district_id": {"type": "integer"},
                                    "buildings": {"type": "array", "items": _ref("Building")},
                                },
                            },
                            "The buildings, by address",
                        ),
                        **_errors("401", "404"),
                    },
                }
            },
            "/buildings/near": {
                "get": {
                    "operationId": "listBuildingsNear",
                    "summary": "Buildings near a point, nearest first",
                    "parameters": [
                        {"name": "lat", "in": "query", "required": True,
                         "schema": {"type": "number", "minimum": -90, "maximum": 90}},
                        {"name": "lon", "in": "query", "required": True,
                         "schema": {"type": "number", "minimum": -180, "maximum": 180}},
                        {"name": "radius", "in": "query", "required": False,
                         "schema": {"type": "number", "exclusiveMinimum": 0, "maximum": 5000}},
                        {"name": "limit", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["buildings"],
                                "properties": {
                                    "buildings": {"type": "array", "items": _ref("Building")}
                                },
                            },
                            "Buildings with distance_m",
                        ),
                        **_errors("401", "403", "422"),
                    },
                }
            },
            "/categories": {
                "get": {
                    "operationId": "listCategories",
                    "summary": "Active categories, in the user's language",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["categories"],
                                "properties": {
                                    "categories": {"type": "array", "items": _ref("Category")}
                                },
                            },
                            "Categories",
                        ),
                        **_errors("401"),
                    },
                }
            },
            "/walks/{walk_id}/findings": {
                "post": {
                    "operationId": "createFinding",
                    "summary": "Record a finding (idempotent by uuid)",
                    "parameters": [WALK_ID, CSRF_HEADER],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("NewFinding")}},
                    },
                    "responses": {
                        "201": _json(_ref("Finding"), "Created"),
                        "200": _json(_ref("Finding"), "Already there: the same uuid was sent"),
                        **_errors("400", "401", "403", "404", "422"),
                    },
                }
            },
            "/findings/{finding_id}/photos": {
                "post": {
                    "operationId": "addPhoto",
                    "summary": "Add one photo to a finding (idempotent by client_uuid)",
                    "parameters": [FINDING_ID, CSRF_HEADER],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["photo"],
                                    "properties": {
                                        "photo": {
                                            "type": "string",
                                            "contentMediaType": "application/octet-stream",
                                            "description": "JPEG, PNG, WebP or HEIC",
                                        },
                                        "client_uuid": {"type": "string", "format": "uuid"},
                                        "exif_latitude": {
                                            "type": "number", "minimum": -90, "maximum": 90,
                                            "description": (
                                                "GPSLatitude from the photo's EXIF, read on the "
                                                "phone before it was downscaled (the copy sent "
                                                "has no EXIF). Used when the photo itself "
                                                "carries no GPS. Send with exif_longitude."
                                            ),
                                        },
                                        "exif_longitude": {
                                            "type": "number", "minimum": -180, "maximum": 180,
                                            "description": "GPSLongitude from the EXIF, as above.",
                                        },
                                        "exif_direction": {
                                            "type": "number", "minimum": 0, "exclusiveMaximum": 360,
                                            "description": (
                                                "GPSImgDirection: where the camera pointed, "
                                                "degrees clockwise from north."
                                            ),
                                        },
                                        "exif_taken_at": {
                                            "type": "string",
                                            "examples": ["2026:12:01 17:05:12"],
                                            "description": (
                                                "DateTimeOriginal as written in the EXIF "
                                                "(YYYY:MM:DD HH:MM:SS, the camera's local time); "
                                                "ISO 8601 is accepted too."
                                            ),
                                        },
                                        "exif_offset": {
                                            "type": "string",
                                            "examples": ["+01:00"],
                                            "description": (
                                                "OffsetTimeOriginal; without it the time is read "
                                                "as Swedish local time."
                                            ),
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json(_ref("Photo"), "Stored"),
                        "200": _json(_ref("Photo"), "Already there: the same client_uuid"),
                        **_errors("400", "401", "403", "404", "413", "422"),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": _schemas(),
            "responses": {
                "BadRequest": _error_response(
                    "`malformed_json`: the body is not a JSON object; `csrf`: the CSRF token "
                    "is missing or wrong (fetch a fresh one from /csrf and retry once)"
                ),
                "Unauthorized": _error_response(
                    "`unauthenticated`: not logged in (checked before CSRF)"
                ),
                "Forbidden": _error_response("Not allowed"),
                "NotFound": _error_response("No such thing, or not visible to you"),
                "TooLarge": _error_response(
                    "`too_large`: the request is larger than the server takes"
                ),
                "Invalid": _error_response(
                    "`invalid`: a field is invalid (`field` names it); `photo_rejected`: the "
                    "photo was refused (`reason` says why), the finding stays saved"
                ),
                "ServerError": _error_response("`server_error`: try again later"),
            },
        },
    }
