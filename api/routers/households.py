"""The households of a building, for the visitor at its door."""

from fastapi import APIRouter

from api.deps import ActorDep, SessionDep
from api.schemas.field_visits import Households
from geo.field.households import building_households

router = APIRouter(prefix="/buildings", tags=["visits"])


@router.get("/{building_id:int}/households", response_model=Households)
def households(session: SessionDep, actor: ActorDep, building_id: int) -> dict:
    """Households of a building of your scope: members (names masked by role), last visit and number of visits."""
    return building_households(session, actor, building_id)
