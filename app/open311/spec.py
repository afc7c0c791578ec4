"""The OpenAPI document of the integration interfaces (GET /open311/v2/openapi.json), written
by spectree from the models below, as /api/v1/openapi.json is from app/api/schemas.py.
Documentation only: the answers are JSON or XML (same fields), so spectree validates
nothing here; the views read their own arguments (Open311's error shape, not the API's)."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree


class Service(BaseModel):
    service_code: str = Field(description="The category's code, e.g. lighting")
    service_name: str
    description: str
    metadata: bool = Field(description="Always false: no extra attributes")
    type: str = Field(description="realtime")
    keywords: str
    group: str


class ServiceList(RootModel[list[Service]]):
    pass


class ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[dict] = Field(description="Always empty")


class ServiceRequest(BaseModel):
    service_request_id: str
    status: str = Field(description="open or closed")
    status_notes: str = Field(description="The finding's status in words")
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: str | None
    updated_datetime: str | None
    expected_datetime: str | None = Field(description="The end of the due date")
    address: str
    address_id: str = Field(description="The building's code")
    zipcode: str
    lat: float | None
    long: float | None
    media_url: str


class ServiceRequestList(RootModel[list[ServiceRequest]]):
    pass


class Created(BaseModel):
    service_request_id: str
    token: str = Field(description="For tokens/{token}: the finding's UUID")
    service_notice: str
    account_id: None


class CreatedList(RootModel[list[Created]]):
    pass


class TokenAnswer(BaseModel):
    service_request_id: str
    token: str


class TokenList(RootModel[list[TokenAnswer]]):
    pass


class Open311Error(BaseModel):
    code: int
    description: str


class Open311Errors(RootModel[list[Open311Error]]):
    pass


class RequestsQuery(BaseModel):
    service_request_id: str | None = Field(None, description="Ids, comma separated; overrides"
                                           " the other filters")
    service_code: str | None = Field(None, description="Codes, comma separated")
    status: str | None = Field(None, description="open, closed (comma separated)")
    start_date: str | None = Field(None, description="W3C date-time, e.g. 2026-12-01T00:00:00Z;"
                                   " without both dates: the last 90 days")
    end_date: str | None = None
    page: int | None = Field(None, ge=1)
    page_size: int | None = Field(None, ge=1, le=1000, description="Default 50")
    api_key: str | None = Field(None, description="Instead of the Authorization header")


class NewRequest(BaseModel):
    """application/x-www-form-urlencoded, as the spec says."""

    service_code: str
    lat: float | None = None
    long: float | None = None
    address_string: str | None = Field(None, description="A building's address or code")
    address_id: str | None = Field(None, description="A building's code")
    description: str | None = None
    api_key: str | None = None


class WeekQuery(BaseModel):
    week: str | None = Field(None, description="ISO week, e.g. 2026-W49; default: the last "
                             "complete week")


class FeatureCollection(BaseModel):
    """RFC 7946: Point features in WGS84 [longitude, latitude] (docs/integrations.md)."""

    type: str = "FeatureCollection"
    features: list[dict]


def answers(**ok) -> Response:
    return Response(**ok, HTTP_400=(Open311Errors, "Bad input"),
                    HTTP_401=(Open311Errors, "No valid API key"),
                    HTTP_403=(Open311Errors, "The key lacks a scope"),
                    HTTP_404=(Open311Errors, "No such thing"))


spec = SpecTree(
    "flask",
    mode="strict",  # only the views decorated with this document's validate
    title="Trygg integrations: Open311 GeoReport v2, GeoJSON, situation feed",
    version="1.0.0",
    description="API keys come from /admin/integrations (docs/integrations.md). Each Open311 "
    "resource answers as .json or .xml with the same fields.",
    security_schemes=[SecurityScheme(
        name="apiKey", data=SecuritySchemeData(type="http", scheme="bearer"))],
    security={"apiKey": []},
    annotations=False,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda parent, child: child,
)
