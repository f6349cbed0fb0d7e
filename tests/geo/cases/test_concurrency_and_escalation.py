"""Real concurrency on a committed database: idempotent retries, racing acceptances, concurrent deadline ticks."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.cases.escalation import tick
from geo.cases.intake import NewCase, create_case
from geo.cases.workflow import transition
from geo.core import db
from geo.core.errors import Conflict
from geo.core.models import Role
from tests.city import COMM_A, STREET
from tests.conftest import committed_city

T0 = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)  # a Monday


@pytest.fixture(scope="module")
def engine(cluster):
    with committed_city(cluster, "wangge_concurrency") as eng:
        yield eng


@pytest.fixture
def sessions(engine):
    return db.session_factory(engine)


def actor(sessions, username: str) -> Actor:
    with sessions() as s:
        user_id, role, scope = s.execute(text("SELECT id, role, scope_code FROM users WHERE username = :u"), {"u": username}).one()
        staff_id = s.execute(text("SELECT id FROM staff WHERE user_id = :u"), {"u": user_id}).scalar()
        return Actor(username, Role(role), scope_for(s, role, scope), user_id, staff_id)


def run_together(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def one(i):
        barrier.wait()
        try:
            results.append(work(i))
        except Exception as exc:  # collected: the test asserts on them
            errors.append(exc)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_concurrent_retries_with_one_key_make_one_case(sessions):
    command = actor(sessions, "command")

    def retry(_):
        with sessions.begin() as s:
            return create_case(s, NewCase("env_garbage", lon=116.41, lat=39.95), command, idempotency_key="race-1")[0]
    results, errors = run_together(8, retry)
    assert errors == [] and len(set(results)) == 1
    with sessions() as s:
        assert s.execute(text("SELECT count(*) FROM cases WHERE idempotency_key = 'race-1'")).scalar() == 1


def test_two_people_accepting_one_case_one_wins(sessions):
    command = actor(sessions, "command")
    with sessions.begin() as s:
        case_id, _ = create_case(s, NewCase("env_garbage", lon=116.405, lat=39.935), command)
        assignee = s.execute(text("SELECT u.username FROM cases c JOIN staff st ON st.id = c.assignee_id "
                                  "JOIN users u ON u.id = st.user_id WHERE c.id = :c"), {"c": case_id}).scalar()
    people = [actor(sessions, assignee), actor(sessions, "comm")]

    def accept(i):
        with sessions.begin() as s:
            version = transition(s, case_id, "accept", 1, people[i])
            time.sleep(0.3)  # hold the row so the other really has to wait
            return version
    results, errors = run_together(2, accept)
    assert results == [2] and len(errors) == 1 and isinstance(errors[0], Conflict)
    with sessions() as s:
        events = s.execute(text("SELECT count(*) FROM case_events WHERE case_id = :c AND action = 'accept'"), {"c": case_id})
        assert events.scalar() == 1


def test_tick_escalates_overdue_cases_up_the_hierarchy_once(sessions):
    command = actor(sessions, "command")
    with sessions.begin() as s:
        case_id, _ = create_case(s, NewCase("env_garbage", lon=116.415, lat=39.945), command, now=T0)
        due = s.execute(text("SELECT due_at FROM cases WHERE id = :c"), {"c": case_id}).scalar()
    # 09:30 UTC is 17:30 in Beijing, after office hours: 4 working hours run 09:00–13:00 the next day.
    assert due == datetime(2026, 11, 17, 5, 0, tzinfo=UTC)

    def state():
        with sessions() as s:
            return s.execute(text("SELECT handler_level, handler_area, overdue, escalations, assignee_id FROM cases "
                                  "WHERE id = :c"), {"c": case_id}).one()
    later = T0 + timedelta(days=1)
    results, errors = run_together(3, lambda _: _tick(sessions, later))
    assert errors == [] and sum(r.escalated for r in results) >= 1
    level, area, overdue, escalations, assignee = state()
    assert (level, area, overdue, escalations) == ("community", COMM_A, True, 1) and assignee is not None
    _tick(sessions, later)
    assert state()[3] == 1  # idempotent: the community has a fresh deadline
    _tick(sessions, later + timedelta(days=30))
    assert state()[:2] == ("street", STREET)
    _tick(sessions, later + timedelta(days=60))
    assert state()[:2] == ("district", "110105")
    _tick(sessions, later + timedelta(days=90))
    assert state()[:4] == ("district", "110105", True, 3)
    with sessions() as s:
        reasons = s.execute(text("SELECT data->>'to_level' FROM case_events WHERE case_id = :c AND action = 'escalate' "
                                 "ORDER BY id"), {"c": case_id}).scalars().all()
    assert reasons == ["community", "street", "district", None]


def _tick(sessions, now):
    with sessions.begin() as s:
        return tick(s, now)
