"""GET /locate: whose grid a point is in."""

from pydantic import BaseModel, Field

from api.schemas.staff import StaffOnDuty


class LocatedArea(BaseModel):
    """An area named by code and name."""

    code: str
    name: str


class Location(BaseModel):
    """The grid answering for a point, its community, street and district, and its staff you may see."""

    lon: float = Field(description="WGS84 longitude of the point")
    lat: float = Field(description="WGS84 latitude of the point")
    match: str = Field(description="covers (a grid covers the point) or nearest (within the snap distance)")
    grid: LocatedArea
    community: LocatedArea | None
    street: LocatedArea | None
    district: LocatedArea | None
    distance_m: float = Field(description="Metres to the grid when `match` is nearest, else 0")
    candidates: list[LocatedArea] = Field(description="Other grids covering the point (shared edges and vertices)")
    staff: list[StaffOnDuty] = Field(description="The grid's staff on duty (none without read_staff)")
