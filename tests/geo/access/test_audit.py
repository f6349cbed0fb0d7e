"""The audit log: chained, append-only, and a tampered or removed row is found."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.access import audit


def fill(session, n=5):
    for i in range(n):
        audit.record(session, "w1", "grid_worker", "read_residents", f"residents:{i}", {"ids": [i], "count": 1})


def test_a_fresh_chain_verifies(session):
    fill(session)
    found = audit.verify(session)
    assert found.intact and found.entries == 5
    assert audit.entries(session, actor="w1", limit=2)["total"] == 5


def test_rows_cannot_be_changed_or_removed(session):
    fill(session, 2)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement))


@pytest.mark.parametrize("tamper, broken, reason", [
    ("UPDATE audit_log SET detail = '{\"ids\": [99], \"count\": 1}' WHERE id = 3", 3, "content"),
    ("DELETE FROM audit_log WHERE id = 2", 3, "missing"),
    ("UPDATE audit_log SET actor = 'someone else' WHERE id = 5", 5, "content"),
])
def test_a_tampered_chain_is_found(session, tamper, broken, reason):
    fill(session)
    # An owner can switch the triggers off; the chain still gives them away.
    session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    session.execute(text(tamper))
    session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    found = audit.verify(session)
    assert not found.intact and found.broken_at == broken and reason in found.reason


def test_case_transitions_are_audited(session, city):
    from geo.access.actor import SYSTEM
    from geo.cases.workflow import record
    case = session.execute(text("INSERT INTO cases (category, geom) VALUES ('env_garbage', "
                                "ST_SetSRID(ST_MakePoint(116.41, 39.95), 4326)) RETURNING id")).scalar()
    record(session, case, SYSTEM, "dispatch", "registered", "dispatched")
    [entry] = audit.entries(session, action="case_dispatch")["items"]
    assert entry["object"] == f"case:{case}" and entry["detail"] == {"from": "registered", "to": "dispatched"}
