"""Impact of a plan against hand-computed numbers: per grid old and new, moves, balance."""

import pytest
from sqlalchemy import text

from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.core.errors import InvalidInput
from geo.core.models import Role
from geo.planning import edits
from geo.planning.impact import impact
from geo.planning.plans import create_from_current
from tests.city import A1, A2, COMM_A, DISTRICT


def building(session, name, x, y, households, per_household, special=0):
    """A building with households of `per_household` residents, `special` of them in a special group."""
    b = session.execute(text("INSERT INTO buildings (name, geom) VALUES (:n, ST_SetSRID(ST_MakePoint(:x, :y), 4326)) "
                             "RETURNING id"), {"n": name, "x": x, "y": y}).scalar()
    left = special
    for k in range(households):
        h = session.execute(text("INSERT INTO households (building_id, door) VALUES (:b, :d) RETURNING id"),
                            {"b": b, "d": str(k)}).scalar()
        for _ in range(per_household):
            groups = "{elderly_alone}" if left > 0 else "{}"
            left -= 1
            session.execute(text("INSERT INTO residents (household_id, name, special_groups) VALUES (:h, '居民', :g)"),
                            {"h": h, "g": groups})
    return b


def case(session, x, y, grid, status):
    session.execute(text("INSERT INTO cases (category, status, geom, grid_code, reported_at) VALUES ('env_garbage', :s, "
                         "ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, now() - interval '10 days')"),
                    {"s": status, "x": x, "y": y, "g": grid})


def test_splitting_a2_moves_the_northern_building_and_its_open_case(session, city):
    planner = Actor("planner", Role.planner, scope_for(session, "planner", DISTRICT))
    north = building(session, "北楼", 116.43, 39.955, households=3, per_household=2, special=1)
    building(session, "南楼", 116.43, 39.935, households=4, per_household=3)
    building(session, "甲一楼", 116.41, 39.935, households=2, per_household=1)
    case(session, 116.431, 39.956, A2, "handling")   # open, in the part that splits off
    case(session, 116.431, 39.936, A2, "closed")     # closed, stays
    plan = create_from_current(session, planner, [COMM_A])
    new = edits.split(session, plan, planner, A2, {"type": "LineString",
                                                   "coordinates": [[116.415, 39.95], [116.445, 39.95]]})
    found = impact(session, plan, planner, target=(5, 10))
    rows = {r["code"]: r for r in found["grids"]}
    a2, made, a1 = rows[A2], rows[new], rows[A1]
    assert (a2["households_before"], a2["households_after"]) == (7, 4)
    assert (a2["residents_before"], a2["residents_after"], a2["special_before"], a2["special_after"]) == (18, 12, 1, 0)
    assert (a2["open_cases_before"], a2["open_cases_after"], a2["cases_last_year_after"]) == (1, 0, 1)
    assert made["status"] == "new" and made["households_before"] is None
    assert (made["households_after"], made["residents_after"], made["open_cases_after"], made["staff_after"]) == (3, 6, 1, 0)
    assert (a1["status"], a1["households_before"], a1["households_after"]) == ("kept", 2, 2)
    assert found["moves"] == [{"source": A2, "target": new, "buildings": 1, "households": 3, "residents": 6,
                               "open_cases": 1}]
    assert [(b["id"], b["lon"], b["lat"]) for b in found["moved_buildings"]] == [(north, 116.43, 39.955)]
    # Households per grid: before A1 2, A2 7, A3/A4/A5 0 → within 5..10: one; after A2 4, new 3 → none.
    assert found["balance"]["before"]["within"] == 1 and found["balance"]["after"]["within"] == 0
    assert found["balance"]["after"]["max"] == 4


def test_an_untouched_plan_moves_nothing(session, city):
    planner = Actor("planner", Role.planner, scope_for(session, "planner", DISTRICT))
    building(session, "楼", 116.43, 39.955, households=2, per_household=1)
    plan = create_from_current(session, planner, [COMM_A])
    found = impact(session, plan, planner)
    assert found["moves"] == [] and all(r["status"] == "kept" for r in found["grids"])
    assert found["balance"]["before"] == found["balance"]["after"]
    with pytest.raises(InvalidInput):
        impact(session, plan, planner, target=(10, 5))


def test_compare_two_plans(session, city):
    from geo.planning.compare import compare
    planner = Actor("planner", Role.planner, scope_for(session, "planner", DISTRICT))
    building(session, "北楼", 116.43, 39.955, households=3, per_household=1)
    building(session, "南楼", 116.43, 39.935, households=4, per_household=1)
    same = create_from_current(session, planner, [COMM_A])
    split = create_from_current(session, planner, [COMM_A])
    new = edits.split(session, split, planner, A2, {"type": "LineString",
                                                    "coordinates": [[116.415, 39.95], [116.445, 39.95]]})
    found = compare(session, same, split, planner, target=(1, 5))
    first, second = found["plans"]
    assert first["households_moved"] == 0 and second["households_moved"] == 3 and second["grids_new"] == 1
    assert first["balance"]["within"] == 0 and second["balance"]["within"] == 2  # 7 → 4 and 3
    row = {g["code"]: g["households"] for g in found["grids"]}
    assert row[A2] == [7, 4] and row[new] == [None, 3]
