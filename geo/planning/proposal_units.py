"""The units a proposal is made of: each compound (小区) whose households fit the range's maximum is one unit,
the buildings of bigger compounds are units of their own, ordinary grids only; a unit's land is the Voronoi
cells of its buildings clipped to the community's land outside its dedicated grids, and units are adjacent
when their land shares an edge.
"""

from dataclasses import dataclass

import networkx as nx
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass
class Unit:
    key: str
    households: int
    current: str | None
    buildings: list[int]
    points: list


def units_of(session: Session, community: str, high: int) -> list[Unit]:
    """Compounds that fit `high` households as one unit, other buildings alone; ordinary grids only."""
    rows = session.execute(text("""
        SELECT b.id, coalesce(b.compound, '') AS compound, b.grid_code, ST_X(ST_PointOnSurface(b.geom)) AS x,
               ST_Y(ST_PointOnSurface(b.geom)) AS y, count(h.id) AS households
        FROM buildings b JOIN areas g ON g.code = b.grid_code AND g.parent_code = :community AND g.kind = 'ordinary'
        LEFT JOIN households h ON h.building_id = b.id GROUP BY b.id ORDER BY b.id"""),
        {"community": community}).mappings()
    by_compound: dict[tuple, list] = {}
    for r in rows:
        by_compound.setdefault((r["compound"] or f"#{r['id']}", r["grid_code"]), []).append(r)
    units = []
    for (compound, grid), members in sorted(by_compound.items()):
        total = sum(m["households"] for m in members)
        groups = [members] if total <= high else [[m] for m in members]
        for group in groups:
            units.append(Unit(f"{compound}@{grid}#{group[0]['id']}", sum(m["households"] for m in group), grid,
                              [m["id"] for m in group], [shapely.Point(m["x"], m["y"]) for m in group]))
    return units


def ordinary_land(session: Session, community: str):
    """The community's land outside its dedicated grids."""
    wkb = session.execute(text("""
        SELECT ST_AsBinary(ST_Difference(c.geom, coalesce((SELECT ST_Union(geom) FROM areas
                                                           WHERE parent_code = c.code AND kind = 'dedicated'),
                                                          ST_GeomFromText('POLYGON EMPTY', 4326))))
        FROM areas c WHERE c.code = :community"""), {"community": community}).scalar()
    return shapely.from_wkb(bytes(wkb))


def land_cells(units: list[Unit], land) -> list:
    """Each unit's land: the Voronoi cells of its buildings, clipped to `land`."""
    points = [p for u in units for p in u.points]
    owner = [i for i, u in enumerate(units) for _ in u.points]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=land))
    tree = shapely.STRtree(cells)
    pieces: list[list] = [[] for _ in units]
    for k, point in enumerate(points):
        cell = cells[tree.query(point, predicate="covered_by")[0]]
        pieces[owner[k]].append(cell.intersection(land))
    return [shapely.union_all(p) for p in pieces]


def adjacency(units: list[Unit], shapes: list) -> nx.Graph:
    """The units as a graph (households, current grid), an edge where two units' land shares an edge."""
    graph = nx.Graph()
    for i, u in enumerate(units):
        graph.add_node(i, households=u.households, current=u.current)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    for i, j in zip(left, right):
        if i < j and shapes[i].intersection(shapes[j]).length > 0:  # a shared edge, not a corner
            graph.add_edge(int(i), int(j))
    return graph
