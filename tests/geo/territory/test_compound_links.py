"""Spatial links of imported compounds: buildings get their compound, follow a moved polygon, and compounds follow a
grid redraw (a grid boundary import, or a published plan)."""

from shapely.geometry import box, mapping
from sqlalchemy import text

from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.core.models import Role
from geo.planning import edits, publish
from geo.planning.plans import create_from_current
from geo.territory.boundary_import import import_boundaries
from geo.territory.compound_import import import_compounds
from tests.city import A1, A2, A3, A4, COMM_A, DISTRICT, SCHOOL, collection, feature, with_hole, write
from tests.party_city import build_party_city

PA5 = box(116.425, 39.905, 116.435, 39.915)  # in grid A4, around building b8


def compound_file(tmp_path, *items):
    features = [{"type": "Feature", "properties": {"code": code, "name": name}, "geometry": mapping(geom)}
                for code, name, geom in items]
    return write(tmp_path, "compounds.geojson", collection(*features))


def compound_of(session, building_code: str) -> str | None:
    return session.execute(text("SELECT c.code FROM buildings b LEFT JOIN compounds c ON c.id = b.compound_id "
                                "WHERE b.code = :b"), {"b": building_code}).scalar()


def grid_of(session, compound_code: str) -> str | None:
    return session.execute(text("SELECT grid_code FROM compounds WHERE code = :c"), {"c": compound_code}).scalar()


def test_buildings_get_their_compound_from_the_import(session, tmp_path):
    build_party_city(session)
    assert compound_of(session, "T-b8") is None
    report = import_compounds(session, compound_file(tmp_path, ("PA5", "甲五小区", PA5)))
    assert report.buildings_linked == 1 and compound_of(session, "T-b8") == "PA5"


def test_a_moved_polygon_moves_buildings_in_and_out(session, tmp_path):
    build_party_city(session)
    assert (compound_of(session, "T-b1"), compound_of(session, "T-b2")) == ("PA1", "PA1")
    moved = box(116.4025, 39.935, 116.405, 39.939)  # keeps b2 (116.403, 39.937), leaves b1 (116.402, 39.932)
    session.execute(text("INSERT INTO buildings (code, geom) VALUES ('T-new', ST_SetSRID(ST_MakePoint(116.404, 39.938), 4326))"))
    report = import_compounds(session, compound_file(tmp_path, ("PA1", "甲一小区", moved)))
    assert report.updated == ["PA1"] and report.buildings_linked == 2
    assert (compound_of(session, "T-b1"), compound_of(session, "T-b2"), compound_of(session, "T-new")) == \
        (None, "PA1", "PA1")


def test_a_grid_boundary_import_moves_the_compounds_grid(session, tmp_path):
    build_party_city(session)
    assert (grid_of(session, "PA1"), grid_of(session, "PA2")) == (A1, A1)
    # A1 (around the school grid) shrinks west of 116.4105, A2 grows over PA2 (116.411 … 116.419).
    grids = collection(feature(A1, "甲一网格", with_hole(box(116.40, 39.93, 116.4105, 39.96), SCHOOL)),
                       feature(A2, "甲二网格", box(116.4105, 39.93, 116.44, 39.96)))
    import_boundaries(session, write(tmp_path, "grids.geojson", grids), "grid")
    assert (grid_of(session, "PA1"), grid_of(session, "PA2")) == (A1, A2)


def test_a_published_plan_moves_the_compounds_grid(session, tmp_path):
    build_party_city(session)
    import_compounds(session, compound_file(tmp_path, ("PA5", "甲五小区", PA5)))
    assert (grid_of(session, "PA4"), grid_of(session, "PA5")) == (A3, A4)
    planner = Actor("planner", Role.planner, scope_for(session, "planner", DISTRICT))
    plan_id = create_from_current(session, planner, [COMM_A])
    assert edits.merge(session, plan_id, planner, [A3, A4]) == A3
    publish.publish(session, plan_id, planner, publish.china_today(), today=publish.china_today())
    assert (grid_of(session, "PA4"), grid_of(session, "PA5")) == (A3, A3)
