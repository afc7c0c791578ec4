"""Routes: see the package docstring."""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from pydantic import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import bp, queries
from app.api import schemas as api
from app.api.spec import InvalidInput, document, responses, spec
from app.errors import DomainError, api_error
from app.extensions import db
from app.findings import operations as finding_service
from app.findings import queries as finding_queries
from app.findings.operations.photos import attach_photo, photo_by_client_uuid, photo_keys
from app.findings.queries import finding_counts, finding_or_404
from app.findings.schemas import FindingInput, first_error
from app.i18n import human_size, locale_code
from app.media import photos as photo_service
from app.models import Building, Finding, Photo, PhotoKind, Walk
from app.places.geo import nearest_buildings
from app.places.queries import district_buildings
from app.policy import can, can_add_captured_finding, visible_findings_clause
from app.sqlite_tuning import begin_writes, end_reads, reads_first
from app.storage import commit_or_discard, delete_files, get_storage
from app.walks.queries import visible_findings, walk_or_404

# Service field names → the API's field names.
_API_FIELDS = {"category": "category_id", "building": "building_id", "photos": "photo"}


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    # Read what was sent (up to a bound), so the client gets this answer and not a reset.
    length = request.content_length or 0
    if length <= 4 * (current_app.config.get("MAX_CONTENT_LENGTH") or 0):
        stream = request.environ.get("wsgi.input")
        remaining = length
        while stream is not None and remaining > 0:
            chunk = stream.read(min(remaining, 1024 * 1024))
            if not chunk:
                break
            remaining -= len(chunk)
    return _error(
        413, "too_large",
        _("What you sent is too large (at most %(size)s at a time).",
          size=human_size(current_app.config.get("MAX_CONTENT_LENGTH") or 0)),
    )


@bp.errorhandler(InvalidInput)
def invalid_input(error: InvalidInput):
    return api_error(error.status, error.code, error.message, error.field)


def _error(status: int, code: str, message: str, field: str | None = None, **extra):
    return api_error(status, code, message, field, **extra)


def _in_range(value: float | None, low: float, high: float) -> float | None:
    """An EXIF number the phone read from the photo before downscaling it; unusable → None."""
    return value if value is not None and math.isfinite(value) and low <= value <= high \
        else None


def _exif_fields(processed: photo_service.ProcessedPhoto, sent: api.PhotoUpload) -> tuple:
    """The photo as processed, with the EXIF fields the phone sent filling what the uploaded
    copy no longer carries (a canvas-downscaled JPEG has no EXIF); and the direction."""
    latitude = _in_range(sent.exif_latitude, -90, 90)
    longitude = _in_range(sent.exif_longitude, -180, 180)
    if processed.gps_latitude is None and latitude is not None and longitude is not None:
        processed = dataclasses.replace(processed, gps_latitude=latitude, gps_longitude=longitude)
    if processed.taken_at is None:
        taken_at = photo_service.taken_at_from_text(sent.exif_taken_at or None,
                                                    sent.exif_offset or None)
        if taken_at is not None:
            processed = dataclasses.replace(processed, taken_at=taken_at)
    direction = _in_range(sent.exif_direction, 0, 360)
    return processed, (direction % 360 if direction is not None else None)


# --- serialising --------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def walk_json(walk: Walk, finding_count: int | None = None) -> dict:
    data = {
        "id": walk.id,
        "title": walk.title,
        "status": walk.status.value,
        "district_id": walk.district_id,
        "district": walk.district.name,
        "planned_start": _iso(walk.planned_start),
        "started_at": _iso(walk.started_at),
        "completed_at": _iso(walk.completed_at),
        "light_condition": walk.light_condition.value,
        "url": url_for("walks.show", walk_id=walk.id),
        "can_add_finding": can(current_user, "add_finding", walk),
    }
    if finding_count is not None:
        data["finding_count"] = finding_count
    return data


def photo_json(photo: Photo) -> dict:
    return {
        "id": photo.id,
        "client_uuid": photo.client_uuid,
        "width": photo.width,
        "height": photo.height,
        "bytes": photo.bytes,
        "url": url_for("photos.serve", photo_id=photo.id, variant="full"),
        "thumb_url": url_for("photos.serve", photo_id=photo.id, variant="thumb"),
    }


def internal_json(finding: Finding) -> dict:
    """The remediation side, only for those the view_internal policy allows."""
    notes = [e.note for e in finding.events if e.field == "assignee" and e.note]
    return {
        "assignee_id": finding.assignee_id,
        "assignee": finding.assignee.name if finding.assignee else None,
        "responsible_party": finding.responsible_party,
        "planned_action": finding.planned_action,
        "assignment_note": notes[-1] if notes else "",
    }


def finding_json(finding: Finding) -> dict:
    data = _finding_fields(finding)
    if can(current_user, "view_internal", finding):
        data["internal"] = internal_json(finding)
    return data


def _finding_fields(finding: Finding) -> dict:
    # What was entered, field for field as FindingInput declares it, then what the server adds.
    data = {name: getattr(finding, name) for name in FindingInput.model_fields}
    data["unsafe_for"] = list(finding.unsafe_for or [])
    return data | {
        "id": finding.id,
        "uuid": finding.uuid,
        "walk_id": finding.walk_id,
        "category": finding.category.name(locale_code()),
        "building": finding.building.label if finding.building else None,
        "status": finding.status.value,
        "created_at": _iso(finding.created_at),
        "url": url_for("findings.show", finding_id=finding.id),
        "photos": [photo_json(p) for p in finding.public_photos],
    }


def building_json(building: Building, distance_m: float | None = None) -> dict:
    data = {
        "id": building.id,
        "code": building.code,
        "address": building.address,
        "label": building.label,
        "district_id": building.district_id,
        "latitude": building.latitude,
        "longitude": building.longitude,
    }
    if distance_m is not None:
        data["distance_m"] = round(distance_m, 1)
    return data


# --- reading ------------------------------------------------------------------------------


@bp.get("/csrf")
@spec.validate(resp=responses(HTTP_200=(api.CsrfToken, "The token and the logged-in user")),
               operation_id="getCsrfToken")
def csrf():
    """A fresh CSRF token for the X-CSRFToken header (the outbox asks before it sends), and
    who is logged in: the phone sends only the findings this user captured, and clears its
    cached pages when the user changes."""
    response = jsonify(csrf_token=generate_csrf(), user_id=current_user.id)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
@spec.validate(resp=responses((), HTTP_200=(api.OpenApiDocument, "OpenAPI 3.1 document")),
               security={}, operation_id="getOpenApi", skip_validation=True)
def openapi():
    """This document"""
    return jsonify(document())


@bp.get("/walks")
@spec.validate(query=api.WalkQuery, resp=responses((401, 403, 422), HTTP_200=api.WalkList),
               operation_id="listMyWalks")
def walks():
    """My walks: the ones I lead or that are in my districts"""
    if not can(current_user, "list_walks"):
        abort(403)
    return jsonify(walks=_my_walks())


def _my_walks() -> list[dict]:
    found = queries.capture_walks(current_user, request.context.query.status)
    counts = finding_counts(
        db.session, [w.id for w in found], visible_findings_clause(current_user)
    )
    return [walk_json(w, counts.get(w.id, 0)) for w in found]


@bp.get("/walks/<int:walk_id>")
@spec.validate(resp=responses((401, 404), HTTP_200=api.WalkWithFindings), operation_id="getWalk")
def walk(walk_id: int):
    """A walk with the findings I may see"""
    walk = walk_or_404(walk_id)
    findings = visible_findings(walk, internal=True)  # finding_json may show the internal side
    data = walk_json(walk, len(findings))
    data["findings"] = [finding_json(f) for f in findings]
    return jsonify(data)


@bp.get("/walks/<int:walk_id>/buildings")
@spec.validate(resp=responses((401, 404), HTTP_200=api.DistrictBuildings),
               operation_id="listWalkBuildings")
def walk_buildings(walk_id: int):
    """Every building of the walk's district: the phone keeps it for offline suggestions."""
    walk = walk_or_404(walk_id)
    buildings = district_buildings(walk.district_id)
    return jsonify(district_id=walk.district_id, buildings=[building_json(b) for b in buildings])


@bp.get("/buildings/near")
@spec.validate(query=api.NearQuery, resp=responses((401, 403, 422), HTTP_200=api.BuildingList),
               operation_id="listBuildingsNear")
def buildings_near():
    """Buildings near a point, nearest first (with distance_m)"""
    if not can(current_user, "list_walks"):
        abort(403)
    query: api.NearQuery = request.context.query
    radius = query.radius or float(current_app.config["NEAREST_RADIUS_M"])
    limit = query.limit or int(current_app.config["NEAREST_LIMIT"])
    near = nearest_buildings(db.session, query.lat, query.lon, radius_m=radius, limit=limit)
    return jsonify(buildings=[building_json(n.building, n.distance_m) for n in near])


@bp.get("/categories")
@spec.validate(resp=responses(HTTP_200=api.CategoryList), operation_id="listCategories")
def categories():
    """Active categories, in the user's language"""
    found = finding_queries.categories(active_only=True)
    locale = locale_code()
    return jsonify(
        categories=[
            {"id": c.id, "slug": c.slug, "name": c.name(locale), "icon": c.icon} for c in found
        ]
    )


# --- writing ------------------------------------------------------------------------------

def _json_body() -> dict[str, Any]:
    """The request's JSON object, parsed here so that no body can crash the server: deep
    nesting (RecursionError) and broken UTF-8 are 400, text the database cannot hold
    (NUL, lone surrogates such as "\\ud800") is 422 naming the field."""
    malformed = InvalidInput("body", _("Send a JSON object."), 400, "malformed_json")
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        raise malformed from None
    if not isinstance(body, dict):
        raise malformed
    _check_text(body)
    return body


def json_object(view):
    """Parse the body (our error contract for what is not a JSON object) before spectree
    validates it against the view's schema."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        _json_body()
        if not request.is_json:
            # spectree reads only a body sent as JSON; anything else would look empty.
            raise InvalidInput("body", _("Send a JSON object."), 400, "malformed_json")
        return view(*args, **kwargs)

    return checked


def _bad_text(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_text(body: dict) -> None:
    """Every string in the body, keys too, at any depth (without recursion)."""
    stack: list[tuple[str | None, Any]] = [(None, body)]
    while stack:
        field, value = stack.pop()
        if isinstance(value, str):
            if _bad_text(value):
                raise InvalidInput(
                    field, _("The text contains a character that is not allowed.")
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if _bad_text(key):
                    raise InvalidInput(
                        field, _("The text contains a character that is not allowed.")
                    )
                stack.append((field or key, item))
        elif isinstance(value, list):
            stack.extend((field, item) for item in value)


def _uuid_field(value: Any, field: str) -> str | None:
    """A UUID as documented (8-4-4-4-12 hex digits), in lower case; None when not sent. An
    empty or differently spelt one is refused, not rewritten into another id."""
    if value is None:
        return None
    if not api.canonical_uuid(value):
        raise InvalidInput(field, _("Send a UUID."))
    return value.lower()


# The multipart parts addPhoto documents (PhotoUpload): the file, and text beside it.
_PHOTO_FILES = {"photo"}
_PHOTO_TEXTS = set(api.PhotoUpload.model_fields) - _PHOTO_FILES


def _photo_upload() -> api.PhotoUpload:
    """The multipart body checked against PhotoUpload, as spectree checks a JSON body: each
    part one the document names, sent once, each value of its kind; else 422 naming it.
    (The photo itself is read later, after the permission check.)"""
    for parts, known in ((request.form, _PHOTO_TEXTS), (request.files, _PHOTO_FILES)):
        for name in parts:
            if name not in known:
                raise InvalidInput(name, _("This field is not part of the API (see "
                                           "/api/v1/openapi.json)."))
            if len(parts.getlist(name)) > 1:
                raise InvalidInput(name, _("Send this field once (one photo per request)."))
    client_uuid = _uuid_field(request.form.get("client_uuid"), "client_uuid")
    try:
        return api.PhotoUpload.model_validate({**request.form.to_dict(), "photo": b"",
                                               "client_uuid": client_uuid})
    except ValidationError as error:
        field, _message = first_error(error)
        raise InvalidInput(field, _PHOTO_MESSAGES.get(field or "", _a_number)()) \
            from None


def _a_number() -> str:
    return _("Send a number.")


_PHOTO_MESSAGES = {
    "exif_taken_at": lambda: _("Send the time as the EXIF writes it, in at most 40 "
                               "characters."),
    "exif_offset": lambda: _("Send the offset as the EXIF writes it (+01:00)."),
}


def _aware(moment: datetime | None) -> datetime | None:
    """A time without a zone is UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _domain_error(error: DomainError):
    field = _API_FIELDS.get(error.field or "", error.field)
    return _error(422, "invalid", str(error.message), field)


def _replayed(walk: Walk, finding_uuid: str | None):
    """The answer to a finding sent again (200 with the first one), or None when this uuid
    made no finding yet."""
    try:
        existing = finding_service.replayed_finding(
            db.session, finding_uuid, walk=walk, author=current_user)
    except DomainError as error:
        return _domain_error(error)
    return (jsonify(finding_json(existing)), 200) if existing is not None else None


@bp.post("/walks/<int:walk_id>/findings")
@json_object
@spec.validate(
    json=api.NewFinding,
    resp=responses(
        (400, 401, 403, 404, 422, 503),
        HTTP_201=(api.Finding, "Created"),
        HTTP_200=(api.Finding, "Already there: the same uuid was sent"),
    ),
    operation_id="createFinding",
)
def create_finding(walk_id: int):
    """Record a finding (idempotent by uuid)

    The same `uuid` again returns the first one (200), never a second."""
    walk = walk_or_404(walk_id)
    body: api.NewFinding = request.context.json
    finding_uuid = str(body.uuid) if body.uuid is not None else None
    grace = timedelta(hours=current_app.config["LATE_FINDING_GRACE_HOURS"])
    if not can_add_captured_finding(
        current_user, walk, _aware(body.captured_at), datetime.now(UTC), grace
    ):
        # A replay after the walk closed must still find its finding.
        return _replayed(walk, finding_uuid) or _error(
            403, "forbidden", _("You cannot add findings to this walk now."))
    try:
        # A replay fails the insert on its uuid and comes back as the first finding: no
        # lookup before every new finding.
        finding, created = finding_service.insert_finding(
            db.session, walk=walk, author=current_user, data=body, finding_uuid=finding_uuid
        )
    except finding_service.SentTwiceAtOnce as race:
        db.session.rollback()  # the other request's insert came first: answer its finding
        answer = _replayed(walk, race.finding_uuid)
        if answer is None:
            raise
        return answer
    except DomainError as error:
        db.session.rollback()
        # A replay of what was valid then (a category since retired) is still the finding.
        return _replayed(walk, finding_uuid) or _domain_error(error)
    data = finding_json(finding)  # before the commit, which would expire what it reads
    db.session.commit()
    response = jsonify(data)
    response.status_code = 201 if created else 200
    if created:
        response.headers["Location"] = url_for("findings.show", finding_id=data["id"])
    return response


@bp.post("/findings/<int:finding_id>/photos")
@spec.validate(
    form=api.PhotoUpload,
    resp=responses(
        (400, 401, 403, 404, 413, 422, 503),
        HTTP_201=(api.Photo, "Stored"),
        HTTP_200=(api.Photo, "Already there: the same client_uuid"),
    ),
    operation_id="addPhoto",
    # The view checks the multipart body against PhotoUpload itself (_photo_upload).
    skip_validation=True,
)
@reads_first
def add_photo(finding_id: int):
    """Add one photo (multipart field `photo`). The same `client_uuid` again: the same photo.

    No transaction is open while the photo is decoded, blurred and written: only its row's
    insert takes SQLite's write lock (a few ms instead of the whole processing)."""
    finding = finding_or_404(finding_id)
    sent = _photo_upload()
    client_uuid = str(sent.client_uuid) if sent.client_uuid is not None else None
    try:
        # A replay is answered before the permission check, as a finding's is.
        existing = photo_by_client_uuid(db.session, finding, client_uuid)
    except DomainError as error:
        return _domain_error(error)
    if existing is not None:
        return jsonify(photo_json(existing)), 200
    if not can(current_user, "add_photo", finding):
        return _error(403, "forbidden", _("You cannot add photos to this finding."))
    upload = request.files.get("photo")
    if upload is None:
        return _error(422, "invalid", _("Choose a photo."), "photo")
    end_reads(db.session)
    try:
        processed = photo_service.process_upload(upload.read())
    except photo_service.PhotoRejected as rejected:
        # The finding stays saved; only this photo is refused (the outbox says which).
        return _error(
            422, "photo_rejected", str(rejected.message), "photo", reason=rejected.reason
        )
    processed, direction = _exif_fields(processed, sent)
    storage, user_id = get_storage(), finding_service.uploader_id(current_user)
    stored = photo_service.store_photo_files(storage, finding_id, processed)
    begin_writes(db.session)
    try:
        photo, created = attach_photo(
            db.session, storage, finding, processed, kind=PhotoKind.FINDING,
            uploaded_by_id=user_id, client_uuid=client_uuid, direction=direction,
            stored=stored,
        )
    except DomainError as error:
        db.session.rollback()
        return _domain_error(error)
    except BaseException:  # busy SQLite (503) among them: the files must not stay behind
        delete_files(stored, storage)
        raise
    if not created:
        return jsonify(photo_json(photo)), 200
    commit_or_discard(db.session, photo_keys(photo))
    return jsonify(photo_json(photo)), 201
