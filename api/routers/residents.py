"""Residents (personal data): masked by default, within the caller's scope, every read audited."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, SessionDep
from api.schemas.residents import Resident, Residents
from geo.people import residents as geo_residents

router = APIRouter(prefix="/residents", tags=["residents"])
Unmask = Annotated[bool, Query(description="Whole ID numbers and phones (roles with `unmask` only; recorded)")]


# exclude_unset: special_groups stays absent, not null, for roles that may not see it
@router.get("", response_model=Residents, response_model_exclude_unset=True)
def list_residents(
    session: SessionDep, actor: ActorDep,
    grid: Annotated[str | None, Query(description="Grid code")] = None,
    community: Annotated[str | None, Query(description="Community code")] = None,
    building: Annotated[int | None, Query(description="Building id")] = None,
    special_group: Annotated[str | None, Query(description="Members of this special group (roles that may see it)")]
    = None,
    unmask: Unmask = False,
    limit: Annotated[int, Query(ge=1, le=geo_residents.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    """Residents of your scope by id: ID 110***********123X, phone 138****1234; names cut to the surname and
    special groups left out for roles that only need counts."""
    return geo_residents.list_residents(session, actor, grid=grid, community=community, building=building,
                                        special_group=special_group, unmask=unmask, limit=limit, offset=offset)


@router.get("/{resident_id:int}", response_model=Resident, response_model_exclude_unset=True)
def get_resident(session: SessionDep, actor: ActorDep, resident_id: int, unmask: Unmask = False) -> dict:
    """One resident of your scope (404 outside it), masked like the list."""
    return geo_residents.get_resident(session, actor, resident_id, unmask=unmask)
