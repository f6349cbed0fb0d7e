"""Plans from the current boundaries or a file, and every validation failure with its geometry."""

import pytest
from shapely.geometry import box, shape
from sqlalchemy import text

from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.core.errors import Forbidden, ImportRejected, NotFound
from geo.core.models import Role
from geo.planning.plans import create_from_current, create_from_file, plan_geojson
from geo.planning.validation import report_dict, validate_plan
from tests.city import (
    A1,
    A2,
    A3,
    A4,
    A5,
    B1,
    COMM_A,
    COMM_B,
    DISTRICT,
    collection,
    feature,
    write,
)


@pytest.fixture
def planner(session, city):
    return Actor("planner", Role.planner, scope_for(session, "planner", DISTRICT))


def problems(session, plan_id, actor, severity=None):
    found = report_dict(validate_plan(session, plan_id, actor), "en")["problems"]
    return [p for p in found if severity is None or p["severity"] == severity]


def test_a_copy_of_clean_boundaries_is_valid(session, planner):
    plan = create_from_current(session, planner, [COMM_A])
    assert [f["id"] for f in plan_geojson(session, plan, planner)["features"]] == [A1, A2, A3, A4, A5]
    report = validate_plan(session, plan, planner)
    assert report.valid and not [p for p in report.problems if p.severity == "error"]
    compact = {g["code"]: g["polsby_popper"] for g in report.grids}
    assert 0.7 < compact[A2] < 0.8  # a near-square


def test_gaps_and_pieces_are_found_with_their_geometry(session, planner):
    plan = create_from_current(session, planner, [COMM_B])
    errors = problems(session, plan, planner, "error")
    gaps = [p for p in errors if p["code"] == "gap"]
    assert len(gaps) == 2  # the south-east nobody covers, and B2's empty hole
    hole = min((shape(p["geometry"]) for p in gaps), key=lambda g: g.area)
    assert hole.bounds == pytest.approx((116.485, 39.945, 116.49, 39.95), abs=1e-6)
    pieces = [p for p in errors if p["code"] == "not_contiguous"]
    assert [p["grids"] for p in pieces] == [[B1]] and "2 separate pieces" in pieces[0]["message"]


def test_overlaps_outside_and_wrong_codes_from_a_file(session, planner, tmp_path):
    grids = [feature(A1, "甲一", box(116.40, 39.93, 116.421, 39.96)),      # 0.001° into A2
             feature(A2, "甲二", box(116.42, 39.93, 116.44, 39.96)),
             feature(A3, "甲三", box(116.40, 39.90, 116.42, 39.93)),
             feature(A4, "甲四", box(116.42, 39.895, 116.44, 39.93))]     # 0.005° south of the community
    plan = create_from_file(session, planner, write(tmp_path, "plan.geojson", collection(*grids)))
    errors = problems(session, plan, planner, "error")
    overlap = next(p for p in errors if p["code"] == "overlap")
    assert overlap["grids"] == [A1, A2]
    assert shape(overlap["geometry"]).bounds == pytest.approx((116.42, 39.93, 116.421, 39.96), abs=1e-6)
    outside = next(p for p in errors if p["code"] == "outside_community")
    assert outside["grids"] == [A4] and shape(outside["geometry"]).bounds[1] == pytest.approx(39.895, abs=1e-6)


def test_buildings_in_no_grid_or_several(session, planner):
    for name, x, y in (("无主楼", 116.495, 39.905), ("甲一楼", 116.41, 39.95)):
        session.execute(text("INSERT INTO buildings (name, geom) VALUES (:n, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"),
                        {"n": name, "x": x, "y": y})
    plan = create_from_current(session, planner, [COMM_B])
    lost = [p for p in problems(session, plan, planner) if p["code"] == "building_unassigned"]
    assert len(lost) == 1 and "无主楼" in lost[0]["message"]
    assert shape(lost[0]["geometry"]).coords[0] == pytest.approx((116.495, 39.905))


def test_numbering_and_slivers_are_warnings(session, planner, tmp_path):
    grids = [feature(A2, "甲二", box(116.40, 39.93, 116.42, 39.96)),   # the NW grid numbered 002
             feature(A1, "甲一", box(116.42, 39.93, 116.44, 39.96)),
             feature(A3, "甲三", box(116.40, 39.90, 116.42, 39.93)),
             feature(A4, "甲四", box(116.42 - 2e-9, 39.90, 116.44, 39.93))]  # a 0.2 mm overlap with A3
    plan = create_from_file(session, planner, write(tmp_path, "plan.geojson", collection(*grids)))
    warnings = problems(session, plan, planner, "warning")
    assert any(p["code"] == "numbering" and p["grids"][:2] == [A2, A1] for p in warnings)
    assert any(p["code"] == "edges_not_shared" for p in warnings)
    assert not any(p["code"] in ("gap", "overlap") for p in problems(session, plan, planner, "error"))


def test_who_may_plan_and_bad_files(session, planner, tmp_path):
    worker = Actor("w", Role.grid_worker, scope_for(session, "grid_worker", A1))
    with pytest.raises(Forbidden):
        create_from_current(session, worker, [COMM_A])
    with pytest.raises(NotFound):
        validate_plan(session, 999_999, planner)
    broken = collection({"type": "Feature", "properties": {"code": "12", "name": "x"}, "geometry": None})
    with pytest.raises(ImportRejected):
        create_from_file(session, planner, write(tmp_path, "bad.geojson", broken))
