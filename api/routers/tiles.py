"""Vector tiles: /tiles/{layer}/{z}/{x}/{y}.mvt for districts, streets, communities, grids and cases."""

import hashlib
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import ReadSessionDep, ScopeDep
from api.params import IsoDate
from api.schemas.common import files
from geo.territory import tiles

router = APIRouter(prefix="/tiles", tags=["tiles"])
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
# Scope-filtered, so only the caller's own cache may keep them; cases change faster than boundaries.
MAX_AGE = {"cases": 30}


@router.get("/{layer}/{z}/{x}/{y}.mvt", response_class=Response,
            responses={**files(MEDIA_TYPE, description="A Mapbox Vector Tile"),
                       304: {"description": "Unchanged (If-None-Match)"}})
def get_tile(session: ReadSessionDep, scope: ScopeDep, request: Request, layer: str, z: int, x: int, y: int,
             datum: Annotated[str, Query(description="wgs84, or gcj02 for maps drawn on a GCJ-02 basemap (AMap)")]
             = "wgs84",
             at: Annotated[IsoDate | None, Query(description="Boundaries in force on that day (YYYY-MM-DD); "
                                                       "default today's")] = None) -> Response:
    """One Mapbox Vector Tile of the layers you may see, with an ETag for cheap revalidation."""
    body = tiles.tile(session, tiles.check(layer, z, x, y, datum, at), scope)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"private, max-age={MAX_AGE.get(layer, 300)}", "Vary": "Authorization, Cookie"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)
