"""GET /buildings as GeoJSON."""

from pydantic import BaseModel, Field

from api.schemas.common import Feature, FeatureCollection


class BuildingProperties(BaseModel):
    """A building and how many households it holds."""

    id: int
    code: str | None
    name: str | None
    address: str | None
    compound: str | None = Field(description="The residential compound (小区) it belongs to")
    floors: int | None
    grid_code: str | None
    households: int


class BuildingFeature(Feature):
    """One building's footprint."""

    id: int
    properties: BuildingProperties


class Buildings(FeatureCollection):
    """Buildings you may see."""

    features: list[BuildingFeature]
    numberReturned: int
