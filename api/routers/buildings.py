"""Buildings within the caller's scope, as GeoJSON."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import ScopeDep, SessionDep
from api.params import GEOJSON_RESPONSE
from geo.territory.areas import parse_bbox
from geo.territory.buildings import MAX_LIMIT, list_buildings

router = APIRouter(tags=["people"])


@router.get("/buildings", response_class=JSONResponse, responses=GEOJSON_RESPONSE)
def buildings(session: SessionDep, scope: ScopeDep,
              grid: Annotated[str | None, Query(description="Only this grid's buildings")] = None,
              bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
              limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000,
              offset: Annotated[int, Query(ge=0)] = 0):
    """Buildings you may see (GeoJSON), with their household counts."""
    return JSONResponse(list_buildings(session, scope, grid=grid, bbox=parse_bbox(bbox), limit=limit, offset=offset),
                        media_type="application/geo+json")
