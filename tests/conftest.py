"""Fixtures: one real, throwaway PostGIS cluster per test run; each test in a transaction that rolls back.

WANGGE_TEST_DATABASE_URL points the suite at an existing PostGIS instead (its database is migrated).
"""

import base64
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Before geo.core.settings is first read: keep the suite away from the developer's own .wangge and keys.
_HOME = Path(tempfile.mkdtemp(prefix="wangge-test-"))
_HOME.chmod(0o755)  # as root the server runs as `postgres`, which must reach the data under it
os.environ["WANGGE_HOME"] = str(_HOME)
os.environ["WANGGE_SECRET_KEY"] = "test-secret-key-" + "x" * 32
# One data key for every process of the run: the servers of the browser tests read what the suite sealed.
os.environ["WANGGE_DATA_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
os.environ.pop("DATABASE_URL", None)
# Assertions read the English messages; tests/geo/core/test_i18n.py checks the Chinese default.
os.environ["WANGGE_LANG"] = "en"
# Cheap password hashes: the suite creates hundreds of accounts; production keeps argon2's defaults.
os.environ["WANGGE_ARGON2_TIME_COST"] = "1"
os.environ["WANGGE_ARGON2_MEMORY_KIB"] = "1024"
# The suite makes thousands of requests as a handful of accounts; tests/api/test_limits.py lowers these again.
os.environ["WANGGE_RATE_LIMIT"] = "1000000/minute"
os.environ["WANGGE_LOGIN_FAILURES_PER_ADDRESS"] = "1000000/minute"

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.deps import get_read_session, get_session  # noqa: E402
from api.main import create_app  # noqa: E402
from geo.access.accounts import create_user  # noqa: E402
from geo.core import db, migrate  # noqa: E402
from geo.core.cluster import Cluster  # noqa: E402
from geo.core.settings import get_settings  # noqa: E402
from tests.chromium import browser  # noqa: E402,F401 (one Chromium for tests/e2e and tests/security)
from tests.city import build_city, staff_the_city  # noqa: E402

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def cluster():
    """A private PostGIS cluster for this run (None when WANGGE_TEST_DATABASE_URL is given)."""
    if os.environ.get("WANGGE_TEST_DATABASE_URL"):
        yield None
        return
    c = Cluster(_HOME / "cluster", fast=True)
    c.start()
    yield c
    c.destroy()


def fresh_database(cluster: Cluster | None, name: str) -> str:
    """URL of an empty database called `name` in the test cluster."""
    if cluster is None:
        return os.environ["WANGGE_TEST_DATABASE_URL"]
    cluster.drop_database(name)
    cluster.ensure_database(name)
    return cluster.url(name)


@contextmanager
def committed_city(cluster: Cluster | None, name: str) -> Iterator[Engine]:
    """An engine on a database of its own holding the test city and its staff, committed (for tests of what
    happens between transactions, which the rolled-back `session` cannot show)."""
    if cluster is None:
        pytest.skip("needs the embedded test cluster")
    eng = db.make_engine(fresh_database(cluster, name))
    migrate.upgrade(eng)
    with db.session_factory(eng).begin() as s:
        build_city(s)
        staff_the_city(s)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def engine(cluster):
    """The migrated test database; migrating it from empty is itself part of the test."""
    eng = db.make_engine(fresh_database(cluster, "wangge_test"))
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Session]:
    """A session on `engine` whose work is rolled back at the end, commits included (they become savepoints)."""
    connection = engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def session(engine):
    """A session on the test database whose work is rolled back after the test."""
    with rolled_back(engine) as s:
        yield s


@pytest.fixture(autouse=True)
def _own_audit_anchors(tmp_path, monkeypatch):
    """Each test anchors the audit log in a file of its own: a rolled-back test's entries are gone afterwards."""
    monkeypatch.setattr(get_settings(), "audit_anchors", tmp_path / "audit_anchors")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no requests or failed logins counted, and nothing kept in memory from an earlier
    (rolled back) test: tiles, the grid index, staff on duty, accounts, loaded holidays."""
    from geo.access import accounts, audit, throttle
    from geo.cases import official_calendar
    from geo.core.cache import TILES
    from geo.territory import locate
    throttle.reset()
    TILES.clear()
    locate.forget()
    accounts.forget_accounts()
    audit.forget_shown()
    official_calendar.forget()


@pytest.fixture
def city(session):
    """The small test city of tests/city.py, imported through the real importer."""
    return build_city(session)


@pytest.fixture
def app(engine, session):
    """The API on the test session."""
    application = create_app(engine)

    def test_session():
        yield session
        session.flush()

    application.dependency_overrides[get_session] = test_session
    application.dependency_overrides[get_read_session] = test_session
    return application


@contextmanager
def savepoint_client(engine: Engine, session: Session) -> Iterator[TestClient]:
    """A client of the API on the test session with a savepoint per request, so a refused request's writes (or a
    statement PostgreSQL refuses) are rolled back as in production without spoiling the requests after it; server
    errors come back as 500, not raised."""
    application = create_app(engine)

    def test_session():
        savepoint = session.begin_nested()
        try:
            yield session
            session.flush()
            savepoint.commit()
        except BaseException:
            savepoint.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    application.dependency_overrides[get_read_session] = test_session
    with TestClient(application, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def login(client, session):
    """login(role, scope) → headers with a bearer token of a new user with that role and scope."""
    made = {}

    def _login(role: str = "admin", scope: str | None = None) -> dict:
        if role == "resident":  # residents have no password: they sign in with a texted code (once: codes are spaced)
            if role not in made:
                made[role] = sign_in_resident(client, "13900000000")
            return made[role]
        username = f"{role}-{scope or 'all'}"
        if username not in made:
            create_user(session, username=username, password=PASSWORD, role=role, scope_code=scope)
            made[username] = True
        r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    return _login


@contextmanager
def texts() -> Iterator[list[str]]:
    """Every text the `log` SMS sender (geo.residents.sms) writes while the block runs."""
    seen: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record):
            if record.msg.startswith("SMS to"):  # not the sender's own errors
                seen.append(record.getMessage())

    handler, logger = Catch(), logging.getLogger("wangge.sms")
    logger.addHandler(handler)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)


def texted_code(sent: list[str]) -> str:
    """The 6-digit code of the last text (in either language)."""
    return re.search(r"(?:验证码为|code is) (\d{6})", sent[-1]).group(1)


def sign_in_resident(client, phone: str) -> dict:
    """Headers with the bearer token of the resident signed in with `phone`, through the texted code."""
    with texts() as sent:
        r = client.post("/api/v1/auth/resident-code", json={"phone": phone})
        assert r.status_code == 202, r.text
    r = client.post("/api/v1/auth/resident-token", json={"phone": phone, "code": texted_code(sent)})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def cli_database(cluster, monkeypatch, tmp_path):
    """A separate, committed database for CLI tests, reached through DATABASE_URL like a user would."""
    if cluster is None:
        pytest.skip("CLI tests commit: they need the embedded test cluster")
    url = fresh_database(cluster, "wangge_cli")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("WANGGE_AUDIT_ANCHORS", str(tmp_path / "audit_anchors"))  # the database is new: so are they
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield url
    db.get_engine().dispose()
    get_settings.cache_clear()
    db.get_engine.cache_clear()
