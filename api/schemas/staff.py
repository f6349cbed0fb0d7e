"""Staff on duty: the list, and one point per grid for map markers."""

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.common import Feature, FeatureCollection, Geometry


class StaffOnDuty(BaseModel):
    """A staff member in one assignment."""

    staff_id: int
    name: str
    phone: str | None = Field(description="Whole or masked (138****0000) by your role")
    duty: str = Field(description="grid_leader, fulltime_worker, parttime_worker, building_head, community_staff, …")
    area_code: str | None = Field(description="The grid or area of the assignment (null: a building duty)")
    building_id: int | None = Field(description="The building of a building head")
    start_date: date
    end_date: date | None = Field(description="null: open-ended")


class GridStaff(BaseModel):
    """One staff member at a grid's marker."""

    id: int
    name: str
    phone: str | None = Field(description="Whole or masked by your role")
    duty: str


class GridStaffProperties(BaseModel):
    """A grid and its staff on duty."""

    code: str
    name: str
    staff: list[GridStaff]


class GridStaffFeature(Feature):
    """A point inside a grid, with its staff."""

    geometry: Geometry
    properties: GridStaffProperties


class GridStaffPoints(FeatureCollection):
    """A point inside each grid you may see, with its grid leader and workers on duty."""

    features: list[GridStaffFeature]
