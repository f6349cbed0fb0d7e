"""Boundaries as GeoJSON: areas of a level, one area, its children, and every version of a code."""

from pydantic import BaseModel, Field

from api.schemas.common import DayText, Feature, FeatureCollection, Geometry


class AreaProperties(BaseModel):
    """A district, street, community or grid."""

    code: str
    level: str = Field(description="district, street, community or grid")
    parent_code: str | None
    name: str
    name_en: str | None
    kind: str | None = Field(description="A grid's kind: ordinary, or a special grid (school, market, …)")
    purpose: str | None
    children: int = Field(description="How many areas lie directly below")
    area_m2: float
    valid_from: DayText | None = Field(description="The day its boundary came into force (null: since records began)")


class AreaFeature(Feature):
    """One area."""

    id: str
    geometry: Geometry
    properties: AreaProperties


class Areas(FeatureCollection):
    """Areas of one level, ordered by code."""

    features: list[AreaFeature]
    numberMatched: int
    numberReturned: int


class VersionProperties(BaseModel):
    """One boundary a code has had, and the days it was in force."""

    code: str
    name: str
    parent_code: str | None
    kind: str | None
    area_m2: float
    plan_id: int | None = Field(description="The plan that drew it")
    valid_from: DayText | None = Field(description="null: since records began")
    valid_to: DayText | None = Field(description="The day it ended (null: in force)")
    scheduled: bool | None = Field(default=None, description="Only with `at`: drawn by a plan still to apply")


class VersionFeature(Feature):
    """One version of a boundary."""

    id: str = Field(description="code@valid_from")
    geometry: Geometry
    properties: VersionProperties


class Versions(FeatureCollection):
    """Every boundary a code has had, oldest first."""

    features: list[VersionFeature]
    numberReturned: int
