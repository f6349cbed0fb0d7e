"""The organisation tree a caller may see, and the compounds of the 党建 map layer (docs/maps.md).

An organisation is in scope when its area is; the ancestors of those are added as bare nodes (id, name, level) so
the tree hangs together. Who is a member is personal data: a node carries counts and `has_secretary`, never names.
"""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope, like_pattern
from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.party.compound_coverage import compound_coverage, required_activities
from geo.party.coverage import period

BUILDING_PAD_M = 30  # a building group's anchor: its building, buffered so the map has something to fly to

ORGS_SQL = """
SELECT o.id, o.code, o.name, o.level, o.parent_id, o.area_code LIKE :pattern AS in_scope,
       (SELECT count(*) FROM party_members m WHERE m.org_id = o.id) AS own_members,
       EXISTS (SELECT 1 FROM party_org_posts p WHERE p.org_id = o.id AND p.post = 'secretary') AS has_secretary,
       coalesce((SELECT array_agg(compound_id) FROM party_org_compounds c WHERE c.org_id = o.id), '{}') AS compounds
FROM party_orgs o ORDER BY o.level, o.code
"""
# Activities of each organisation up to :end, and how many fell in [:start, :end].
ACTIVITY_SQL = """
SELECT org_id, max(held_on) AS last_activity, count(*) FILTER (WHERE held_on >= :start) AS recent
FROM party_activities WHERE held_on <= :end GROUP BY org_id
"""
# [minx, miny, maxx, maxy] of each organisation's anchor, for the ids asked.
BBOX_SQL = f"""
SELECT o.id, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM party_orgs o, LATERAL (SELECT CASE
    WHEN o.level = 'compound_branch' THEN (SELECT ST_Extent(c.geom) FROM party_org_compounds oc
                                           JOIN compounds c ON c.id = oc.compound_id WHERE oc.org_id = o.id)
    WHEN o.level = 'building_group' AND o.building_id IS NOT NULL THEN
        (SELECT ST_Extent(ST_Buffer(b.geom::geography, {BUILDING_PAD_M})::geometry) FROM buildings b
         WHERE b.id = o.building_id)
    ELSE (SELECT ST_Extent(a.geom) FROM areas a WHERE a.code = o.area_code) END::geometry AS e) x
WHERE o.id = ANY(:ids)
"""

# Each compound's last activity up to :end, by the organisation covering it or a building group under that one.
LAST_ACTIVITY_SQL = """
SELECT oc.compound_id, max(a.held_on) FROM party_org_compounds oc
JOIN party_orgs o ON o.id = oc.org_id OR (o.parent_id = oc.org_id AND o.level = 'building_group')
JOIN party_activities a ON a.org_id = o.id AND a.held_on <= :end
WHERE oc.compound_id = ANY(:ids) GROUP BY oc.compound_id
"""


def org_tree(session: Session, scope: Scope, today: date, root: int | None = None) -> list[dict]:
    """The roots of the organisation tree in `scope` (or the one node `root`), worked over the last 90 days."""
    start, end = period(None, None, today)
    rows = {r["id"]: dict(r) for r in session.execute(text(ORGS_SQL), {"pattern": like_pattern(scope)}).mappings()}
    shown = _with_ancestors(rows)
    if root is not None and root not in shown:
        raise NotFound(msg("no party organisation {id}", id=root))
    activity = {r["org_id"]: r for r in session.execute(text(ACTIVITY_SQL), {"start": start, "end": end}).mappings()}
    visible = [i for i in shown if rows[i]["in_scope"]]
    boxes = {r[0]: [round(v, 6) for v in r[1:]] if r[1] is not None else None
             for r in session.execute(text(BBOX_SQL), {"ids": visible})}
    nodes = {i: _node(rows[i], boxes.get(i)) for i in shown}
    for i in sorted(shown, key=lambda i: rows[i]["code"]):
        parent = rows[i]["parent_id"]
        if parent in nodes:
            nodes[parent]["children"].append(nodes[i])
    required = required_activities(start, end)
    for i in shown:
        if rows[i]["parent_id"] not in nodes:
            _totals(nodes[i], rows, activity, required)
    if root is not None:
        return [nodes[root]]
    return [nodes[i] for i in sorted(shown, key=lambda i: rows[i]["code"]) if rows[i]["parent_id"] not in nodes]


def _with_ancestors(rows: dict) -> set[int]:
    """The ids of the organisations in scope and of every organisation above one."""
    shown: set[int] = set()
    for i, row in rows.items():
        if not row["in_scope"]:
            continue
        node = i
        while node is not None and node not in shown:
            shown.add(node)
            node = rows[node]["parent_id"]
    return shown


def _node(row: dict, bbox: list[float] | None) -> dict:
    """A node as the API answers it; an ancestor out of scope keeps only id, name and level."""
    bare = not row["in_scope"]
    return {"id": row["id"], "code": None if bare else row["code"], "name": row["name"], "level": row["level"],
            "in_scope": not bare, "members": None, "compounds": None, "has_secretary": None if bare else
            row["has_secretary"], "worked": None, "last_activity": None, "bbox": None if bare else bbox,
            "children": []}


def _totals(node: dict, rows: dict, activity: dict, required: int) -> tuple[int, set[int], int, date | None]:
    """Fill members, compounds, recent activities and the last one of the organisation and those under it (a
    compound branch works through its building groups: compound_coverage.py's rule); returns the four."""
    row, mine = rows[node["id"]], activity.get(node["id"])
    members, compounds = row["own_members"], set(row["compounds"])
    recent, last = (mine["recent"], mine["last_activity"]) if mine else (0, None)
    for child in node["children"]:
        m, c, r, l = _totals(child, rows, activity, required)
        members, compounds, recent = members + m, compounds | c, recent + r
        last = max(filter(None, (last, l)), default=None)
    if node["in_scope"]:
        node.update(members=members, compounds=len(compounds), worked=recent >= required,
                    last_activity=last.isoformat() if last else None)
    return members, compounds, recent, last


def party_compounds(session: Session, scope: Scope, start: date, end: date, grid: str | None = None) -> dict:
    """The compounds in `scope` (or in one grid of it) with both coverages, as a GeoJSON FeatureCollection."""
    found = [c for c in compound_coverage(session, like_pattern(scope), start, end)
             if grid is None or c["grid_code"] == grid]
    ids = [c["id"] for c in found]
    extra = {r["id"]: r for r in session.execute(text(
        "SELECT id, ST_AsGeoJSON(geom, 6)::json AS geometry, property_company, red_property FROM compounds "
        "WHERE id = ANY(:ids)"), {"ids": ids}).mappings()}
    # The last activity before the period's end, inside it or not: an idle branch shows when it last worked.
    last = dict(session.execute(text(LAST_ACTIVITY_SQL), {"ids": ids, "end": end}).all())
    names = dict(session.execute(text("SELECT id, name FROM party_orgs WHERE id = ANY(:ids)"),
                                 {"ids": sorted({o for c in found for o in c["orgs"]})}).all())
    features = [{"type": "Feature", "id": c["id"], "geometry": extra[c["id"]]["geometry"], "properties": {
        "code": c["code"], "name": c["name"], "grid_code": c["grid_code"], "community_code": c["community_code"],
        "property_company": extra[c["id"]]["property_company"], "red_property": extra[c["id"]]["red_property"],
        "org_covered": c["org_covered"], "work_covered": c["work_covered"], "activities": c["activities"],
        "last_activity": last[c["id"]].isoformat() if c["id"] in last else None,
        "branches": [names[o] for o in c["orgs"]], "gap": not (c["org_covered"] and c["work_covered"])}}
        for c in found]
    return {"type": "FeatureCollection", "features": features, "period": {"from": start.isoformat(),
                                                                          "to": end.isoformat()}}
