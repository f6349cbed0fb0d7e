"""Grid staff on duty, within the caller's scope."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ScopeDep, SessionDep
from geo import people
from geo.people import StaffOnDuty

router = APIRouter(tags=["people"])


@router.get("/staff")
def list_staff(
    session: SessionDep, scope: ScopeDep,
    area: Annotated[str | None, Query(description="Only staff of this grid or area code")] = None,
    on: Annotated[date | None, Query(description="Assignments in force on that day (default today)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[StaffOnDuty]:
    """Staff assignments you may see: grid leaders, grid workers, building heads, community and street staff."""
    return people.staff_on_duty(session, scope, area_code=area, day=on, limit=limit, offset=offset)
