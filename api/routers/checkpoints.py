"""A grid's key points (关键点位): read by everyone in scope, replaced as a whole by those who manage them."""

from fastapi import APIRouter
from pydantic import Field

from api.deps import ActorDep, SessionDep
from api.params import Body
from api.schemas.common import GeoJSONResponse, geojson
from api.schemas.field_patrols import Checkpoints
from geo.field import checkpoints

router = APIRouter(prefix="/grids", tags=["checkpoints"])


class CheckpointIn(Body):
    """A key point: its id to keep an existing one (renamed or moved), none for a new one."""

    id: int | None = None
    name: str = Field(min_length=1, max_length=100)
    lon: float
    lat: float


class CheckpointsIn(Body):
    checkpoints: list[CheckpointIn] = Field(max_length=checkpoints.MAX_POINTS)


@router.get("/{code}/checkpoints", response_class=GeoJSONResponse, responses=geojson(Checkpoints))
def list_checkpoints(session: SessionDep, actor: ActorDep, code: str):
    """The grid's key points."""
    return GeoJSONResponse(checkpoints.list_checkpoints(session, actor, code))


@router.put("/{code}/checkpoints", response_class=GeoJSONResponse, responses=geojson(Checkpoints))
def replace_checkpoints(session: SessionDep, actor: ActorDep, code: str, body: CheckpointsIn):
    """Replace the grid's key points: each must lie in the grid; those not listed are retired (earlier check-ins
    keep them)."""
    return GeoJSONResponse(checkpoints.replace_checkpoints(session, actor, code,
                                                           [p.model_dump() for p in body.checkpoints]))
