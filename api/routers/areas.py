"""Boundaries as GeoJSON: districts, streets, communities and grids."""

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.convertors import StringConvertor, register_url_convertor

from api.deps import ReadSessionDep, UserDep
from api.params import IsoDate
from api.schemas.areas import AreaFeature, Areas, Versions
from api.schemas.common import GeoJSONResponse, geojson
from geo.core.models import Level
from geo.territory import areas as geo_areas
from geo.territory import history as geo_history


class CollectionConvertor(StringConvertor):
    """Only the four collection names match, so /auth/token and friends never reach these routes (a GET there is 405)."""

    regex = "districts|streets|communities|grids"


register_url_convertor("collection", CollectionConvertor())
router = APIRouter(tags=["boundaries"])


class Collection(StrEnum):
    districts = "districts"
    streets = "streets"
    communities = "communities"
    grids = "grids"


LEVEL_OF = {Collection.districts: Level.district, Collection.streets: Level.street,
            Collection.communities: Level.community, Collection.grids: Level.grid}

Simplify = Annotated[float, Query(ge=0, le=1, description="Simplify tolerance in degrees (0 = exact)")]
At = Annotated[IsoDate | None, Query(description="The boundaries in force on that day (YYYY-MM-DD); default today's")]


def _geojson(content: dict) -> GeoJSONResponse:
    return GeoJSONResponse(content)


@router.get("/{collection:collection}", response_class=GeoJSONResponse, responses=geojson(Areas))
def list_areas(
    session: ReadSessionDep, user: UserDep, collection: Collection,
    parent: Annotated[str | None, Query(description="Only the areas under this parent code")] = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat in WGS84")] = None,
    simplify: Simplify = 0.0,
    limit: Annotated[int, Query(ge=1, le=geo_areas.MAX_LIMIT)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
    at: At = None,
):
    """A FeatureCollection of one level, ordered by code."""
    return _geojson(geo_areas.list_areas(session, LEVEL_OF[collection], parent=parent, bbox=geo_areas.parse_bbox(bbox),
                                         simplify=simplify, limit=limit, offset=offset, at=at))


@router.get("/{collection:collection}/{code}", response_class=GeoJSONResponse, responses=geojson(AreaFeature))
def get_area(session: ReadSessionDep, user: UserDep, collection: Collection, code: str, simplify: Simplify = 0.0,
             at: At = None):
    """One area as a GeoJSON Feature."""
    return _geojson(geo_areas.get_area(session, LEVEL_OF[collection], code, simplify=simplify, at=at))


@router.get("/{collection:collection}/{code}/children", response_class=GeoJSONResponse, responses=geojson(Areas))
def children(session: ReadSessionDep, user: UserDep, collection: Collection, code: str, simplify: Simplify = 0.0,
             at: At = None):
    """The areas directly below one area (streets of a district, …, grids of a community)."""
    return _geojson(geo_areas.children(session, LEVEL_OF[collection], code, simplify=simplify, at=at))


@router.get("/{collection:collection}/{code}/history", response_class=GeoJSONResponse, responses=geojson(Versions))
def history(session: ReadSessionDep, user: UserDep, collection: Collection, code: str,
            at: Annotated[IsoDate | None, Query(description="Also the versions the plans scheduled by that day "
                                                         "(YYYY-MM-DD) will draw, marked `scheduled`")] = None):
    """Every boundary the code has had, oldest first, each with `valid_from`/`valid_to` (null: open-ended)
    and the plan that drew it; a retired code's last version ends on the day it was retired."""
    return _geojson(geo_history.versions(session, LEVEL_OF[collection], code, at=at))
