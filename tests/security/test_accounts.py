"""Finding 7: accounts.

A wrong password for a real account took 35× longer than for an unknown one; tokens named only a username, so
nothing could revoke them; `api_key` worked on every route and landed in access logs; five failures from anyone
locked the rightful user out; X-Forwarded-For was believed from any local caller.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from api.main import create_app
from geo.access.accounts import ALGORITHM, create_user, secret_key, weak
from geo.core.errors import InvalidInput
from geo.core.models import User
from geo.core.settings import get_settings
from tests.conftest import PASSWORD, committed_city
from tests.security.processes import Server

TOKEN = "/api/v1/auth/token"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def log_in(client, username: str, password: str = PASSWORD, **kwargs) -> httpx.Response:
    return client.post(TOKEN, data={"username": username, "password": password}, **kwargs)


def test_an_unknown_account_is_checked_against_a_hash_too(client, session, city, monkeypatch):
    """Both answers verify one argon2 hash, so both take about as long (medians of 15 tries)."""
    create_user(session, username="li", password=PASSWORD, role="admin", scope_code=None)
    calls = []
    original = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(h) or original(self, h, p))
    assert log_in(client, "nobody", "wrong-password").status_code == 401
    assert log_in(client, "li", "wrong-password").status_code == 401
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)

    def median(username: str) -> float:
        times = []
        for _ in range(15):
            start = time.perf_counter()
            log_in(client, username, "wrong-password")
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    from geo.access import throttle
    throttle.reset()
    monkeypatch.setattr(get_settings(), "login_failures_per_user", "1000/minute")
    ratio = median("li") / median("nobody")
    assert 1 / 3 < ratio < 3, ratio


def test_logout_revokes_the_token_everywhere(client, login):
    headers = login("admin")
    other_device = login("admin")
    r = client.post("/api/v1/auth/logout", headers=headers)
    assert r.status_code == 204 and "wangge_token=" in r.headers.get("set-cookie", "")
    for h in (headers, other_device):
        refused = client.get("/api/v1/auth/me", headers=h)
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert client.get("/api/v1/auth/me", headers=login("admin")).status_code == 200  # a new login works


def test_a_token_without_expiry_or_account_id_is_refused(client, session, city):
    user = create_user(session, username="wang", password=PASSWORD, role="admin", scope_code=None)
    now = datetime.now(UTC)
    full = {"sub": "wang", "uid": user.id, "ver": 0, "iat": now, "exp": now + timedelta(hours=1)}
    assert client.get("/api/v1/auth/me", headers=bearer(jwt.encode(full, secret_key(), ALGORITHM))).status_code == 200
    for missing in ("exp", "uid", "ver", "iat"):
        claims = {k: v for k, v in full.items() if k != missing}
        r = client.get("/api/v1/auth/me", headers=bearer(jwt.encode(claims, secret_key(), ALGORITHM)))
        assert r.status_code == 401 and r.json()["detail"] == "invalid token", missing
    for name, value in (("uid", user.id + 1000), ("ver", 1), ("sub", "admin")):
        r = client.get("/api/v1/auth/me", headers=bearer(jwt.encode(full | {name: value}, secret_key(), ALGORITHM)))
        assert r.status_code == 401, name


def test_api_key_is_taken_on_open311_routes_only(client, login):
    token = login("admin")["Authorization"].split()[1]
    assert client.get("/open311/v2/services.json", params={"api_key": token}).status_code == 200
    for path in ("/api/v1/auth/me", "/api/v1/cases", "/api/v1/residents"):
        assert client.get(path, params={"api_key": token}).status_code == 401, path


def test_cli_password_disable_and_delete_revoke_tokens(cli_database):
    from typer.testing import CliRunner

    from cli.main import app
    from geo.core.db import get_engine, session_factory

    run = lambda *args, input=None: CliRunner().invoke(app, list(args), input=input)  # noqa: E731
    assert run("user", "add", "zhao", "--role", "admin", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert run("user", "add", "qian", "--role", "admin", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    with TestClient(create_app(get_engine())) as client:
        tokens = {name: bearer(log_in(client, name).json()["access_token"]) for name in ("zhao", "qian")}
        assert run("user", "password", "zhao", "--password-stdin", input="another-horse-battery\n").exit_code == 0
        assert client.get("/api/v1/auth/me", headers=tokens["zhao"]).status_code == 401
        assert log_in(client, "zhao", "another-horse-battery").status_code == 200
        qian = tokens["qian"]
        assert run("user", "disable", "qian").exit_code == 0
        assert client.get("/api/v1/auth/me", headers=qian).status_code == 401
        assert run("user", "enable", "qian").exit_code == 0
        assert client.get("/api/v1/auth/me", headers=qian).status_code == 401, "enabling brings no old token back"
        qian = bearer(log_in(client, "qian").json()["access_token"])
        assert run("user", "delete", "qian").exit_code == 0
        assert client.get("/api/v1/auth/me", headers=qian).status_code == 401
        assert run("user", "add", "qian", "--role", "admin", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
        assert client.get("/api/v1/auth/me", headers=qian).status_code == 401, "a new account of the same name is not the old"
    missing = run("user", "password", "ghost", "--password-stdin", input=PASSWORD + "\n")
    assert missing.exit_code == 2 and "ghost" in missing.output
    assert run("user", "disable", "qian").exit_code == 0
    last = run("user", "disable", "zhao")
    assert last.exit_code == 2 and "last active admin" in last.output, "nobody could manage accounts any more"
    assert run("user", "delete", "zhao").exit_code == 2
    with session_factory(get_engine())() as s:
        assert s.scalar(select(User.token_version).where(User.username == "zhao")) == 1
        from geo.access import audit
        done = [e["action"] for e in audit.entries(s, limit=100)["items"]]
    assert {"user_add", "user_password", "user_disable", "user_enable", "user_delete"} <= set(done)


def test_an_account_that_made_cases_is_kept(cli_database):
    """Deleting it would forget who reported (cases.created_by would be emptied): disable it instead."""
    from typer.testing import CliRunner

    from cli.main import app
    from geo.core.db import get_engine, session_factory

    run = lambda *args, input=None: CliRunner().invoke(app, list(args), input=input)  # noqa: E731
    assert run("user", "add", "boss", "--role", "admin", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert run("user", "add", "ops", "--role", "admin", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    with session_factory(get_engine()).begin() as s:
        s.execute(text("INSERT INTO plans (name, communities, source, created_by) SELECT 'p', '{}', 'current', id "
                       "FROM users WHERE username = 'ops'"))
    refused = run("user", "delete", "ops")
    assert refused.exit_code == 2 and "plans" in refused.output and "disable" in refused.output


@pytest.fixture
def proxied(engine, session, monkeypatch):
    """The API behind a trusted proxy (the test client's address), so X-Forwarded-For names the caller."""
    monkeypatch.setattr(get_settings(), "trusted_proxies", "testclient")
    monkeypatch.setattr(get_settings(), "login_failures_per_user", "3/15 minutes")
    monkeypatch.setattr(get_settings(), "login_failures_per_account", "10/hour")
    from api.deps import get_read_session, get_session

    def test_session():
        yield session
        session.flush()

    application = create_app(engine)
    application.dependency_overrides[get_session] = test_session
    application.dependency_overrides[get_read_session] = test_session
    with TestClient(application) as c:
        yield c


def from_address(address: str) -> dict:
    return {"headers": {"X-Forwarded-For": address}}


def test_an_attacker_does_not_lock_out_the_rightful_user(proxied, session, city):
    create_user(session, username="sun", password=PASSWORD, role="admin", scope_code=None)
    assert log_in(proxied, "sun", **from_address("10.0.0.2")).status_code == 200  # the owner's own address
    guesses = [log_in(proxied, "sun", "guess-guess", **from_address("10.6.6.6")).status_code for _ in range(4)]
    assert guesses == [401, 401, 401, 429]
    assert log_in(proxied, "sun", **from_address("10.6.6.6")).status_code == 429, "the attacker's address waits"
    assert log_in(proxied, "sun", **from_address("10.0.0.2")).status_code == 200, "the owner does not"
    spread = [log_in(proxied, "sun", "guess-guess", **from_address(f"10.7.0.{i}")).status_code for i in range(12)]
    assert spread.count(429) >= 2, "a guess spread over many addresses is slowed down too"
    assert log_in(proxied, "sun", **from_address("10.0.0.2")).status_code == 200, "still not the owner"


def test_x_forwarded_for_is_nobodys_word_by_default(client, session, city, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_failures_per_address", "4/15 minutes")
    answers = [log_in(client, f"user{i}", "guess-guess", headers={"X-Forwarded-For": f"10.9.0.{i}"}).status_code
               for i in range(5)]
    assert answers == [401] * 4 + [429], "a forged header does not make a new address"


def test_production_refuses_a_weak_admin_password(session, city, monkeypatch):
    monkeypatch.setattr(get_settings(), "env", "production")
    for password in ("wangge-demo-2026", "password1234", "admin123456789", "qwertyuiop12"):
        assert weak(password, "admin")
        with pytest.raises(InvalidInput, match="strong"):
            create_user(session, username="admin", password=password, role="admin", scope_code=None)
    create_user(session, username="admin", password="Lanzhou-河西走廊-Gansu-7391", role="admin", scope_code=None)
    create_user(session, username="worker", password="short-ok-9", role="grid_worker", scope_code="110105001001001")


def test_tokens_never_reach_the_access_log(cluster, tmp_path):
    """A real uvicorn, logging every request as operators run it: the api_key appears as ***."""
    with committed_city(cluster, "wangge_access_log") as engine:
        server = Server(engine.url.render_as_string(hide_password=False), tmp_path, WANGGE_SECRET_KEY="k" * 40)
        server.start(log_file=tmp_path / "access.log", log_level="info")
        try:
            token = log_in(httpx.Client(base_url=server.base), "command").json()["access_token"]
            assert httpx.get(server.base + "/open311/v2/services.json", params={"api_key": token}).status_code == 200
        finally:
            server.stop()
    logged = (tmp_path / "access.log").read_text()
    assert "/open311/v2/services.json?api_key=***" in logged and token not in logged


def test_a_cookie_carried_write_must_come_from_our_own_pages(client, login, city):
    """CSRF from a same-site page (another port or subdomain sends the Lax cookie along): its Origin differs."""
    token = login("planner", "110105")["Authorization"].removeprefix("Bearer ")
    client.cookies.set("wangge_token", token)
    body = {"communities": ["110105001001"]}
    for origin in ("http://127.0.0.1:9999", "null", None):
        headers = {"Origin": origin} if origin else {}
        r = client.post("/api/v1/plans", json=body, headers=headers)
        assert r.status_code == 403 and "Origin" in r.json()["detail"], origin
    assert client.post("/api/v1/plans", json=body, headers={"Origin": "http://testserver"}).status_code == 201
    assert client.get("/api/v1/auth/me").status_code == 200, "reading needs no Origin"
    client.cookies.clear()
    assert client.post("/api/v1/plans", json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 201
    plain = client.post("/api/v1/plans", content=b'{"communities": ["110105001001"]}',
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"})
    assert plain.status_code == 422, "what a cross-site form can send is not taken for JSON"


def test_parallel_guesses_are_counted_as_they_arrive(client, session, city, monkeypatch):
    """60 guesses at once from one address: no more than the limit's worth are checked, the right one waits too."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(get_settings(), "login_failures_per_user", "5/15 minutes")
    create_user(session, username="zhou", password=PASSWORD, role="admin", scope_code=None)
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda i: log_in(client, "zhou", "guess-guess").status_code, range(60)))
    assert answers.count(401) <= 5 and answers.count(429) >= 55, answers
    assert log_in(client, "zhou").status_code == 429


def test_the_login_redirect_stays_on_this_site(client):
    for target in ("///evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/\tevil"):
        r = client.get("/maps/login", params={"next": target})
        assert "evil.example" not in r.text, target
