"""Recording and listing household visits: keys, time limits, scope, care, a finding's case, masking."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from geo.core.errors import Forbidden, InvalidInput
from geo.field.visits import Finding, NewVisit, list_visits, record_visit
from tests.city import A1, B1
from tests.field_city import build_field_city
from tests.geo.field._actors import actor

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def ids(session):
    return build_field_city(session)


def test_a_visit_is_recorded_once_per_key(session, ids):
    w1 = actor(session, "w1")
    household = ids["b1_households"][0]
    first, made = record_visit(session, w1, NewVisit("home", household_id=household), idempotency_key="k1", now=NOW)
    again, made_again = record_visit(session, w1, NewVisit("home", household_id=household), idempotency_key="k1",
                                     now=NOW)
    assert (first, made, made_again) == (again, True, False)
    row = session.execute(text("SELECT building_id, grid_code, staff_id, visited_at FROM visits WHERE id = :v"),
                          {"v": first}).one()
    assert row == (ids["b1"], A1, ids["w1"], NOW)


@pytest.mark.parametrize("at, words", [(NOW + timedelta(minutes=6), "future"),
                                       (NOW - timedelta(days=31), "more than 30 days ago")])
def test_visited_at_is_neither_future_nor_too_old(session, ids, at, words):
    with pytest.raises(InvalidInput, match=f"visited_at .*{words}"):
        record_visit(session, actor(session, "w1"), NewVisit("home", household_id=ids["b1_households"][0],
                                                             visited_at=at), now=NOW)
    record_visit(session, actor(session, "w1"), NewVisit("home", household_id=ids["b1_households"][0],
                                                         visited_at=NOW + timedelta(minutes=4)), now=NOW)


def test_scope_and_staff_record(session, ids):
    with pytest.raises(Forbidden, match="outside your area"):
        record_visit(session, actor(session, "wb"), NewVisit("home", household_id=ids["b1_households"][0]), now=NOW)
    with pytest.raises(Forbidden):
        record_visit(session, actor(session, "command"), NewVisit("home", household_id=ids["b1_households"][0]))


def test_care_visits_are_for_residents_on_the_care_list(session, ids):
    w1 = actor(session, "w1")
    with pytest.raises(InvalidInput, match="needs resident_id"):
        record_visit(session, w1, NewVisit("care", household_id=ids["b1_households"][0]), now=NOW)
    resident_b1_3 = session.execute(text("SELECT id FROM residents WHERE household_id = :h"),
                                    {"h": ids["b1_households"][2]}).scalar()
    with pytest.raises(InvalidInput, match="not on the care list"):
        record_visit(session, w1, NewVisit("care", resident_id=resident_b1_3), now=NOW)
    visit, _ = record_visit(session, w1, NewVisit("care", resident_id=ids["r_b1_1"]), now=NOW)
    assert session.execute(text("SELECT household_id FROM visits WHERE id = :v"), {"v": visit}).scalar() \
        == ids["b1_households"][0]


def test_a_finding_becomes_a_patrol_case_once(session, ids):
    w1 = actor(session, "w1")
    new = NewVisit("safety", building_id=ids["b3"], case=Finding("env_garbage", "楼道堆物"))
    visit, _ = record_visit(session, w1, new, idempotency_key="with-case", now=NOW)
    record_visit(session, w1, NewVisit("safety", building_id=ids["b3"], case=Finding("env_garbage")),
                 idempotency_key="with-case", now=NOW)
    cases = session.execute(text("SELECT channel, grid_code FROM cases WHERE visit_id = :v"), {"v": visit}).all()
    assert cases == [("patrol", A1)]


def test_lists_are_scoped_filtered_and_masked(session, ids):
    w1, wb = actor(session, "w1"), actor(session, "wb")
    record_visit(session, w1, NewVisit("home", household_id=ids["b1_households"][0]), now=NOW)
    record_visit(session, w1, NewVisit("care", resident_id=ids["r_b1_1"]), now=NOW)
    record_visit(session, wb, NewVisit("home", household_id=ids["b6_households"][0]), now=NOW)
    assert list_visits(session, w1)["total"] == 2
    assert list_visits(session, wb, grid=A1)["total"] == 0
    assert list_visits(session, w1, kind="care")["items"][0]["resident"]["name"] == f"住户{ids['b1']}-1"
    command = list_visits(session, actor(session, "command"))
    assert command["total"] == 3 and {i["grid"]["code"] for i in command["items"]} == {A1, B1}
    care = [i for i in command["items"] if i["kind"] == "care"]
    assert care[0]["resident"] is None  # who is cared for says who is in a special group
