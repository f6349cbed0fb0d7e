"""Publishing a plan: boundaries in force from a day, history for `at=`, cases and staff follow, all or nothing."""

from datetime import date, timedelta

import pytest
from shapely.geometry import box
from sqlalchemy import text

from geo.access import audit
from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.core.errors import (
    Conflict,
    ImportRejected,
    InvalidInput,
    NotFound,
    PlanInvalid,
)
from geo.core.models import Level, Role
from geo.planning import edits, publish
from geo.planning.impact import impact
from geo.planning.plans import create_from_current
from geo.planning.validation import validate_plan
from geo.territory import areas, history
from geo.territory.boundary_import import import_boundaries
from geo.territory.locate import locate
from tests.city import (
    A2,
    A3,
    A4,
    COMM_A,
    DISTRICT,
    collection,
    feature,
    staff_the_city,
    write,
)
from tests.geo.planning.test_impact import building

TODAY = publish.china_today()
YESTERDAY = TODAY - timedelta(days=1)
NEW = f"{COMM_A}006"


def line(*points):
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def open_case(session, x, y, grid, status="handling", assignee=None):
    return session.execute(text(
        "INSERT INTO cases (category, status, geom, grid_code, handler_level, handler_area, assignee_id) "
        "VALUES ('env_garbage', :s, ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, 'grid', :g, :a) RETURNING id"),
        {"s": status, "x": x, "y": y, "g": grid, "a": assignee}).scalar()


@pytest.fixture
def world(session, city):
    """A planner's draft for community A: A3 and A4 merged (A4 retired), A2 split at 39.95 (north → 006);
    a worker on A4, cases and buildings in the land that moves."""
    staff = staff_the_city(session)
    w4 = session.execute(text("INSERT INTO staff (name) VALUES ('w4') RETURNING id")).scalar()
    session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date) "
                         "VALUES (:s, 'fulltime_worker', :a, '2020-01-01')"), {"s": w4, "a": A4})
    planner = Actor("planner", Role.planner, scope_for(session, "planner", DISTRICT))
    plan_id = create_from_current(session, planner, [COMM_A])
    edits.merge(session, plan_id, planner, [A3, A4])
    assert edits.split(session, plan_id, planner, A2, line((116.415, 39.95), (116.445, 39.95))) == NEW
    ids = {
        "open_a4": open_case(session, 116.43, 39.91, A4, assignee=w4),
        "closed_a4": open_case(session, 116.431, 39.911, A4, status="closed", assignee=w4),
        "open_north": open_case(session, 116.43, 39.955, A2),
        "open_south": open_case(session, 116.43, 39.94, A2),
        "building_a4": building(session, "南楼", 116.43, 39.92, households=2, per_household=1),
        "building_north": building(session, "北楼", 116.43, 39.955, households=2, per_household=1),
        "w4": w4, **staff}
    session.flush()
    return plan_id, planner, ids


def grid_of(session, table, id_):
    return session.execute(text(f"SELECT grid_code FROM {table} WHERE id = :i"), {"i": id_}).scalar()


def codes(session, at=None):
    return [f["id"] for f in areas.list_areas(session, Level.grid, parent=COMM_A, at=at)["features"]]


def test_publishing_today_retires_redraws_and_issues(session, world):
    plan_id, planner, ids = world
    outcome = publish.publish(session, plan_id, planner, TODAY, today=TODAY)
    assert (outcome["retired"], outcome["redrawn"], outcome["issued"]) == ([A4], [A2, A3], [NEW])
    assert outcome["buildings_moved"] == 2 and outcome["cases_rerouted"] == 2 and outcome["assignments_moved"] == 1
    assert codes(session) == [f"{COMM_A}001", A2, A3, f"{COMM_A}005", NEW]
    assert codes(session, at=YESTERDAY) == [f"{COMM_A}00{i}" for i in range(1, 6)]
    assert session.execute(text("SELECT status, effective_from FROM plans WHERE id = :p"),
                           {"p": plan_id}).one() == ("published", TODAY)
    assert grid_of(session, "buildings", ids["building_a4"]) == A3
    assert grid_of(session, "buildings", ids["building_north"]) == NEW
    logged = {e["action"]: e for e in audit.entries(session, actor="planner")["items"]}
    assert logged["publish_plan"]["object"] == f"plan:{plan_id}" and logged["apply_plan"]["detail"]["retired"] == [A4]


def test_at_answers_with_the_boundaries_of_that_day(session, world):
    plan_id, planner, _ = world
    publish.publish(session, plan_id, planner, TODAY, today=TODAY)
    assert locate(session, 116.43, 39.91, at=YESTERDAY).grid.code == A4
    assert locate(session, 116.43, 39.91).grid.code == A3
    assert locate(session, 116.43, 39.955, at=YESTERDAY).grid.code == A2
    assert locate(session, 116.43, 39.955, at=TODAY).grid.code == NEW
    assert areas.get_area(session, Level.grid, A4, at=YESTERDAY)["properties"]["name"] == "甲四网格"
    with pytest.raises(NotFound):
        areas.get_area(session, Level.grid, A4)
    with pytest.raises(NotFound):
        areas.get_area(session, Level.grid, NEW, at=YESTERDAY)
    old = areas.get_area(session, Level.grid, A3, at=YESTERDAY)["geometry"]
    assert old["coordinates"] != areas.get_area(session, Level.grid, A3)["geometry"]["coordinates"]
    versions = history.versions(session, Level.grid, A3)["features"]
    assert [(v["properties"]["valid_from"], v["properties"]["valid_to"]) for v in versions] == [
        (None, TODAY.isoformat()), (TODAY.isoformat(), None)]
    assert versions[1]["properties"]["plan_id"] == plan_id
    assert [v["properties"]["valid_to"] for v in history.versions(session, Level.grid, A4)["features"]] == [
        TODAY.isoformat()]


def test_open_cases_follow_their_grid_and_closed_ones_stay(session, world):
    plan_id, planner, ids = world
    publish.publish(session, plan_id, planner, TODAY, today=TODAY)
    moved = session.execute(text("SELECT grid_code, handler_area, assignee_id FROM cases WHERE id = :i"),
                            {"i": ids["open_a4"]}).one()
    # w4 moves with A4's land to A3, so the case keeps its worker.
    assert moved == (A3, A3, ids["w4"])
    assert grid_of(session, "cases", ids["closed_a4"]) == A4
    assert grid_of(session, "cases", ids["open_north"]) == NEW
    assert grid_of(session, "cases", ids["open_south"]) == A2
    event = session.execute(text("SELECT action, note, data FROM case_events WHERE case_id = :i"),
                            {"i": ids["open_a4"]}).one()
    assert event.action == "reroute" and f"plan {plan_id}" in event.note
    assert event.data | {} == {"plan": plan_id, "effective_from": TODAY.isoformat(), "from_grid": A4,
                               "to_grid": A3, "from_assignee": ids["w4"], "to_assignee": ids["w4"]}
    assert session.execute(text("SELECT count(*) FROM case_events WHERE case_id = :i"),
                           {"i": ids["closed_a4"]}).scalar() == 0


def test_staff_of_a_retired_grid_continue_in_its_successor(session, world):
    plan_id, planner, ids = world
    foreseen = {g["code"]: (g["staff_before"], g["staff_after"]) for g in impact(session, plan_id, planner)["grids"]}
    assert foreseen[A3] == (0, 1) and foreseen[A4] == (1, None) and foreseen[NEW] == (None, 0)
    publish.publish(session, plan_id, planner, TODAY, today=TODAY)
    rows = session.execute(text("SELECT area_code, start_date, end_date FROM staff_assignments WHERE staff_id = :s "
                                "ORDER BY start_date"), {"s": ids["w4"]}).all()
    assert [tuple(r) for r in rows] == [(A4, date(2020, 1, 1), YESTERDAY),
                                        (A3, TODAY, None)]


def test_a_failure_midway_leaves_everything_as_it_was(session, world, monkeypatch):
    plan_id, planner, ids = world

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure while re-routing cases")

    monkeypatch.setattr(publish, "_reroute_cases", broken)
    with pytest.raises(RuntimeError, match="injected"):
        publish.publish(session, plan_id, planner, TODAY, today=TODAY)
    assert codes(session) == [f"{COMM_A}00{i}" for i in range(1, 6)]
    assert session.execute(text("SELECT count(*) FROM area_history")).scalar() == 0
    assert session.execute(text("SELECT status, effective_from FROM plans WHERE id = :p"),
                           {"p": plan_id}).one() == ("draft", None)
    assert audit.entries(session, action="publish_plan")["total"] == 0
    assert grid_of(session, "buildings", ids["building_a4"]) == A4
    assert session.execute(text("SELECT count(*) FROM staff_assignments WHERE staff_id = :s AND end_date IS NULL"),
                           {"s": ids["w4"]}).scalar() == 1
    monkeypatch.undo()
    assert publish.publish(session, plan_id, planner, TODAY, today=TODAY)["retired"] == [A4]


def test_an_invalid_plan_is_refused_with_its_errors(session, world):
    plan_id, planner, _ = world
    session.execute(text("DELETE FROM plan_grids WHERE plan_id = :p AND code = :c"), {"p": plan_id, "c": NEW})
    with pytest.raises(PlanInvalid) as refused:
        publish.publish(session, plan_id, planner, TODAY, today=TODAY)
    assert any("belong to no grid" in p for p in refused.value.problems)
    assert codes(session) == [f"{COMM_A}00{i}" for i in range(1, 6)]
    with pytest.raises(InvalidInput, match="in the past"):
        publish.publish(session, plan_id, planner, YESTERDAY, today=TODAY)


def test_a_later_day_is_scheduled_and_applied_by_the_tick(session, world):
    plan_id, planner, ids = world
    day = TODAY + timedelta(days=3)
    assert publish.publish(session, plan_id, planner, day, today=TODAY)["status"] == "scheduled"
    assert codes(session) == [f"{COMM_A}00{i}" for i in range(1, 6)]
    with pytest.raises(Conflict):
        publish.publish(session, plan_id, planner, day, today=TODAY)
    assert publish.apply_due(session, day - timedelta(days=1)) == []
    [outcome] = publish.apply_due(session, day)
    assert outcome["retired"] == [A4] and outcome["effective_from"] == day.isoformat()
    assert codes(session, at=day) == [f"{COMM_A}001", A2, A3, f"{COMM_A}005", NEW]
    assert codes(session, at=TODAY) == [f"{COMM_A}00{i}" for i in range(1, 6)]


def test_retired_codes_are_never_issued_again(session, world, tmp_path):
    plan_id, planner, _ = world
    publish.publish(session, plan_id, planner, TODAY, today=TODAY)
    again = create_from_current(session, planner, [COMM_A])
    session.execute(text("UPDATE plan_grids SET code = :old WHERE plan_id = :p AND code = :new"),
                    {"p": again, "old": A4, "new": NEW})
    assert "code_retired" in {p.code for p in validate_plan(session, again, planner).problems}
    # The next code a split hands out skips the retired ones too.
    assert edits.next_code(session, again, COMM_A) == f"{COMM_A}007"
    path = write(tmp_path, "grids.geojson", collection(feature(A4, "甲四网格", box(116.42, 39.90, 116.44, 39.91))))
    with pytest.raises(ImportRejected) as rejected:
        import_boundaries(session, path, Level.grid)
    assert any("retired" in p for p in rejected.value.problems)


def test_a_surviving_code_must_keep_its_meaning(session, world):
    _, planner, _ = world
    plan_id = create_from_current(session, planner, [COMM_A])
    # Swap the codes of A3 and A4: each now names land that is not its own.
    for old, new in ((A3, f"{COMM_A}999"), (A4, A3), (f"{COMM_A}999", A4)):
        session.execute(text("UPDATE plan_grids SET code = :new WHERE plan_id = :p AND code = :old"),
                        {"p": plan_id, "old": old, "new": new})
    problems = [p for p in validate_plan(session, plan_id, planner).problems if p.code == "code_meaning"]
    assert sorted(c for p in problems for c in p.grids) == [A3, A4]
