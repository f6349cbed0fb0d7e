"""Finding 8: the database role and the audit log.

The service connected as the cluster's superuser, and the audit chain was plain SHA-256: whoever could write the
table (the service's own role, with triggers disabled) could rewrite any entry, recompute the chain and pass
`wangge audit verify`, or cut off the newest entries unseen. Reporter names and staff phones were shown unaudited.
"""

import hashlib
import json

import pytest
from sqlalchemy import text

from geo.access import audit, audit_anchor
from geo.core import db, migrate
from geo.core.errors import AuditRefused
from tests.api.test_cases_api import report
from tests.conftest import fresh_database
from tests.security.test_scope import as_user, staffed  # noqa: F401  (fixtures)


def fill(session, n=5) -> None:
    for i in range(n):
        audit.record(session, "w1", "grid_worker", "read_residents", f"residents:{i}", {"ids": [i], "count": 1})


def owner_sql(session, *statements) -> None:
    """What the table's owner can do: switch the append-only triggers off, change rows, switch them on again."""
    session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    for statement in statements:
        session.execute(text(statement))
    session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def test_the_service_is_no_superuser_and_owns_only_its_schema(engine):
    with engine.connect() as conn:
        role, superuser = conn.execute(text("SELECT current_user, rolsuper FROM pg_roles "
                                            "WHERE rolname = current_user")).one()
        assert (role, superuser) == ("wangge", False)
        others = conn.execute(text(  # anything of someone else's but PostGIS's own objects (and their indexes)
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind <> 'c' AND pg_get_userbyid(c.relowner) <> 'wangge' AND NOT EXISTS ("
            " SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND d.objid = "
            " coalesce((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.oid), c.oid))")).scalars().all()
        assert others == []
        assert not conn.execute(text("SELECT rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls "
                                     "FROM pg_roles WHERE rolname = current_user")).scalar()


def test_a_chain_rewritten_without_the_key_is_found(session):
    """The old attack: change entry 3 and recompute every hash after it with the public algorithm."""
    fill(session)
    rows = session.execute(text("SELECT id, at, actor, role, action, object, detail, prev_hash FROM audit_log "
                                "ORDER BY id")).all()
    prev, forged = rows[1].prev_hash, []
    for r in rows:
        if r.id < 3:
            prev = session.execute(text("SELECT hash FROM audit_log WHERE id = :i"), {"i": r.id}).scalar()
            continue
        detail = {"ids": [99], "count": 1} if r.id == 3 else r.detail
        digest = hashlib.sha256(audit.canonical(prev, r.id, r.at, r.actor, r.role, r.action, r.object, detail)).hexdigest()
        forged.append(f"UPDATE audit_log SET detail = '{json.dumps(detail)}', prev_hash = '{prev}', hash = '{digest}' "
                      f"WHERE id = {r.id}")
        prev = digest
    owner_sql(session, *forged)
    found = audit.verify(session)
    assert not found.intact and found.broken_at == 3 and "content" in found.reason


@pytest.mark.parametrize("cut, broken, reason", [
    ("DELETE FROM audit_log WHERE id > 3", 5, "cut short"),
    ("TRUNCATE audit_log", 5, "cut short"),
])
def test_cutting_the_tail_is_found_by_the_anchor(session, cut, broken, reason):
    fill(session)
    assert audit_anchor.anchor(session)["id"] == 5
    assert audit_anchor.anchor(session) is None, "the head did not move: no new line"
    owner_sql(session, cut)
    found = audit.verify(session)
    assert not found.intact and found.broken_at == broken and reason in found.reason


def test_an_edited_anchor_file_is_found(session):
    fill(session, 3)
    audit_anchor.anchor(session)
    path = audit_anchor.anchors_path()
    line = json.loads(path.read_text())
    path.write_text(json.dumps(line | {"id": 2}) + "\n")
    found = audit.verify(session)
    assert not found.intact and "altered" in found.reason
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_cli_verify_fails_on_a_cut_log(cli_database):
    from typer.testing import CliRunner

    from cli.main import app
    from geo.core.db import get_engine, session_factory

    migrate.upgrade(get_engine())
    with session_factory(get_engine()).begin() as s:
        fill(s)
    assert CliRunner().invoke(app, ["cases", "tick"]).exit_code == 0  # the round anchors the head
    assert CliRunner().invoke(app, ["audit", "verify"]).exit_code == 0
    with session_factory(get_engine()).begin() as s:
        owner_sql(s, "DELETE FROM audit_log WHERE id = 5")
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "5" in result.output


def test_rekeying_refuses_a_chain_that_is_already_broken(cluster):
    engine = db.make_engine(fresh_database(cluster, "wangge_rekey"))
    try:
        migrate.upgrade(engine, "0010")
        with db.session_factory(engine).begin() as s:
            for i in (1, 2, 3):  # entries as 0007 chained them: plain SHA-256
                prev = s.execute(text("SELECT coalesce(max(hash), :g) FROM audit_log WHERE id = :i - 1"),
                                 {"g": audit.GENESIS, "i": i}).scalar()
                at = s.execute(text("SELECT now()")).scalar()
                digest = hashlib.sha256(audit.canonical(prev, i, at, "w1", "grid_worker", "x", "o", {})).hexdigest()
                s.execute(text("INSERT INTO audit_log VALUES (:i, :at, 'w1', 'grid_worker', 'x', 'o', '{}', :p, :h)"),
                          {"i": i, "at": at, "p": prev, "h": digest})
        migrate.upgrade(engine, "0011")
        with db.session_factory(engine)() as s:
            assert audit.verify(s).intact and audit.verify(s).entries == 3
        migrate.downgrade(engine, "0010")
        with db.session_factory(engine).begin() as s:
            owner_sql(s, "UPDATE audit_log SET actor = 'someone else' WHERE id = 2")
        with pytest.raises(RuntimeError, match="broken at entry 2"):
            migrate.upgrade(engine, "0011")
    finally:
        engine.dispose()


def test_reporters_and_staff_phones_shown_are_audited(client, as_user, staffed, session):  # noqa: F811
    command = as_user("command")
    case = report(client, command, reporter={"name": "张三", "phone": "13800000001"})
    client.get(f"/api/v1/cases/{case['id']}", headers=command)
    client.get("/api/v1/staff", headers=command)
    client.get("/api/v1/locate", headers=as_user("comm"), params={"lon": 116.41, "lat": 39.95})
    logged = audit.entries(session, limit=100)["items"]
    actions = {(e["actor"], e["action"]) for e in logged}
    assert {("command", "read_reporters"), ("command", "read_staff_phones"), ("comm", "read_staff_phones")} <= actions
    reporters = next(e for e in logged if e["action"] == "read_reporters")
    assert reporters["object"] == f"case:{case['id']}" and reporters["detail"]["count"] == 1


SWALLOW = ("CREATE FUNCTION public.quiet() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
           "IF NEW.actor = 'w1' THEN RETURN NULL; END IF; RETURN NEW; END$$",
           "CREATE TRIGGER zz_quiet BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION public.quiet()")


def test_a_trigger_that_swallows_entries_fails_the_deed_and_is_reported(session):
    fill(session, 2)
    for statement in SWALLOW:
        session.execute(text(statement))
    with pytest.raises(AuditRefused), session.begin_nested():
        audit.record(session, "w1", "grid_worker", "unmask_residents", "residents:1")
    found = audit.verify(session)
    assert not found.intact and "zz_quiet" in found.reason


@pytest.mark.parametrize("statements, words", [
    (("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY", "ALTER TABLE audit_log FORCE ROW LEVEL SECURITY",
      "CREATE POLICY ins ON audit_log FOR INSERT WITH CHECK (true)",
      "CREATE POLICY sel ON audit_log FOR SELECT USING (actor <> 'w1' OR current_query() !~* 'offset')"),
     "row security"),
    (("CREATE RULE hush AS ON INSERT TO audit_log WHERE NEW.actor = 'w1' DO INSTEAD NOTHING",), "rules: hush"),
    (("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",), "append-only triggers are off"),
])
def test_a_table_altered_to_hide_or_drop_entries_is_reported(session, statements, words):
    fill(session, 2)
    for statement in statements:
        session.execute(text(statement))
    found = audit.verify(session)
    assert not found.intact and words in found.reason
    with pytest.raises(AuditRefused, match=words), session.begin_nested():
        audit.entries(session, actor="w1")
