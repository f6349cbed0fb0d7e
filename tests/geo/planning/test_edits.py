"""Each edit of a draft plan, with undo and redo, and the errors a planner can make."""

import pytest
from shapely.geometry import box, mapping
from sqlalchemy import text

from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.core.errors import Conflict, InvalidInput
from geo.core.models import Role
from geo.planning import edits
from geo.planning.plans import create_from_current, grids_of
from geo.planning.validation import validate_plan
from tests.city import A1, A2, A3, A4, COMM_A, DISTRICT


@pytest.fixture
def plan(session, city):
    planner = Actor("planner", Role.planner, scope_for(session, "planner", DISTRICT))
    return create_from_current(session, planner, [COMM_A]), planner


def shapes(session, plan_id):
    return {g["code"]: g["geom"] for g in grids_of(session, plan_id)}


def line(*points):
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def test_split_gives_the_smaller_part_a_new_code_and_stays_valid(session, plan):
    plan_id, planner = plan
    new = edits.split(session, plan_id, planner, A2, line((116.415, 39.950), (116.445, 39.950)))
    assert new == f"{COMM_A}006"  # 001-005 are taken
    after = shapes(session, plan_id)
    assert after[A2].bounds == pytest.approx((116.42, 39.93, 116.44, 39.95))      # the larger, southern 2/3
    assert after[new].bounds == pytest.approx((116.42, 39.95, 116.44, 39.96))
    report = validate_plan(session, plan_id, planner)
    assert report.valid and not [p for p in report.problems if p.code == "edges_not_shared"]  # A1 got the new vertex
    with pytest.raises(InvalidInput, match="exactly two parts"):
        edits.split(session, plan_id, planner, A2, line((116.50, 39.0), (116.51, 39.1)))


def test_merge_joins_neighbours_and_refuses_strangers(session, plan):
    plan_id, planner = plan
    assert edits.merge(session, plan_id, planner, [A3, A4], name="甲南网格") == A3
    after = shapes(session, plan_id)
    assert A4 not in after and after[A3].bounds == pytest.approx((116.40, 39.90, 116.44, 39.93))
    edits.split(session, plan_id, planner, A1, line((116.40, 39.945), (116.42, 39.945)))
    with pytest.raises(InvalidInput):
        edits.merge(session, plan_id, planner, [A2, A3, "110105001001099"])


def test_reassign_moves_a_shared_edge(session, plan):
    plan_id, planner = plan
    givers = edits.reassign(session, plan_id, planner, A1, mapping(box(116.42, 39.95, 116.43, 39.96)))
    assert givers == [A2]
    after = shapes(session, plan_id)
    assert after[A1].area == pytest.approx(box(116.40, 39.93, 116.42, 39.96).area - box(116.405, 39.94, 116.41, 39.945).area
                                           + box(116.42, 39.95, 116.43, 39.96).area, rel=1e-6)
    assert validate_plan(session, plan_id, planner).valid


def test_move_buildings_takes_their_land_between_buildings(session, plan):
    plan_id, planner = plan
    ids = [session.execute(text("INSERT INTO buildings (name, geom) VALUES (:n, ST_SetSRID(ST_MakePoint(:x, :y), 4326)) "
                                "RETURNING id"), {"n": n, "x": x, "y": y}).scalar()
           for n, x, y in (("东楼", 116.438, 39.95), ("西楼", 116.422, 39.95))]
    assert edits.move_buildings(session, plan_id, planner, A1, [ids[1]]) == [A2]
    after = shapes(session, plan_id)
    from shapely.geometry import Point
    assert after[A1].covers(Point(116.422, 39.95)) and after[A2].covers(Point(116.438, 39.95))
    assert validate_plan(session, plan_id, planner).valid


def test_undo_and_redo_walk_the_history(session, plan):
    plan_id, planner = plan
    original = shapes(session, plan_id)
    new = edits.split(session, plan_id, planner, A2, line((116.415, 39.95), (116.445, 39.95)))
    edits.merge(session, plan_id, planner, [A4, A3])
    assert edits.undo(session, plan_id, planner) == "merge"
    assert edits.undo(session, plan_id, planner) == "split"
    assert {k: v.wkt for k, v in shapes(session, plan_id).items()} == {k: v.wkt for k, v in original.items()}
    assert edits.redo(session, plan_id, planner) == "split"
    assert new in shapes(session, plan_id)
    edits.merge(session, plan_id, planner, [A1, A2])  # a new edit forgets the merge that was undone
    with pytest.raises(Conflict):
        edits.redo(session, plan_id, planner)
    version = session.execute(text("SELECT version FROM plans WHERE id = :p"), {"p": plan_id}).scalar()
    assert version == 1 + 6


def test_only_drafts_change(session, plan):
    plan_id, planner = plan
    with pytest.raises(InvalidInput):
        edits.reassign(session, plan_id, planner, A1, {"type": "Point", "coordinates": [0, 0]})
    with pytest.raises(InvalidInput):
        edits.split(session, plan_id, planner, A1, {"type": "LineString"})
    session.execute(text("UPDATE plans SET status = 'published' WHERE id = :p"), {"p": plan_id})
    with pytest.raises(Conflict):
        edits.merge(session, plan_id, planner, [A1, A2])


def test_export_grids_and_building_assignments(session, plan, tmp_path):
    import json as jsonlib

    import pyogrio

    from geo.planning.export import assignments_csv, grids_file
    plan_id, planner = plan
    session.execute(text("INSERT INTO buildings (name, geom) VALUES ('北楼', ST_SetSRID(ST_MakePoint(116.43, 39.955), 4326))"))
    new = edits.split(session, plan_id, planner, A2, line((116.415, 39.95), (116.445, 39.95)))
    doc = jsonlib.loads(grids_file(session, plan_id, planner, "geojson"))
    assert sorted(f["properties"]["code"] for f in doc["features"]) == sorted([A1, A2, A3, A4, f"{COMM_A}005", new])
    gpkg = tmp_path / "plan.gpkg"
    gpkg.write_bytes(grids_file(session, plan_id, planner, "gpkg"))
    assert len(pyogrio.read_dataframe(gpkg)) == 6
    rows = assignments_csv(session, plan_id, planner).decode("utf-8-sig").splitlines()
    assert rows[0] == "building_id,building_code,name,current_grid,plan_grid" and rows[1].endswith(f"{A2},{new}")
    with pytest.raises(InvalidInput):
        grids_file(session, plan_id, planner, "kml")
