"""Rate limits: 429 with Retry-After for too many requests or failed logins; one caller's excess spares the others."""

import pytest

from geo.core.settings import get_settings
from tests.conftest import PASSWORD


@pytest.fixture
def low_limits(monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "login_failures_per_user", "3/15 minutes")
    monkeypatch.setattr(settings, "login_failures_per_address", "6/15 minutes")


def test_requests_beyond_the_limit_get_429(client, login, city, monkeypatch):
    monkeypatch.setattr(get_settings(), "rate_limit", "5/minute")
    admin, other = login("admin"), login("command_center", "110105")
    answers = [client.get("/api/v1/categories", headers=admin).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    refused = client.get("/api/v1/categories", headers=admin, params={"lang": "zh"})
    assert refused.json()["code"] == "rate_limited" and "请求过于频繁" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/categories", headers=other).status_code == 200


def test_failed_logins_lock_the_account_for_a_while(client, login, city, low_limits):
    login("grid_worker", "110105001001001")  # creates the account (and logs in once)
    username = "grid_worker-110105001001001"
    wrong = [client.post("/api/v1/auth/token", data={"username": username, "password": "nope-nope"}).status_code
             for _ in range(4)]
    assert wrong == [401, 401, 401, 429]
    right = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 60  # even the right password waits
    page = client.post("/maps/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
    assert page.status_code == 429 and "too many failed logins" in page.text  # the suite runs in English


def test_one_address_guessing_many_accounts_is_stopped(client, city, low_limits):
    answers = [client.post("/api/v1/auth/token", data={"username": f"user{i}", "password": "guess-guess"}).status_code
               for i in range(7)]
    assert answers == [401] * 6 + [429]


def test_every_connection_busy_is_503_with_retry_after(cluster, engine):
    """The pool exhausted (here: one connection, held) answers 503 busy, not 500, once its timeout passes."""
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine

    from api.main import create_app

    tiny = create_engine(engine.url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    held = tiny.connect()
    try:
        with TestClient(create_app(tiny)) as client:
            answer = client.get("/api/v1/health", params={"lang": "zh"})
        assert answer.status_code == 503 and answer.json()["code"] == "busy"
        assert answer.headers["Retry-After"] == "2" and "繁忙" in answer.json()["detail"]
    finally:
        held.close()
        tiny.dispose()
