"""Compounds (小区/院落) as GeoJSON, within the caller's scope, with their buildings and households counted."""

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import like_pattern
from geo.core.errors import Forbidden, NotFound
from geo.core.i18n import msg

# A compound is inside a scope when its grid or its community is (:pattern from like_pattern).
COMPOUND_IN_SCOPE = "(p.grid_code LIKE :pattern OR p.community_code LIKE :pattern)"
DECIMALS = 7

SELECT = f"""
SELECT p.id, p.code, p.name, p.community_code, p.grid_code, p.property_company, p.owners_committee, p.red_property,
       round(p.area_m2::numeric, 1)::float AS area_m2,
       (SELECT count(*) FROM buildings b WHERE b.compound_id = p.id) AS buildings,
       (SELECT count(*) FROM households h JOIN buildings b ON b.id = h.building_id WHERE b.compound_id = p.id)
           AS households,
       ST_AsGeoJSON(p.geom, {DECIMALS}) AS geometry
FROM compounds p WHERE {COMPOUND_IN_SCOPE}
"""
PROPERTIES = ("code", "name", "community_code", "grid_code", "property_company", "owners_committee", "red_property",
              "area_m2", "buildings", "households")


def feature(row) -> dict:
    """One compound row as a GeoJSON Feature."""
    return {"type": "Feature", "id": row["code"], "properties": {k: row[k] for k in PROPERTIES},
            "geometry": json.loads(row["geometry"])}


def check_community(session: Session, actor: Actor, community: str) -> None:
    """NotFound for an unknown community, Forbidden for one outside the scope (one holding the scope is fine)."""
    level = session.execute(text("SELECT level FROM areas WHERE code = :code"), {"code": community}).scalar()
    if level != "community":
        raise NotFound(msg("no community with code {code}", code=community))
    prefix = actor.scope.prefix
    if not actor.scope.covers_code(community) and not (prefix and prefix.startswith(community)):
        raise Forbidden(msg("area {code} lies outside your scope", code=community))


def list_compounds(session: Session, actor: Actor, community: str | None = None) -> dict:
    """Compounds inside the actor's scope (optionally of one community) as a FeatureCollection, by code."""
    params = {"pattern": like_pattern(actor.scope)}
    sql = SELECT
    if community:
        check_community(session, actor, community)
        sql += " AND p.community_code = :community"
        params["community"] = community
    rows = session.execute(text(sql + " ORDER BY p.code"), params).mappings().all()
    return {"type": "FeatureCollection", "features": [feature(r) for r in rows],
            "numberMatched": len(rows), "numberReturned": len(rows)}


def compound_row(session: Session, actor: Actor, code: str):
    """The compound row if it lies in the actor's scope; NotFound otherwise (existence outside is not revealed)."""
    row = session.execute(text(SELECT + " AND p.code = :code"),
                          {"pattern": like_pattern(actor.scope), "code": code}).mappings().first()
    if row is None:
        raise NotFound(msg("no compound {code}", code=code))
    return row
