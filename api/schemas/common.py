"""What several resources' answers share: timestamps geo/ writes as text, GeoJSON pieces, binary bodies."""

from typing import Annotated, Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, WithJsonSchema

from api.errors import ERROR_RESPONSES

# A timestamp or a day that geo/ has already written as text (isoformat).
TimestampText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
DayText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]

GEOMETRY_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"]
# Passed through as it is (a dict): the schema documents it, and nothing is added to or dropped from it.
Geometry = Annotated[dict[str, Any], WithJsonSchema({
    "type": "object", "title": "Geometry", "required": ["type"],
    "description": "A GeoJSON geometry (RFC 7946), longitude and latitude in WGS84",
    "properties": {"type": {"type": "string", "enum": GEOMETRY_TYPES},
                   "coordinates": {"type": "array", "description": "[lon, lat] positions, nested by type"},
                   "geometries": {"type": "array", "items": {"type": "object"},
                                  "description": "The parts of a GeometryCollection"}}})]


class AreaRef(BaseModel):
    """An area named by its code and name."""

    code: str
    name: str | None


class Person(BaseModel):
    """A staff member named by id and name."""

    id: int
    name: str | None


class Feature(BaseModel):
    """A GeoJSON Feature; each resource narrows its properties."""

    type: Literal["Feature"]
    geometry: Geometry | None
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    """A GeoJSON FeatureCollection; each resource narrows its features."""

    type: Literal["FeatureCollection"]
    features: list[Feature]


class Window(BaseModel):
    """The period an analysis covers, [from, to)."""

    since: TimestampText = Field(alias="from")
    until: TimestampText = Field(alias="to")


class GeoJSONResponse(JSONResponse):
    """A JSON body sent as application/geo+json."""

    media_type = "application/geo+json"


# FastAPI files a response's "model" under the endpoint's media type: with GeoJSONResponse the errors (sent as
# application/json, api/errors.py) would be documented as GeoJSON. They are named here with their real type.
JSON_ERRORS = {status: {"description": answer["description"],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
               for status, answer in ERROR_RESPONSES.items()}


def geojson(model, description: str = "GeoJSON") -> dict:
    """The `responses` of an endpoint answering `model` as application/geo+json (its response_class GeoJSONResponse)."""
    return {**JSON_ERRORS, 200: {"model": model, "description": description}}


BINARY = {"type": "string", "format": "binary"}


def files(*media_types: str, status: int = 200, description: str = "A file") -> dict:
    """The `responses` entry of an endpoint answering a binary body of one of `media_types`."""
    return {status: {"description": description, "content": {t: {"schema": BINARY} for t in media_types}}}
