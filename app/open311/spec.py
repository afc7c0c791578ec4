"""Open311 GeoReport v2's part of the integration interfaces' OpenAPI document
(app/integrations/spec.py holds the document, its error shape and the GeoJSON models), as
/api/v1/openapi.json is written from app/api/schemas.py."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel

from app.integrations.spec import answers, spec

__all__ = ["answers", "spec"]


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
