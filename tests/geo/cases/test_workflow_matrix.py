"""Every action in every status: legal ones move the case, illegal ones are 409 naming what is allowed."""

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.cases.intake import NewCase, create_case
from geo.cases.workflow import ACTIONS, StepInput, transition
from geo.core.errors import Conflict
from geo.core.models import CaseStatus


@pytest.fixture
def case_in(session, city):
    """A factory: a fresh case forced into `status` (with an extension pending when asked)."""

    def make(status: str, extension: bool = False, supervised: bool = False, revisit: bool = False) -> int:
        case_id, _ = create_case(session, NewCase("env_garbage", lon=116.41, lat=39.95), SYSTEM)
        session.execute(text("UPDATE cases SET status = :s, extension_requested = :e, resumes_to = 'handling', "
                             "duplicate_of = NULL WHERE id = :c"), {"s": status, "e": extension, "c": case_id})
        if supervised:
            session.execute(text("INSERT INTO case_supervisions (case_id, at, by_user, by_role, note) "
                                 "VALUES (:c, now(), 'cc', 'command_center', '请加快')"), {"c": case_id})
        if revisit:
            session.execute(text("INSERT INTO case_revisits (case_id, opened_at, due_at) VALUES (:c, now(), now())"),
                            {"c": case_id})
        return case_id
    return make


@pytest.mark.parametrize("status", [s.value for s in CaseStatus])
# Departments' own reports need a department account and an open turn: tests/geo/cases/test_departments.py; a
# reporter's steps need the resident who reported: tests/api/test_resident_reports.py.
@pytest.mark.parametrize("action", [a for a in ACTIONS if ACTIONS[a].who not in ("assisting", "whistled", "reporter")])
def test_action_in_status(session, case_in, status, action):
    case_id = case_in(status, extension=action in ("approve_extension", "reject_extension"),
                      supervised=action == "reply_supervision", revisit=action == "revisit")
    other = case_in("registered")
    request = StepInput(note="说明", rating="satisfied", target_id=other, department="城管")
    legal = status in ACTIONS[action].sources
    if not legal:
        with pytest.raises(Conflict) as caught:
            transition(session, case_id, action, 1, SYSTEM, request)
        assert caught.value.extra["allowed_actions"] is not None
        return
    assert transition(session, case_id, action, 1, SYSTEM, request) == 2
    new_status = session.execute(text("SELECT status FROM cases WHERE id = :c"), {"c": case_id}).scalar()
    expected = ACTIONS[action].target or ("handling" if action == "resume" else status)
    assert new_status == expected
    last = session.execute(text("SELECT action, from_status, to_status FROM case_events WHERE case_id = :c "
                                "ORDER BY id DESC LIMIT 1"), {"c": case_id}).one()
    assert tuple(last) == (action, status, expected)
