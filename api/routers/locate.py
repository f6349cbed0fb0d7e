"""Which grid answers for a point."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ReadSessionDep, ScopeDep, SessionDep, UserDep
from api.params import IsoDate
from api.schemas.locate import Location
from geo.access import audit
from geo.core.crs import ACCEPTED
from geo.people import staff
from geo.territory import locate as geo_locate

router = APIRouter(tags=["locate"])


@router.get("/locate", response_model=Location,
            responses={404: {"description": "Outside every grid by more than the snap distance"}})
def locate(
    session: ReadSessionDep,
    primary: SessionDep,
    scope: ScopeDep,
    user: UserDep,
    lon: Annotated[float, Query(description="Longitude (or x in a projected crs)")],
    lat: Annotated[float, Query(description="Latitude (or y in a projected crs)")],
    crs: Annotated[str | None, Query(description=f"Coordinate system of lon/lat: {ACCEPTED}. Default wgs84.")] = None,
    at: Annotated[IsoDate | None, Query(description="The boundaries (and staff) in force on that day (YYYY-MM-DD); "
                                                 "default today's")] = None,
) -> geo_locate.Location:
    """The grid, community, street and district of a point, with the grid's staff you may see.

    `match` is `covers` when a grid covers the point (edges and vertices included; the smallest
    grid wins, then the lowest code, the others are `candidates`), or `nearest` with `distance_m`
    when the point lies outside every grid but within the snap distance (WANGGE_NEAREST_M).
    """
    found = geo_locate.locate(session, lon, lat, crs=crs, at=at, scope=scope)
    # who saw whose number is written on the primary, whichever copy the answer was read from
    audit.record_shown(primary, user.username, user.role, "staff_phones", staff.whole_phones_shown(scope, found.staff))
    return found
