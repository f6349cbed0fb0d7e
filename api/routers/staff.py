"""Grid staff on duty, within the caller's scope."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ScopeDep, SessionDep, UserDep
from api.params import IsoDate
from api.schemas.common import GeoJSONResponse, geojson
from api.schemas.staff import GridStaffPoints, StaffOnDuty
from geo.access import audit
from geo.people import staff
from geo.territory.areas import parse_bbox

router = APIRouter(tags=["people"])


@router.get("/staff", response_model=list[StaffOnDuty])
def list_staff(
    session: SessionDep, scope: ScopeDep, user: UserDep,
    area: Annotated[str | None, Query(description="Only staff of this grid or area code")] = None,
    on: Annotated[IsoDate | None, Query(description="Assignments in force on that day (default today)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[staff.StaffOnDuty]:
    """Staff assignments you may see: grid leaders, grid workers, building heads, community and street staff."""
    found = staff.staff_on_duty(session, scope, area_code=area, day=on, limit=limit, offset=offset)
    audit.record_shown(session, user.username, user.role, "staff_phones", staff.whole_phones_shown(scope, found))
    return found


@router.get("/staff/points", response_class=GeoJSONResponse, responses=geojson(GridStaffPoints))
def staff_points(
    session: SessionDep, scope: ScopeDep, user: UserDep,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat: only grids touching it")] = None,
    on: Annotated[IsoDate | None, Query(description="Assignments in force on that day (default today)")] = None,
    limit: Annotated[int, Query(ge=1, le=staff.GRID_STAFF_MAX)] = staff.GRID_STAFF_MAX,
):
    """GeoJSON for map markers: a point inside each grid you may see, with its grid leader and workers on duty.

    Phones are whole or masked by your role: dispatching roles see office staff's work numbers,
    volunteers' private numbers only their community and grid colleagues; planners see none whole.
    """
    found = staff.grid_staff_points(session, scope, parse_bbox(bbox), day=on, limit=limit)
    audit.record_shown(session, user.username, user.role, "staff_phones", staff.whole_phones_shown(scope, found))
    return GeoJSONResponse(found)
