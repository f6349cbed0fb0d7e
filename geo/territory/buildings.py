"""Reading buildings within a scope, as GeoJSON features with their household counts."""

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope, like_pattern
from geo.core.query import bbox_condition, check_page

MAX_LIMIT = 5000

BUILDINGS = """
SELECT b.id, b.code, b.name, b.address, b.compound, b.floors, b.grid_code,
       (SELECT count(*) FROM households h WHERE h.building_id = b.id) AS households,
       ST_AsGeoJSON(b.geom, 7) AS geometry
FROM buildings b
WHERE b.grid_code LIKE :pattern {where}
ORDER BY b.grid_code, b.code, b.id LIMIT :limit OFFSET :offset
"""


def list_buildings(session: Session, scope: Scope, *, grid: str | None = None, bbox=None, q: str | None = None,
                   limit: int = 1000, offset: int = 0) -> dict:
    """A FeatureCollection of the buildings `scope` may see, optionally of one grid, within a bbox or whose name,
    address or compound contains `q` (the dispatch page finds a caller's address this way)."""
    check_page(limit, offset, MAX_LIMIT)
    where, params = [], {"pattern": like_pattern(scope), "limit": limit, "offset": offset}
    if grid:
        where.append("AND b.grid_code = :grid")
        params["grid"] = grid
    if q and q.strip():
        where.append("AND (b.name ILIKE :q OR b.address ILIKE :q OR b.compound ILIKE :q)")
        params["q"] = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if bbox:
        where.append("AND " + bbox_condition("b.geom", bbox, params))
    rows = session.execute(text(BUILDINGS.format(where=" ".join(where))), params).mappings()
    features = [{"type": "Feature", "id": r["id"], "geometry": json.loads(r["geometry"]),
                 "properties": {k: r[k] for k in ("id", "code", "name", "address", "compound", "floors", "grid_code",
                                                  "households")}} for r in rows]
    return {"type": "FeatureCollection", "features": features, "numberReturned": len(features)}
