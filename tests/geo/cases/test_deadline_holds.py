"""Each handler is judged against its own deadline; 按期结案率 against the first; lights, warnings and 督办."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from geo.access.actor import SYSTEM, actor_for
from geo.access.scope import scope_for
from geo.analytics.league import league, workers
from geo.analytics.window import window
from geo.cases.escalation import tick
from geo.cases.holds import light, warn_at
from geo.cases.intake import NewCase, create_case
from geo.cases.kpis import kpis
from geo.cases.reading import get_case
from geo.cases.workflow import StepInput, transition, visible_case
from geo.core.errors import Conflict, Forbidden
from geo.core.models import User
from tests.city import A1, COMM_A, DISTRICT, staff_the_city

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # Monday 09:00 in Beijing
DUE = datetime(2026, 11, 16, 5, 0, tzinfo=UTC)  # env_garbage: 4 working hours → 13:00


@pytest.fixture
def people(session, city):
    staff_the_city(session)
    return lambda name: actor_for(session, session.scalar(select(User).where(User.username == name)))


def step(session, case_id, action, who, now, **fields):
    """Take one step as `who` at `now` with the version the case has."""
    version = visible_case(session, case_id, who)["version"]
    return transition(session, case_id, action, version, who, StepInput(**fields), now=now)


def holds_of(session, case_id):
    return session.execute(text("SELECT kind, level, area_code, missed, outcome FROM case_holds WHERE case_id = :c "
                                "ORDER BY id"), {"c": case_id}).all()


def test_a_case_escalated_then_closed_in_time_is_late_and_the_grid_keeps_its_miss(session, people):
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.415, lat=39.945), people("command"), now=T0)
    assert session.execute(text("SELECT due_at, first_due_at FROM cases WHERE id = :c"), {"c": case_id}).one() == (DUE, DUE)
    tick(session, DUE + timedelta(minutes=5))  # the grid missed it: up to the community, with a fresh deadline
    community = people("comm")
    later = DUE + timedelta(hours=1)
    for action in ("accept", "report", "verify", "close"):
        step(session, case_id, action, community, later, note="已清运")
    row = session.execute(text("SELECT due_at, first_due_at, closed_at FROM cases WHERE id = :c"), {"c": case_id}).one()
    assert row.closed_at <= row.due_at and row.first_due_at == DUE  # on time for the community, late for the case
    assert holds_of(session, case_id) == [("dispatch", "grid", A1, True, "missed"),
                                          ("escalation", "community", COMM_A, False, "met")]
    win = window(T0 - timedelta(days=1), T0 + timedelta(days=2))
    figures = kpis(session, scope_for(session, "admin", DISTRICT), win.since, win.until)
    assert (figures["on_time_rate"], figures["deadline_misses"], figures["missed_cases"]) == (0.0, 1, 1)
    grid = {r["code"]: r for r in league(session, SYSTEM, "grid", win)["rows"]}[A1]
    assert (grid["held"], grid["held_missed"], grid["own_on_time_rate"], grid["on_time_rate"]) == (1, 1, 0.0, 0.0)
    comm = {r["code"]: r for r in league(session, SYSTEM, "community", win)["rows"]}[COMM_A]
    # the community is judged on its own turn, met in time; the case still counts late in its figures
    assert (comm["held"], comm["held_missed"], comm["own_on_time_rate"], comm["on_time_rate"]) == (1, 0, 1.0, 0.0)
    first_worker = session.execute(text("SELECT staff_id FROM case_holds WHERE case_id = :c ORDER BY id LIMIT 1"),
                                   {"c": case_id}).scalar()
    record = {r["id"]: r for r in workers(session, SYSTEM, win)["rows"]}[first_worker]
    assert (record["missed"], record["on_time"], record["on_time_rate"]) == (1, 0, 0.0)  # their turn ended missed


def test_lights_turn_yellow_in_the_last_fifth_and_red_after_the_deadline():
    assert warn_at(T0, DUE) == DUE - timedelta(minutes=48)  # 20 % of four hours
    assert light(T0, DUE, T0 + timedelta(hours=3)) == "green"
    assert light(T0, DUE, DUE - timedelta(minutes=30)) == "yellow"
    assert light(T0, DUE, DUE + timedelta(seconds=1)) == "red"
    assert light(None, None, T0) is None


def test_the_round_warns_once_when_a_deadline_turns_yellow(session, people):
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.415, lat=39.945), people("command"), now=T0)
    assert tick(session, DUE - timedelta(hours=1)).warned == 0
    assert tick(session, DUE - timedelta(minutes=30)).warned == 1
    assert tick(session, DUE - timedelta(minutes=20)).warned == 0
    events = session.execute(text("SELECT action FROM case_events WHERE case_id = :c ORDER BY id"), {"c": case_id})
    assert [e for (e,) in events].count("warn") == 1


def test_a_case_shows_its_light(session, people):
    now = datetime.now(UTC)
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.415, lat=39.945), people("command"))
    assert get_case(session, case_id, people("command"))["light"] == "green"
    session.execute(text("UPDATE cases SET dispatched_at = :s, due_at = :d WHERE id = :c"),
                    {"s": now - timedelta(hours=1), "d": now + timedelta(minutes=5), "c": case_id})
    assert get_case(session, case_id, people("command"))["light"] == "yellow"
    session.execute(text("UPDATE cases SET due_at = :d WHERE id = :c"), {"d": now - timedelta(seconds=1), "c": case_id})
    assert get_case(session, case_id, people("command"))["light"] == "red"


def test_supervision_by_a_higher_level_needs_the_handlers_reply(session, people):
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.415, lat=39.945), people("command"), now=T0)
    assignee = session.execute(text("SELECT u.username FROM cases c JOIN staff s ON s.id = c.assignee_id "
                                    "JOIN users u ON u.id = s.user_id WHERE c.id = :c"), {"c": case_id}).scalar()
    worker = people(assignee)
    assert "supervise" not in get_case(session, case_id, worker)["allowed_actions"]
    with pytest.raises(Forbidden):
        step(session, case_id, "supervise", worker, T0, note="自己督办自己")
    step(session, case_id, "supervise", people("comm"), T0 + timedelta(hours=1), note="请今天内清运")
    seen = get_case(session, case_id, worker)
    assert seen["supervision_pending"] and "reply_supervision" in seen["allowed_actions"]
    assert seen["supervisions"][0]["by_user"] == "comm" and seen["supervisions"][0]["replied_at"] is None
    step(session, case_id, "reply_supervision", worker, T0 + timedelta(hours=2), note="已安排车辆，下午清运")
    seen = get_case(session, case_id, worker)
    assert not seen["supervision_pending"] and seen["supervisions"][0]["reply"] == "已安排车辆，下午清运"
    with pytest.raises(Conflict):  # nothing left to answer
        step(session, case_id, "reply_supervision", worker, T0 + timedelta(hours=3), note="再答一次")


def test_a_community_cannot_supervise_its_own_level(session, people):
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.415, lat=39.945), people("command"), now=T0)
    tick(session, DUE + timedelta(minutes=1))  # now held by the community
    assert "supervise" not in get_case(session, case_id, people("comm"))["allowed_actions"]
    assert "supervise" in get_case(session, case_id, people("street"))["allowed_actions"]


def test_an_approved_extension_moves_the_first_deadline_too(session, people):
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.415, lat=39.945), people("command"), now=T0)
    worker_name = session.execute(text("SELECT u.username FROM cases c JOIN staff s ON s.id = c.assignee_id "
                                       "JOIN users u ON u.id = s.user_id WHERE c.id = :c"), {"c": case_id}).scalar()
    step(session, case_id, "request_extension", people(worker_name), T0, note="需协调物业")
    step(session, case_id, "approve_extension", people("street"), T0)
    due, first = session.execute(text("SELECT due_at, first_due_at FROM cases WHERE id = :c"), {"c": case_id}).one()
    assert due == first > DUE
    assert session.execute(text("SELECT due_at FROM case_holds WHERE case_id = :c"), {"c": case_id}).scalar() == due
