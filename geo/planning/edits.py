"""Editing a draft plan: split a grid along a line, merge grids, hand an area or some buildings to a neighbour;
every edit can be undone and redone.

Each edit stores the grids it replaced and the grids it made (plan_edits), so undo and redo only swap those
rows back and forth. A new edit forgets the edits that were undone (as in every editor). Geometry is
computed in WGS84 with shapely and cleaned with make_valid; validation follows every edit.
"""

import json

import shapely
from shapely.ops import split as split_polygon
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core import geojson
from geo.core.errors import Conflict, InvalidInput
from geo.core.i18n import msg
from geo.core.models import PlanStatus
from geo.planning.plans import grids_of, issued_codes, plan_row

MIN_PART_DEG2 = 1e-10  # about 1 m²: smaller leftovers of a cut are slivers, not grids
SNAP_DEG = 1e-9  # 0.1 mm: vertices this close are the same vertex


def _draft(session: Session, plan_id: int, actor: Actor):
    """The plan's row if the actor may edit it, which only a draft allows; Conflict otherwise."""
    row = plan_row(session, plan_id, actor)
    if row["status"] != PlanStatus.draft.value:
        raise Conflict(msg("plan {id} is {status}: only drafts can be edited", id=plan_id, status=row["status"]))
    return row


def _grid(grids: dict, code: str) -> dict:
    """The plan's grid of that code; InvalidInput when it has none."""
    if code not in grids:
        raise InvalidInput(msg("the plan has no grid {code}", code=code))
    return grids[code]


def polygonal(geom):
    """The polygons of a shape (a cut or a difference may leave lines and points behind), as a MultiPolygon."""
    parts = [p for p in shapely.get_parts(shapely.make_valid(geom)) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p) if q.area > MIN_PART_DEG2]
    return shapely.MultiPolygon(polygons) if polygons else None


def _row(grid: dict, geom) -> dict:
    """The grid's fields with another shape."""
    return {k: grid[k] for k in ("code", "name", "community_code", "kind", "purpose")} | {"geom": geom}


def _with_neighbours_noded(session: Session, plan_id: int, before: list[dict], after: list[dict]):
    """Add the edit's new vertices to the grids around it, so shared edges keep matching vertex for vertex
    (a coverage stays valid: a split's end on a neighbour's edge must be a vertex of that neighbour too)."""
    changed = {g["code"] for g in before} | {g["code"] for g in after}
    made = shapely.union_all([g["geom"] for g in after])
    communities = {g["community_code"] for g in after}
    for grid in grids_of(session, plan_id):
        if grid["code"] in changed or grid["community_code"] not in communities or grid["geom"].distance(made) > SNAP_DEG:
            continue
        noded = polygonal(shapely.snap(grid["geom"], made, SNAP_DEG))
        if noded is not None and not noded.equals_exact(grid["geom"], 0):
            before.append(grid)
            after.append(_row(grid, noded))
    return before, after


def _record(session: Session, plan_id: int, op: str, params: dict, before: list[dict], after: list[dict]) -> None:
    """Replace `before` by `after` in the plan and remember both."""
    before, after = _with_neighbours_noded(session, plan_id, list(before), list(after))
    session.execute(text("DELETE FROM plan_edits WHERE plan_id = :plan_id AND undone"), {"plan_id": plan_id})
    _swap(session, plan_id, before, after)
    session.execute(text("INSERT INTO plan_edits (plan_id, op, params, before, after) VALUES (:plan_id, :op, :params, "
                         ":before, :after)"),
                    {"plan_id": plan_id, "op": op, "params": json.dumps(params, ensure_ascii=False),
                     "before": json.dumps([_stored(g) for g in before], ensure_ascii=False),
                     "after": json.dumps([_stored(g) for g in after], ensure_ascii=False)})


def _stored(grid: dict) -> dict:
    """The grid as an edit stores it (geometry as hex WKB)."""
    return {k: grid[k] for k in ("code", "name", "community_code", "kind", "purpose")} | {
        "geom": shapely.to_wkb(grid["geom"], hex=True)}


def _loaded(stored: dict) -> dict:
    """A stored grid with its geometry read back."""
    return stored | {"geom": shapely.from_wkb(stored["geom"])}


def _swap(session: Session, plan_id: int, old: list[dict], new: list[dict]) -> None:
    """Replace the plan's grids `old` by `new` and count a new version of the plan."""
    session.execute(text("DELETE FROM plan_grids WHERE plan_id = :plan_id AND code = ANY(:codes)"),
                    {"plan_id": plan_id, "codes": [g["code"] for g in old]})
    if new:
        session.execute(text("INSERT INTO plan_grids (plan_id, code, name, community_code, kind, purpose, geom) "
                             "VALUES (:plan_id, :code, :name, :community_code, :kind, :purpose, "
                             "ST_GeomFromWKB(:wkb, 4326))"),
                        [{"plan_id": plan_id, **{k: g[k] for k in ("code", "name", "community_code", "kind", "purpose")},
                          "wkb": shapely.to_wkb(shapely.MultiPolygon(list(shapely.get_parts(g["geom"]))))}
                         for g in new])
    session.execute(text("UPDATE plans SET version = version + 1, updated_at = now() WHERE id = :plan_id"),
                    {"plan_id": plan_id})


def next_code(session: Session, plan_id: int, community: str) -> str:
    """The next grid code of `community` never used before: not in the plan, not in force, not retired."""
    used = issued_codes(session, community) | set(session.execute(
        text("SELECT code FROM plan_grids WHERE plan_id = :plan_id AND community_code = :community"),
        {"plan_id": plan_id, "community": community}).scalars())
    highest = max((int(c[-3:]) for c in used if c.startswith(community)), default=0)
    if highest >= 999:
        raise Conflict(msg("community {community} has used all 999 grid codes", community=community))
    return f"{community}{highest + 1:03d}"


def split(session: Session, plan_id: int, actor: Actor, code: str, line: dict, new_name: str | None = None) -> str:
    """Cut grid `code` in two along a GeoJSON LineString; the larger part keeps the code. Returns the new code."""
    _draft(session, plan_id, actor)
    grids = {g["code"]: g for g in grids_of(session, plan_id)}
    grid = _grid(grids, code)
    cutter = geojson.read(line, ("LineString",))
    parts = sorted((p for p in shapely.get_parts(split_polygon(grid["geom"], cutter)) if p.area > MIN_PART_DEG2),
                   key=lambda p: -p.area)
    if len(parts) != 2:
        raise InvalidInput(msg("the line must cut grid {code} into exactly two parts, it makes {parts}", code=code,
                               parts=len(parts)))
    new_code = next_code(session, plan_id, grid["community_code"])
    kept, made = _row(grid, polygonal(parts[0])), _row(grid, polygonal(parts[1])) | {
        "code": new_code, "name": new_name or f"{grid['name']}（分）", "kind": "ordinary", "purpose": None}
    _record(session, plan_id, "split", {"code": code, "line": line}, [grid], [kept, made])
    return new_code


def merge(session: Session, plan_id: int, actor: Actor, codes: list[str], name: str | None = None) -> str:
    """Join neighbouring grids of one community into the first of `codes`. Returns its code."""
    _draft(session, plan_id, actor)
    grids = {g["code"]: g for g in grids_of(session, plan_id)}
    chosen = [_grid(grids, c) for c in dict.fromkeys(codes)]
    if len(chosen) < 2 or len({g["community_code"] for g in chosen}) != 1:
        raise InvalidInput(msg("merge needs two or more grids of one community"))
    union = shapely.union_all([shapely.buffer(g["geom"], 0) for g in chosen])
    if len(shapely.get_parts(union)) > 1:
        raise InvalidInput(msg("grids {codes} do not touch: merged they would be in pieces", codes=", ".join(codes)))
    merged = _row(chosen[0], polygonal(union)) | ({"name": name} if name else {})
    _record(session, plan_id, "merge", {"codes": codes}, chosen, [merged])
    return merged["code"]


def reassign(session: Session, plan_id: int, actor: Actor, to: str, area: dict) -> list[str]:
    """Hand the part of a GeoJSON polygon `area` lying in other grids of the same community to grid `to`
    (moving a shared edge, or giving a neighbour a block). Returns the grids that gave something."""
    _draft(session, plan_id, actor)
    region = geojson.read(area, ("Polygon", "MultiPolygon"))
    return _give(session, plan_id, to, region, "reassign", {"to": to, "area": area})


def move_buildings(session: Session, plan_id: int, actor: Actor, to: str, building_ids: list[int]) -> list[str]:
    """Hand whole buildings to grid `to`: each takes the land nearer to it than to any other building of its grid
    (its Voronoi cell), so the new edge runs between buildings. Returns the grids that gave something."""
    plan = _draft(session, plan_id, actor)
    grids = grids_of(session, plan_id)
    target = _grid({g["code"]: g for g in grids}, to)
    # only the plan's communities' buildings: one elsewhere is "no building", like one that does not exist
    rows = session.execute(text("SELECT id, ST_AsBinary(ST_PointOnSurface(geom)) FROM buildings "
                                "WHERE id = ANY(:ids) AND left(grid_code, 12) = ANY(:communities)"),
                           {"ids": building_ids, "communities": list(plan["communities"])}).all()
    missing = sorted(set(building_ids) - {r[0] for r in rows})
    if missing:
        raise InvalidInput(msg("no building {id}", id=missing[0]))
    moving = {r[0]: shapely.from_wkb(bytes(r[1])) for r in rows}
    region = shapely.union_all([_voronoi_cell(session, grids, target, point) for point in moving.values()])
    return _give(session, plan_id, to, region, "move_buildings", {"to": to, "buildings": sorted(moving)})


def _voronoi_cell(session: Session, grids: list[dict], target: dict, point):
    """The land of `point`'s grid nearer to `point` than to the grid's other buildings."""
    home = next((g for g in grids if g["geom"].covers(point) and g["community_code"] == target["community_code"]), None)
    if home is None or home["code"] == target["code"]:
        return shapely.Polygon()
    others = session.execute(text("SELECT ST_AsBinary(ST_PointOnSurface(geom)) FROM buildings "
                                  "WHERE ST_Covers(ST_GeomFromWKB(:grid_wkb, 4326), ST_PointOnSurface(geom))"),
                             {"grid_wkb": shapely.to_wkb(home["geom"])}).scalars()
    points = shapely.MultiPoint([shapely.from_wkb(bytes(w)) for w in others] or [point])
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=home["geom"]))
    mine = next(c for c in cells if c.covers(point))
    return mine.intersection(home["geom"])


def _give(session: Session, plan_id: int, to: str, region, op: str, params: dict) -> list[str]:
    """Move `region`'s land from the other grids of the target's community to the target, as one edit."""
    grids = {g["code"]: g for g in grids_of(session, plan_id)}
    target = _grid(grids, to)
    givers = [g for g in grids.values() if g["code"] != to and g["community_code"] == target["community_code"]
              and g["geom"].intersects(region) and g["geom"].intersection(region).area > MIN_PART_DEG2]
    if not givers:
        raise InvalidInput(msg("the area takes nothing from the other grids of {code}'s community", code=to))
    before, after = [target, *givers], []
    taken = shapely.union_all([g["geom"].intersection(region) for g in givers])
    for g in givers:
        rest = polygonal(g["geom"].difference(region))
        if rest is None:
            raise InvalidInput(msg("grid {code} would be left with nothing; merge it instead", code=g["code"]))
        after.append(_row(g, rest))
    after.insert(0, _row(target, polygonal(target["geom"].union(taken))))
    _record(session, plan_id, op, params, before, after)
    return [g["code"] for g in givers]


def undo(session: Session, plan_id: int, actor: Actor) -> str:
    """Take back the last edit still in force; returns its operation."""
    return _step(session, plan_id, actor, back=True)


def redo(session: Session, plan_id: int, actor: Actor) -> str:
    """Apply again the first edit taken back; returns its operation."""
    return _step(session, plan_id, actor, back=False)


def _step(session: Session, plan_id: int, actor: Actor, back: bool) -> str:
    """Undo (`back`) or redo one edit of a draft; its operation."""
    _draft(session, plan_id, actor)
    edit = session.execute(text(
        "SELECT id, op, before, after FROM plan_edits WHERE plan_id = :plan_id AND undone = :undone ORDER BY id "
        + ("DESC" if back else "") + " LIMIT 1"), {"plan_id": plan_id, "undone": not back}).first()
    if edit is None:
        raise Conflict(msg("plan {id} has nothing to undo", id=plan_id) if back
                       else msg("plan {id} has nothing to redo", id=plan_id))
    old, new = (edit.after, edit.before) if back else (edit.before, edit.after)
    _swap(session, plan_id, [_loaded(g) for g in old], [_loaded(g) for g in new])
    session.execute(text("UPDATE plan_edits SET undone = :undone WHERE id = :edit_id"),
                    {"edit_id": edit.id, "undone": back})
    return edit.op
