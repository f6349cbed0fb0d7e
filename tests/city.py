"""A small test city with exact coordinates, so edges and vertices can be hit exactly.

District 110105 = street 110105001000 = box(116.40, 39.90, 116.50, 39.96).
Community A 110105001001 = box(116.40, 39.90, 116.44, 39.96), four grids meeting at (116.42, 39.93):
  A1 …001 NW (with a hole holding A5 …005, a dedicated school grid), A2 …002 NE, A3 …003 SW, A4 …004 SE.
Community B 110105001002 = box(116.44, 39.90, 116.50, 39.96):
  B1 …001 = box(116.44, 39.90, 116.47, 39.96) plus a detached part box(116.48, 39.91, 116.49, 39.92);
  B2 …002 = box(116.47, 39.93, 116.50, 39.96) with an empty hole box(116.485, 39.945, 116.49, 39.95).
  The rest of B's south-east is covered by no grid.
"""

import json
from pathlib import Path
from tempfile import mkdtemp

from shapely.geometry import MultiPolygon, Polygon, box, mapping

from geo.access.crypto import seal
from geo.core.models import Level
from geo.territory.boundary_import import import_boundaries

DISTRICT, STREET, COMM_A, COMM_B = "110105", "110105001000", "110105001001", "110105001002"
A1, A2, A3, A4, A5 = (f"{COMM_A}00{i}" for i in range(1, 6))
B1, B2 = f"{COMM_B}001", f"{COMM_B}002"
SCHOOL = box(116.405, 39.94, 116.410, 39.945)
B2_HOLE = box(116.485, 39.945, 116.49, 39.95)


def feature(code: str, name: str, geom, **props) -> dict:
    return {"type": "Feature", "properties": {"code": code, "name": name, **props}, "geometry": mapping(geom)}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def write(folder: Path, name: str, doc: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path


def with_hole(outer, hole) -> Polygon:
    return Polygon(outer.exterior.coords, [hole.exterior.coords])


LAYERS = {
    Level.district: [feature(DISTRICT, "朝阳区", box(116.40, 39.90, 116.50, 39.96))],
    Level.street: [feature(STREET, "测试街道", box(116.40, 39.90, 116.50, 39.96))],
    Level.community: [feature(COMM_A, "甲社区", box(116.40, 39.90, 116.44, 39.96)),
                      feature(COMM_B, "乙社区", box(116.44, 39.90, 116.50, 39.96))],
    Level.grid: [
        feature(A1, "甲一网格", with_hole(box(116.40, 39.93, 116.42, 39.96), SCHOOL)),
        feature(A2, "甲二网格", box(116.42, 39.93, 116.44, 39.96)),
        feature(A3, "甲三网格", box(116.40, 39.90, 116.42, 39.93)),
        feature(A4, "甲四网格", box(116.42, 39.90, 116.44, 39.93)),
        feature(A5, "第一小学专属网格", SCHOOL, purpose="school"),
        feature(B1, "乙一网格", MultiPolygon([box(116.44, 39.90, 116.47, 39.96), box(116.48, 39.91, 116.49, 39.92)])),
        feature(B2, "乙二网格", with_hole(box(116.47, 39.93, 116.50, 39.96), B2_HOLE)),
    ],
}


def build_city(session, levels=tuple(Level)) -> dict[Level, list[dict]]:
    """Import the layers (top down) through the real importer."""
    folder = Path(mkdtemp(prefix="city-"))
    for level in levels:
        import_boundaries(session, write(folder, f"{level}.geojson", collection(*LAYERS[level])), level)
    return LAYERS


PASSWORD = "correct-horse-battery"


def staff_the_city(session) -> dict[str, int]:
    """Staff on duty (two workers and a leader in A1, a worker in B1, community and street staff) and their
    accounts; returns staff ids by name. Users: w1, w2 (grid workers of A1), wb (of B1), comm (community A),
    street, command (district), planner; all with PASSWORD."""
    from sqlalchemy import text

    from geo.access.accounts import create_user
    people = [("w1", "fulltime_worker", A1, "grid_worker"), ("w2", "fulltime_worker", A1, "grid_worker"),
              ("leader", "grid_leader", A1, None), ("wb", "fulltime_worker", B1, "grid_worker"),
              ("comm", "community_staff", COMM_A, "community_staff"), ("street", "street_staff", STREET, "street_staff")]
    ids = {}
    for name, duty, area, role in people:
        user_id = None
        if role:
            user_id = create_user(session, username=name, password=PASSWORD, role=role, scope_code=area).id
        ids[name] = session.execute(text("INSERT INTO staff (name, phone_enc, user_id) VALUES (:n, :p, :u) "
                                         "RETURNING id"), {"n": name, "p": seal("13800000000"), "u": user_id}).scalar()
        session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date) "
                             "VALUES (:s, :d, :a, '2020-01-01')"), {"s": ids[name], "d": duty, "a": area})
    create_user(session, username="command", password=PASSWORD, role="command_center", scope_code=DISTRICT)
    create_user(session, username="planner", password=PASSWORD, role="planner", scope_code=DISTRICT)
    session.flush()
    return ids


# A neighbouring district east of the city, one street, community and grid (丙一) with a worker `wc` and the street's
# own staff `street2`: a place there lies outside every account of staff_the_city (tests/e2e/test_dispatch.py).
NEIGHBOUR_STREET, C1 = "110106001000", "110106001001001"
NEIGHBOUR = {
    Level.district: [feature("110106", "丰台区", box(116.50, 39.90, 116.56, 39.96))],
    Level.street: [feature(NEIGHBOUR_STREET, "邻街道", box(116.50, 39.90, 116.56, 39.96))],
    Level.community: [feature("110106001001", "丙社区", box(116.50, 39.90, 116.56, 39.96))],
    Level.grid: [feature(C1, "丙一网格", box(116.50, 39.90, 116.56, 39.96))],
}


def build_neighbour(session) -> None:
    """The neighbouring district (NEIGHBOUR), its grid worker `wc` and street staff `street2` (PASSWORD)."""
    from sqlalchemy import text

    from geo.access.accounts import create_user
    folder = Path(mkdtemp(prefix="neighbour-"))
    for level in Level:
        import_boundaries(session, write(folder, f"{level}.geojson", collection(*NEIGHBOUR[level])), level)
    for name, duty, area, role in (("wc", "fulltime_worker", C1, "grid_worker"),
                                   ("street2", "street_staff", NEIGHBOUR_STREET, "street_staff")):
        user_id = create_user(session, username=name, password=PASSWORD, role=role, scope_code=area).id
        staff = session.execute(text("INSERT INTO staff (name, phone_enc, user_id) VALUES (:n, :p, :u) RETURNING id"),
                                {"n": name, "p": seal("13800000009"), "u": user_id}).scalar()
        session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date) "
                             "VALUES (:s, :d, :a, '2020-01-01')"), {"s": staff, "d": duty, "a": area})
    session.flush()
