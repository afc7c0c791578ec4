"""Routes: see the package docstring."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import locale_code
from app.integrations.auth import key_required
from app.labels import label
from app.models import DONE_STATUSES, ApiScope, Finding
from app.open311 import bp, formats, operations, queries
from app.open311 import spec as S
from app.open311.spec import answers, spec

FORMATS = "<any(json, xml):fmt>"
DEFAULT_DAYS = 90
LOCAL = ZoneInfo("Europe/Stockholm")


class BadRequest(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


def _refuse(status: int, message: str):
    return formats.error(_fmt(), status, message)


@bp.errorhandler(BadRequest)
def bad_request(error: BadRequest):
    return formats.error(_fmt(), 400, error.message)


@bp.errorhandler(404)
def not_found(_error):
    return formats.error(_fmt(), 404, _("No such service or request."))


@bp.errorhandler(405)
def not_allowed(_error):
    return formats.error(_fmt(), 405, _("This method is not allowed here."))


# --- serialising --------------------------------------------------------------------------


def service_json(category) -> dict:
    name = category.name(locale_code())
    return {"service_code": category.slug, "service_name": name, "description": name,
            "metadata": False, "type": "realtime", "keywords": "", "group": ""}


def _w3c(value: datetime | None) -> str | None:
    return value.astimezone(LOCAL).isoformat(timespec="seconds") if value else None


def request_json(finding: Finding) -> dict:
    """A finding as a service request: nothing personal (no author, no assignee)."""
    building = finding.building
    lat = finding.latitude if finding.latitude is not None else (
        building.latitude if building else None)
    lon = finding.longitude if finding.longitude is not None else (
        building.longitude if building else None)
    due = (datetime.combine(finding.due_date, time(23, 59, 59), tzinfo=LOCAL)
           if finding.due_date else None)
    return {
        "service_request_id": str(finding.id),
        "status": "closed" if finding.status in DONE_STATUSES else "open",
        "status_notes": label(finding.status),
        "service_name": finding.category.name(locale_code()),
        "service_code": finding.category.slug,
        "description": finding.description or "",
        "agency_responsible": finding.responsible_party or "",
        "service_notice": "",
        "requested_datetime": _w3c(finding.created_at),
        "updated_datetime": _w3c(finding.updated_at),
        "expected_datetime": _w3c(due),
        "address": building.address if building else "",
        "address_id": building.code if building else "",
        "zipcode": "",
        "lat": lat,
        "long": lon,
        "media_url": "",
    }


def _requests_answer(fmt: str, findings: list[Finding], status: int = 200):
    return formats.answer(fmt, [request_json(f) for f in findings], root="service_requests",
                          item="request", status=status)


# --- reading the query --------------------------------------------------------------------


def _w3c_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(_("%(name)s must be a date and time such as 2026-12-01T00:00:00Z.",
                           name=name)) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BadRequest(_("%(name)s must be a whole number from %(low)d to %(high)d.",
                           name=name, low=low, high=high))
    return value


def _list_arg(name: str) -> list[str] | None:
    raw = request.args.get(name)
    if not raw:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def _filter() -> queries.RequestFilter:
    f = queries.RequestFilter(page=_int_arg("page", 1, 1, 100_000),
                              page_size=_int_arg("page_size", 50, 1, queries.MAX_PAGE_SIZE))
    ids = _list_arg("service_request_id")
    if ids is not None:
        if not all(i.isdigit() and 0 < int(i) < 2**31 for i in ids):
            raise BadRequest(_("service_request_id must be request ids, comma separated."))
        f.ids = [int(i) for i in ids]
        return f
    f.codes = _list_arg("service_code")
    statuses = _list_arg("status")
    if statuses is not None:
        if not set(statuses) <= {"open", "closed"}:
            raise BadRequest(_("status must be open or closed."))
        f.statuses = set(statuses)
    f.start, f.end = _w3c_arg("start_date"), _w3c_arg("end_date")
    if f.start is None and f.end is None:
        f.start = datetime.now(UTC) - timedelta(days=DEFAULT_DAYS)
    if f.start is not None and f.end is not None and f.start > f.end:
        raise BadRequest(_("start_date must come before end_date."))
    return f


# --- the routes ---------------------------------------------------------------------------


@bp.get(f"/services.{FORMATS}")
@spec.validate(resp=answers(HTTP_200=S.ServiceList), security={}, skip_validation=True)
def services(fmt: str):
    return formats.answer(fmt, [service_json(c) for c in queries.services(db.session)],
                          root="services", item="service")


services.authenticates_itself = True  # the list of services is public in Open311


@bp.get(f"/services/<code>.{FORMATS}")
@spec.validate(resp=answers(HTTP_200=S.ServiceDefinition), security={},
               skip_validation=True)
def service_definition(code: str, fmt: str):
    category = queries.service(db.session, code)
    if category is None:
        return formats.error(fmt, 404, _("No such service."))
    return formats.answer(fmt, {"service_code": category.slug, "attributes": []},
                          root="service_definition", item=None)


service_definition.authenticates_itself = True


@bp.get(f"/requests.{FORMATS}")
@spec.validate(query=S.RequestsQuery, resp=answers(HTTP_200=S.ServiceRequestList),
               skip_validation=True)
@key_required(ApiScope.OPEN311, ApiScope.READ_FINDINGS, refuse=_refuse, form_field=True)
def requests_list(fmt: str):
    return _requests_answer(fmt, queries.service_requests(db.session, _filter()))


@bp.get(f"/requests/<int:request_id>.{FORMATS}")
@spec.validate(resp=answers(HTTP_200=S.ServiceRequestList), skip_validation=True)
@key_required(ApiScope.OPEN311, ApiScope.READ_FINDINGS, refuse=_refuse, form_field=True)
def request_show(request_id: int, fmt: str):
    finding = queries.service_request(db.session, request_id)
    if finding is None:
        return formats.error(fmt, 404, _("No such request."))
    return _requests_answer(fmt, [finding])


@bp.get(f"/tokens/<token>.{FORMATS}")
@spec.validate(resp=answers(HTTP_200=S.TokenList), skip_validation=True)
@key_required(ApiScope.OPEN311, ApiScope.READ_FINDINGS, refuse=_refuse, form_field=True)
def token_show(token: str, fmt: str):
    finding = queries.by_token(db.session, token)
    if finding is None:
        return formats.error(fmt, 404, _("No such token."))
    return formats.answer(fmt, [{"service_request_id": str(finding.id), "token": token}],
                          root="service_requests", item="request")


MISSING_PLACE = _l("Give lat and long, address_string or address_id.")


def _float_field(name: str, low: float, high: float) -> float | None:
    raw = request.form.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise BadRequest(_("%(name)s is not a valid coordinate.", name=name))
    return value


@bp.post(f"/requests.{FORMATS}")
@spec.validate(form=S.NewRequest, resp=answers(HTTP_201=S.CreatedList), skip_validation=True)
@key_required(ApiScope.OPEN311, ApiScope.CREATE_FINDINGS, refuse=_refuse, form_field=True)
def requests_create(fmt: str):
    code = (request.form.get("service_code") or "").strip()
    category = queries.service(db.session, code) if code else None
    if category is None:
        raise BadRequest(_("service_code is missing or not one of the services."))
    lat, lon = _float_field("lat", -90, 90), _float_field("long", -180, 180)
    if (lat is None) != (lon is None):
        raise BadRequest(MISSING_PLACE)
    address_id = request.form.get("address_id") or None
    address_string = request.form.get("address_string") or None
    if lat is None and not address_id and not address_string:
        raise BadRequest(MISSING_PLACE)
    description = (request.form.get("description") or "").replace("\x00", "").strip()
    building = queries.building_at(db.session, address_id=address_id,
                                   address_string=address_string, lat=lat, lon=lon)
    if building is None:
        raise BadRequest(_("The place is not at or near any of our buildings (within "
                           "%(radius)d m).", radius=queries.INTAKE_RADIUS_M))
    finding = operations.create_request(db.session, g.api_key, category=category,
                                        building=building, latitude=lat, longitude=lon,
                                        description=description)
    db.session.commit()
    current_app.logger.info("open311 request %s created by key %s", finding.id, g.api_key.id)
    return formats.answer(fmt, [{"service_request_id": str(finding.id), "token": finding.uuid,
                                 "service_notice": "", "account_id": None}],
                          root="service_requests", item="request", status=201)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of Open311, the GeoJSON and the situation feed."""
    return current_app.response_class(json.dumps(spec.spec), content_type="application/json")


openapi.authenticates_itself = True  # public, as /api/v1/openapi.json
