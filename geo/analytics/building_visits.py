"""Buildings within a view with the day of their last household visit: the command center's 楼栋走访 layer.

No personal data: a building, its household count and when anyone last visited it. Each building's last visit is
one probe of the visits (building_id, visited_at) index, so a view of thousands of buildings stays fast.
"""

import json
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope, like_pattern
from geo.core.query import bbox_condition, check_page
from geo.core.time import china_today

MAX_LIMIT = 5000

BUILDINGS = """
SELECT b.id, b.name, (SELECT count(*) FROM households h WHERE h.building_id = b.id) AS households,
       (last.visited_at AT TIME ZONE 'Asia/Shanghai')::date AS last_visit_on,
       ST_AsGeoJSON(ST_PointOnSurface(b.geom), 7) AS geometry
FROM buildings b
LEFT JOIN LATERAL (SELECT v.visited_at FROM visits v WHERE v.building_id = b.id
                   ORDER BY v.visited_at DESC LIMIT 1) last ON true
WHERE b.grid_code LIKE :pattern AND b.geom IS NOT NULL AND {bbox}
ORDER BY b.id LIMIT :limit
"""


def building_visits(session: Session, scope: Scope, bbox, *, limit: int = MAX_LIMIT,
                    today: date | None = None) -> dict:
    """A FeatureCollection of points (on each footprint) of the buildings in `scope` touching `bbox`, each with its
    households, the Beijing day of its last visit and the days since (null when never visited); `truncated` when
    more than `limit` buildings lie in the view."""
    check_page(limit, 0, MAX_LIMIT)
    today = today or china_today()
    params = {"pattern": like_pattern(scope), "limit": limit + 1}
    rows = session.execute(text(BUILDINGS.format(bbox=bbox_condition("b.geom", bbox, params))), params).mappings().all()
    features = [{"type": "Feature", "id": r["id"], "geometry": json.loads(r["geometry"]),
                 "properties": {"id": r["id"], "name": r["name"], "households": r["households"],
                                "last_visit_on": r["last_visit_on"].isoformat() if r["last_visit_on"] else None,
                                "days_since_visit": (today - r["last_visit_on"]).days if r["last_visit_on"] else None}}
                for r in rows[:limit]]
    return {"type": "FeatureCollection", "features": features, "numberReturned": len(features),
            "truncated": len(rows) > limit, "as_of": today.isoformat()}
