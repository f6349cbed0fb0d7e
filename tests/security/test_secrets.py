"""Finding 9: files and secrets.

Keys were written and only then made 0600 (readable by anyone in between), attachments and unmasked exports were
world-readable, `wangge keys new` printed keys, a refused setting echoed its value, and production ran with weak
secrets, a superuser connection or the demo's admin password.
"""

import os
import stat
import threading

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli.main import app
from geo.access import production
from geo.access.accounts import create_user
from geo.cases.attachments import store_attachment
from geo.core.cluster import _run
from geo.core.errors import ClusterError
from geo.core.private_files import read_or_create
from geo.core.settings import get_settings
from geo.synth import DEMO_PASSWORD

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_key_is_private_from_its_first_byte_and_created_once(tmp_path, monkeypatch):
    seen_modes, keys = [], []
    real_write = os.write

    def spy(fd, data):
        seen_modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", spy)
    path = tmp_path / "secret_key"
    threads = [threading.Thread(target=lambda: keys.append(read_or_create(path, lambda: os.urandom(16).hex())))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1, "every process agrees on one key"
    assert set(seen_modes) == {0o600} and mode(path) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name != "secret_key"], "no temporary file is left behind"
    path.chmod(0o644)  # a key from before, or copied in by hand
    assert read_or_create(path, lambda: "new") == keys[0] and mode(path) == 0o600


def test_attachments_are_private(session, city, tmp_path):
    case = session.execute(text("INSERT INTO cases (category, geom) VALUES ('env_garbage', "
                                "ST_SetSRID(ST_MakePoint(116.41, 39.95), 4326)) RETURNING id")).scalar()
    stored = store_attachment(session, case, "门口.jpg", "image/jpeg", JPEG + os.urandom(8))
    files = list((get_settings().home / "attachments").iterdir())
    assert stored["size"] > 0 and files and all(mode(f) == 0o600 for f in files)


def test_keys_new_writes_a_private_file_and_prints_no_secret(tmp_path):
    target = tmp_path / "keys.env"
    result = CliRunner().invoke(app, ["keys", "new", str(target)])
    assert result.exit_code == 0 and mode(target) == 0o600
    values = [line.split("=", 1)[1] for line in target.read_text().splitlines()]
    assert len(values) == 2 and all(len(v) >= 43 for v in values)
    assert not any(v[:8] in result.output for v in values)
    again = CliRunner().invoke(app, ["keys", "new", str(target)])
    assert again.exit_code == 2 and "exists" in again.output
    assert [line.split("=", 1)[1] for line in target.read_text().splitlines()] == values


def test_a_refused_setting_is_named_never_echoed(monkeypatch):
    weak = "my-guessable-signing-key"
    monkeypatch.setenv("WANGGE_ENV", "production")
    monkeypatch.setenv("WANGGE_SECRET_KEY", weak)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "status"])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 2 and "WANGGE_" in result.output and weak not in result.output
    assert "Traceback" not in result.output


def test_a_failed_server_command_hides_the_password_it_was_given():
    with pytest.raises(ClusterError) as refused:
        _run(["false", "host=127.0.0.1 user=postgres password=s3cret-pw"])
    assert "s3cret-pw" not in str(refused.value) and "password=***" in str(refused.value)


@pytest.fixture
def superuser_session(cluster):
    """A session on the test database as the cluster's superuser (what the service no longer uses)."""
    if cluster is None:
        pytest.skip("needs the embedded test cluster")
    engine = create_engine(cluster.admin_url("wangge_test"))
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_production_refuses_a_superuser_connection(superuser_session, session):
    with pytest.raises(ClusterError, match="superuser"):
        production.check(superuser_session)
    production.check(session)  # the service's own role, no admin with the demo password: fine


def test_production_refuses_an_admin_with_the_demo_password(session, city):
    create_user(session, username="demo-admin", password=DEMO_PASSWORD, role="admin", scope_code=None)
    with pytest.raises(ClusterError, match="demo-admin"):
        production.check(session)


def test_the_service_role_cannot_read_server_files(session):
    for statement in ("SELECT pg_read_file('/etc/passwd')", "COPY (SELECT 1) TO '/tmp/x'"):
        with pytest.raises(Exception) as refused, session.begin_nested():
            session.execute(text(statement))
        assert isinstance(refused.value.orig, psycopg.errors.InsufficientPrivilege)


def test_answers_with_personal_data_are_never_cached(client, login):
    admin = login("admin")
    for path in ("/api/v1/residents", "/api/v1/staff", "/api/v1/auth/me", "/open311/v2/services.json"):
        r = client.get(path, headers=admin)
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store", path
    assert "no-store" not in client.get("/static/wangge.js").headers.get("cache-control", "")


def test_our_own_failure_is_an_error_body_with_the_security_headers(app, login, monkeypatch):
    """A 500 comes from outside every middleware: its handler sets the headers itself, and shows no traceback."""
    from fastapi.testclient import TestClient

    import api.routers.categories as route

    def broken(*args, **kwargs):
        raise RuntimeError("a bug with a secret-looking detail: s3cret")

    with TestClient(app, raise_server_exceptions=False) as client:
        headers = login("admin")
        monkeypatch.setattr(route, "categories", broken)
        r = client.get("/api/v1/categories", headers=headers)
    assert r.status_code == 500 and r.json()["code"] == "internal_error" and "s3cret" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in r.headers["content-security-policy"]


def test_a_unicode_digit_is_no_request_id(client, login):
    assert client.get("/open311/v2/requests/%C2%B2.json", headers=login("admin")).status_code == 404
