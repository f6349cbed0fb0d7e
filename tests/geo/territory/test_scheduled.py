"""`at=` a day to come answers with the boundaries the scheduled plans due by then will draw, composed in day order;
applying them on their day changes no answer; unscheduling (or the round sending a plan back to draft) reverts."""

import json
from datetime import datetime, time, timedelta

import pytest
from shapely.geometry import box, mapping, shape
from sqlalchemy import event, text

from geo.core.errors import Conflict, NotFound
from geo.core.models import Level
from geo.core.time import CHINA
from geo.planning import edits, publish
from geo.planning.plans import create_from_current
from geo.rounds import run_round
from geo.territory import areas, history
from geo.territory.locate import locate
from geo.territory.scheduled import due_by
from tests.city import A1, A2, A3, A4, A5, COMM_A
from tests.geo.planning.test_publish import NEW, TODAY, world  # noqa: F401 (the fixture)

D = TODAY + timedelta(days=3)
SOUTH_EAST, NORTH, STRIP = (116.43, 39.91), (116.43, 39.955), (116.41, 39.927)
# Points on every edge and vertex of community A and inside each grid (edges decide between candidates).
LATTICE = [(116.40 + i * 0.005, 39.90 + j * 0.0025) for i in range(9) for j in range(25)]


def grid_at(session, point, at=None):
    return locate(session, *point, at=at).grid.code


def codes(session, at=None):
    return [f["id"] for f in areas.list_areas(session, Level.grid, parent=COMM_A, at=at)["features"]]


def spans(session, code, at=None):
    return [(f["properties"]["valid_from"], f["properties"]["valid_to"], f["properties"].get("scheduled"))
            for f in history.versions(session, Level.grid, code, at=at)["features"]]


def snapshot(session, day):
    """Everything `at=day` answers: every area of every level, locate on the lattice, every grid code's history."""
    features = [areas.list_areas(session, level, at=day)["features"] for level in Level]
    located = [(p, locate(session, *p, at=day).grid.code) for p in LATTICE]
    grids = session.execute(text("SELECT code FROM area_records WHERE level = 'grid' UNION "
                                 "SELECT code FROM plan_grids ORDER BY 1")).scalars().all()
    versions = {}
    for code in grids:
        try:
            versions[code] = [dict(f["properties"], scheduled=None) | {"geometry": f["geometry"]}
                              for f in history.versions(session, Level.grid, code, at=day)["features"]]
        except NotFound:
            versions[code] = None
    return features, located, versions


def test_a_scheduled_plan_answers_from_its_day_on(session, world):  # noqa: F811
    plan_id, planner, _ = world
    publish.publish(session, plan_id, planner, D, today=TODAY)
    assert grid_at(session, SOUTH_EAST, D - timedelta(days=1)) == A4
    assert grid_at(session, SOUTH_EAST, D) == A3 and grid_at(session, SOUTH_EAST, D + timedelta(days=5)) == A3
    assert grid_at(session, NORTH, D - timedelta(days=1)) == A2 and grid_at(session, NORTH, D) == NEW
    assert grid_at(session, SOUTH_EAST) == A4 and grid_at(session, SOUTH_EAST, TODAY) == A4
    after = D + timedelta(days=1)
    assert codes(session, after) == [A1, A2, A3, A5, NEW] and codes(session) == [A1, A2, A3, A4, A5]
    planned = session.execute(text("SELECT ST_AsGeoJSON(geom) FROM plan_grids WHERE plan_id = :p AND code = :c"),
                              {"p": plan_id, "c": NEW}).scalar()
    new = areas.get_area(session, Level.grid, NEW, at=after)
    assert shape(new["geometry"]).equals(shape(json.loads(planned)))
    assert new["properties"]["valid_from"] == D.isoformat() and new["properties"]["parent_code"] == COMM_A
    assert areas.get_area(session, Level.grid, A3, at=after)["properties"]["valid_from"] == D.isoformat()
    assert areas.get_area(session, Level.grid, A5, at=after)["properties"]["valid_from"] is None  # untouched
    with pytest.raises(NotFound):
        areas.get_area(session, Level.grid, A4, at=after)
    with pytest.raises(NotFound):
        areas.get_area(session, Level.grid, NEW)
    community = areas.get_area(session, Level.community, COMM_A, at=after)["properties"]
    assert community["children"] == 5


def test_history_at_a_day_to_come_lists_the_scheduled_change(session, world):  # noqa: F811
    plan_id, planner, _ = world
    publish.publish(session, plan_id, planner, D, today=TODAY)
    after = D + timedelta(days=1)
    assert spans(session, A3, after) == [(None, D.isoformat(), False), (D.isoformat(), None, True)]
    assert history.versions(session, Level.grid, A3, at=after)["features"][1]["properties"]["plan_id"] == plan_id
    assert spans(session, A4, after) == [(None, D.isoformat(), False)]
    assert spans(session, NEW, after) == [(D.isoformat(), None, True)]
    assert spans(session, A5, after) == [(None, None, False)]
    assert spans(session, A3) == [(None, None, None)] and spans(session, A3, D - timedelta(days=1)) == [
        (None, None, False)]
    with pytest.raises(NotFound):
        history.versions(session, Level.grid, NEW)


def test_applying_on_the_day_answers_as_predicted(session, world):  # noqa: F811
    plan_id, planner, _ = world
    publish.publish(session, plan_id, planner, D, today=TODAY)
    predicted = {day: snapshot(session, day) for day in (D, D + timedelta(days=7))}
    [outcome] = run_round(session, datetime.combine(D, time(0, 10), CHINA)).plans  # the round, on the day
    assert outcome["status"] == "published" and outcome["effective_from"] == D.isoformat()
    for day, answer in predicted.items():
        assert snapshot(session, day) == answer, day


def test_two_scheduled_plans_compose_in_day_order(session, world):  # noqa: F811
    later, planner, _ = world  # merges A3 and A4, splits A2: published second, for the later day
    earlier = create_from_current(session, planner, [COMM_A])  # hands A3's northern strip to A1
    edits.reassign(session, earlier, planner, A1, mapping(box(116.40, 39.925, 116.42, 39.93)))
    d1, d2 = TODAY + timedelta(days=2), TODAY + timedelta(days=6)
    publish.publish(session, later, planner, d2, today=TODAY)
    publish.publish(session, earlier, planner, d1, today=TODAY)
    assert [p for p, _, _ in due_by(session, d2)] == [earlier, later]  # by day, though `later` has the lower id
    assert grid_at(session, STRIP, d1 - timedelta(days=1)) == A3
    assert grid_at(session, STRIP, d1) == A1 and grid_at(session, NORTH, d1) == A2
    # The later plan redraws all of community A again: its A1 is today's, its A3 takes the strip back.
    assert grid_at(session, STRIP, d2) == A3 and grid_at(session, NORTH, d2) == NEW
    assert spans(session, A1, d2) == [(None, d1.isoformat(), False), (d1.isoformat(), d2.isoformat(), True),
                                      (d2.isoformat(), None, True)]
    assert spans(session, A5, d2) == [(None, None, False)]
    predicted = {day: snapshot(session, day) for day in (d1, d2 + timedelta(days=1))}
    publish.apply_due(session, d1)
    assert snapshot(session, d1) == predicted[d1]
    publish.apply_due(session, d2)
    assert snapshot(session, d2 + timedelta(days=1)) == predicted[d2 + timedelta(days=1)]


def test_unscheduling_reverts_days_to_come(session, world):  # noqa: F811
    plan_id, planner, _ = world
    before = snapshot(session, D + timedelta(days=1))
    publish.publish(session, plan_id, planner, D, today=TODAY)
    assert grid_at(session, NORTH, D) == NEW
    assert publish.unschedule(session, plan_id, planner) == {"plan": plan_id, "status": "draft"}
    assert grid_at(session, NORTH, D) == A2 and codes(session, D) == [A1, A2, A3, A4, A5]
    assert snapshot(session, D + timedelta(days=1)) == before
    assert session.execute(text("SELECT status, effective_from FROM plans WHERE id = :p"),
                           {"p": plan_id}).one() == ("draft", None)
    with pytest.raises(Conflict, match="not scheduled"):
        publish.unschedule(session, plan_id, planner)
    assert publish.apply_due(session, D) == []  # the round has nothing to apply
    edits.undo(session, plan_id, planner)  # a draft again: it can be edited and scheduled anew
    publish.publish(session, plan_id, planner, D, today=TODAY)
    assert grid_at(session, NORTH, D) == A2 and grid_at(session, SOUTH_EAST, D) == A3


def test_a_scheduled_plan_sent_back_to_draft_by_the_round_stops_counting(session, world):  # noqa: F811
    plan_id, planner, _ = world
    publish.publish(session, plan_id, planner, D, today=TODAY)
    assert grid_at(session, SOUTH_EAST, D) == A3
    # Land left in no grid: the plan no longer validates on its day.
    session.execute(text("DELETE FROM plan_grids WHERE plan_id = :p AND code = :c"), {"p": plan_id, "c": NEW})
    [outcome] = publish.apply_due(session, D)
    assert outcome["status"] == "draft" and "error" in outcome
    assert session.execute(text("SELECT status FROM plans WHERE id = :p"), {"p": plan_id}).scalar() == "draft"
    assert grid_at(session, SOUTH_EAST, D) == A4 and grid_at(session, NORTH, D) == A2
    assert codes(session, D + timedelta(days=1)) == [A1, A2, A3, A4, A5]
    assert spans(session, A3, D + timedelta(days=1)) == [(None, None, False)]


def answers(session, day):
    """What the boundary reads answer for `day` (None: today), history without `at` as it always was."""
    features = [areas.list_areas(session, level, at=day)["features"] for level in Level]
    located = [(p, locate(session, *p, at=day).grid.code) for p in LATTICE]
    return features, located, [history.versions(session, Level.grid, c) for c in (A1, A2, A3, A4, A5)]


def test_todays_and_past_answers_are_unchanged_and_today_reads_no_plan(session, world):  # noqa: F811
    plan_id, planner, _ = world
    yesterday = TODAY - timedelta(days=1)
    today_before, past_before = answers(session, None), answers(session, yesterday)
    publish.publish(session, plan_id, planner, D, today=TODAY)
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", seen)
    try:
        assert answers(session, None) == today_before
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", seen)
    assert statements and not [s for s in statements if "plans" in s or "plan_grids" in s]
    assert answers(session, yesterday) == past_before
