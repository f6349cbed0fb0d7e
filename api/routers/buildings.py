"""Buildings within the caller's scope, as GeoJSON."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ScopeDep, SessionDep
from api.schemas.buildings import Buildings
from api.schemas.common import GeoJSONResponse, geojson
from geo.territory.areas import parse_bbox
from geo.territory.buildings import MAX_LIMIT, list_buildings

router = APIRouter(tags=["people"])


@router.get("/buildings", response_class=GeoJSONResponse, responses=geojson(Buildings))
def buildings(session: SessionDep, scope: ScopeDep,
              grid: Annotated[str | None, Query(description="Only this grid's buildings")] = None,
              bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
              q: Annotated[str | None, Query(max_length=100, description="Name, address or compound contains")] = None,
              limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000,
              offset: Annotated[int, Query(ge=0)] = 0):
    """Buildings you may see (GeoJSON), with their household counts."""
    return GeoJSONResponse(list_buildings(session, scope, grid=grid, bbox=parse_bbox(bbox), q=q, limit=limit,
                                          offset=offset))
