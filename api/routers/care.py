"""The care list (关爱): special-group residents due a care visit."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, SessionDep
from api.schemas.field_visits import CareDue
from geo.field.care import MAX_WITHIN, care_due

router = APIRouter(prefix="/care", tags=["visits"])


@router.get("/due", response_model=CareDue)
def due(session: SessionDep, actor: ActorDep,
        grid: Annotated[str | None, Query(max_length=15, description="Grid (or community) code in your scope")] = None,
        within: Annotated[int, Query(ge=0, le=MAX_WITHIN, description="Days ahead")] = 7) -> dict:
    """Residents overdue or due within `within` days; counts only (masked) for roles without special groups."""
    return care_due(session, actor, grid=grid, within=within)
