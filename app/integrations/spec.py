"""The OpenAPI document of the integration interfaces (GET /open311/v2/openapi.json), written
by spectree: the GeoJSON and situation feeds here (app/integrations/routes.py), Open311
GeoReport v2 in app/open311/spec.py, which builds on this module. Documentation only: the
answers are JSON or XML (same fields), so spectree validates nothing here; the views read
their own arguments. Every interface answers errors in Open311's shape, hence the names."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree


class Open311Error(BaseModel):
    code: int
    description: str


class Open311Errors(RootModel[list[Open311Error]]):
    pass


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
