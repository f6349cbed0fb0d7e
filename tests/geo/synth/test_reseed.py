"""A demo that has lived (the round escalated its overdue cases) is replaced whole; real history stays append-only."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.access.actor import SYSTEM
from geo.cases.intake import NewCase, create_case
from geo.rounds import run_round
from geo.synth import seed_demo
from tests.geo.synth.conftest import NOW


def test_reseeding_after_the_round_escalated_demo_cases(session, tmp_path):
    # Without the field year: both seeds share one transaction, where clearing a year of visits takes minutes
    # (the foreign-key checks see every deleted row); tests/cli/test_cli.py reseeds the field year committed.
    escalations = text("SELECT count(*), count(*) FILTER (WHERE e.at > :now) FROM case_events e "
                       "JOIN cases c ON c.id = e.case_id WHERE c.synthetic AND e.action = 'escalate'")
    seed_demo(session, "120105", "street", 1, workdir=tmp_path, now=NOW, field_work=False)
    seeded, later = session.execute(escalations, {"now": NOW}).one()  # the demo's own history has escalations
    assert seeded > 0 and later == 0
    run_round(session, NOW + timedelta(days=30))
    assert session.execute(escalations, {"now": NOW}).one()[1] > 0
    seed_demo(session, "120105", "street", 1, workdir=tmp_path, now=NOW, field_work=False)
    assert tuple(session.execute(escalations, {"now": NOW}).one()) == (seeded, 0)
    assert session.execute(text("SELECT count(*) FROM case_events WHERE case_id NOT IN (SELECT id FROM cases)")).scalar() == 0


def test_a_real_case_keeps_its_history_even_with_the_flag_set(session, city):
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.41, lat=39.95), SYSTEM)
    for statement in (f"DELETE FROM case_events WHERE case_id = {case_id}", f"DELETE FROM cases WHERE id = {case_id}"):
        savepoint = session.begin_nested()
        session.execute(text("SELECT set_config('wangge.removing_synthetic', 'on', true)"))
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        savepoint.rollback()
    assert session.execute(text("SELECT count(*) FROM case_events WHERE case_id = :id"), {"id": case_id}).scalar() > 0
