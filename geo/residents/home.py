"""Where a resident's map opens: their compound (its outline drawn for context) when their phone is on a household's
file, else the middle of the service's districts. A resident's own compound is no secret to them; no other
boundary is given to a resident."""

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core.models import Role


def home_of(session: Session, actor: Actor | None) -> dict | None:
    """The map's opening place for this resident: lon, lat, and their compound's name and outline if known."""
    if actor is not None and actor.role == Role.resident:
        row = session.execute(text(
            "SELECT ST_X(ST_PointOnSurface(b.geom)) AS lon, ST_Y(ST_PointOnSurface(b.geom)) AS lat, c.name, "
            "ST_AsGeoJSON(c.geom, 6) AS outline FROM resident_accounts a JOIN households h ON h.id = a.household_id "
            "JOIN buildings b ON b.id = h.building_id LEFT JOIN compounds c ON c.id = b.compound_id "
            "WHERE a.user_id = :me"), {"me": actor.user_id}).mappings().first()
        if row is not None:
            return {"lon": row["lon"], "lat": row["lat"], "compound": row["name"],
                    "outline": json.loads(row["outline"]) if row["outline"] else None}
    row = session.execute(text("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)) AS c FROM areas "
                               "WHERE level = 'district') x")).first()
    return {"lon": row[0], "lat": row[1], "compound": None, "outline": None} if row and row[0] is not None else None
