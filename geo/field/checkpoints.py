"""A grid's key points (关键点位): listed for everyone in scope, replaced as a whole by those who manage them."""

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg

MAX_POINTS = 200  # a grid has a handful; hundreds would be a file import, not a list typed on a page

LIST = text("SELECT id, name, ST_AsGeoJSON(geom, 7) AS geometry FROM checkpoints "
            "WHERE grid_code = :grid AND active ORDER BY id")


def grid_in_scope(session: Session, actor: Actor, code: str) -> str:
    """The name of grid `code` in force now; NotFound when there is none or it lies outside the actor's scope
    (outside looks the same as missing)."""
    name = session.execute(text("SELECT name FROM areas WHERE code = :code AND level = 'grid'"), {"code": code}).scalar()
    if name is None or not actor.scope.covers_code(code):
        raise NotFound(msg("no grid {code}", code=code))
    return name


def list_checkpoints(session: Session, actor: Actor, code: str) -> dict:
    """The grid's active key points as a FeatureCollection of points {id, name}."""
    grid_in_scope(session, actor, code)
    rows = session.execute(LIST, {"grid": code}).all()
    return {"type": "FeatureCollection", "grid": code,
            "features": [{"type": "Feature", "id": r.id, "geometry": json.loads(r.geometry),
                          "properties": {"id": r.id, "name": r.name}} for r in rows]}


def replace_checkpoints(session: Session, actor: Actor, code: str, points: list[dict]) -> dict:
    """Make `points` ({id?, name, lon, lat}) the grid's key points: ids given are updated, new ones added, and the
    grid's points not named are retired (active false), so earlier check-ins keep what they named."""
    require(actor.role, Permission.manage_checkpoints)
    grid_in_scope(session, actor, code)
    if len(points) > MAX_POINTS:
        raise InvalidInput(msg("a grid has at most {max} key points, this list has {count}", max=MAX_POINTS,
                               count=len(points)))
    session.execute(text("SELECT 1 FROM checkpoints WHERE grid_code = :grid FOR UPDATE"), {"grid": code})
    own = set(session.execute(text("SELECT id FROM checkpoints WHERE grid_code = :grid"), {"grid": code}).scalars())
    seen: set[int] = set()
    for index, point in enumerate(points):
        _check(session, code, index, point, own, seen)
    kept = []
    for point in points:
        params = {"grid": code, "name": point["name"].strip(), "lon": point["lon"], "lat": point["lat"],
                  "id": point.get("id")}
        if point.get("id") is None:
            kept.append(session.execute(text(
                "INSERT INTO checkpoints (grid_code, name, geom) VALUES (:grid, :name, "
                "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING id"), params).scalar_one())
        else:
            session.execute(text("UPDATE checkpoints SET name = :name, geom = ST_SetSRID(ST_MakePoint(:lon, :lat), "
                                 "4326), active = true WHERE id = :id"), params)
            kept.append(point["id"])
    session.execute(text("UPDATE checkpoints SET active = false WHERE grid_code = :grid AND active "
                         "AND NOT (id = ANY(:kept))"), {"grid": code, "kept": kept})
    return list_checkpoints(session, actor, code)


def _check(session: Session, code: str, index: int, point: dict, own: set[int], seen: set[int]) -> None:
    """Refuse a point that names another grid's key point (or one twice), has no name, or lies outside the grid."""
    where = msg("key point {index}", index=index)
    if point.get("id") is not None:
        if point["id"] not in own:
            raise InvalidInput(msg("{where}: key point {id} is not one of grid {code}'s", where=where, id=point["id"],
                                   code=code))
        if point["id"] in seen:
            raise InvalidInput(msg("{where}: key point {id} is listed twice", where=where, id=point["id"]))
        seen.add(point["id"])
    if not point["name"].strip():
        raise InvalidInput(msg("{where}: the name is empty", where=where))
    inside = session.execute(text("SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) FROM areas "
                                  "WHERE code = :code"), {"code": code, "lon": point["lon"], "lat": point["lat"]}
                             ).scalar()
    if not inside:
        raise InvalidInput(msg("{where}: ({lon}, {lat}) lies outside grid {code}", where=where,
                               lon=f"{point['lon']:.6f}", lat=f"{point['lat']:.6f}", code=code))
