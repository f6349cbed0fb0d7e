"""Every endpoint but health, docs and the sign-ins needs a bearer token; tokens expire; passwords are argon2."""

import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from geo.access.accounts import ALGORITHM, create_user, secret_key
from geo.core.errors import Conflict, InvalidInput
from geo.core.models import User
from tests.conftest import PASSWORD

OPEN = {"/api/v1/health", "/api/v1/auth/token", "/api/v1/auth/resident-code", "/api/v1/auth/resident-token", "/api/v1/reports/topics",
        "/open311/v2/services.json", "/open311/v2/services.xml", "/open311/v2/services/{service_code}.json",
        "/open311/v2/services/{service_code}.xml",
        # the public requests (WANGGE_PUBLIC; off, 404) for callers without a credential: api/routers/open311_public.py
        "/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/requests/{request_id}.json",
        "/open311/v2/requests/{request_id}.xml", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json",
        "/api/v1/reports/anonymous", "/api/v1/reports/lookup"}
# Open operations on a path whose other operations need a token: posting a request takes a client's own api_key.
OPEN_OPERATIONS = {("post", "/open311/v2/requests.json")}


def protected_routes(app):
    for path, operations in app.openapi()["paths"].items():
        if path in OPEN:
            continue
        original = path
        path = re.sub(r"\{\w+_id\}", "1", path.replace("{collection}", "grids").replace("{code}", "110105001001001"))
        for method in operations:
            if (method, original) not in OPEN_OPERATIONS:
                yield method.upper(), path


def test_every_other_endpoint_needs_a_token(app, client):
    routes = list(protected_routes(app))
    assert len(routes) >= 7
    for method, path in routes:
        r = client.request(method, path, params={"lon": 116.43, "lat": 39.95})
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["code"] == "not_authenticated"
        assert r.headers["WWW-Authenticate"] == "Bearer"


def test_open_endpoints(client):
    assert client.get("/api/v1/health").json()["postgis"].startswith("POSTGIS=\"3.")
    assert client.get("/docs").status_code == 200
    assert "/api/v1/locate" in client.get("/openapi.json").json()["paths"]


def test_token_flow(client, city, login):
    headers = login("command_center", "110105")
    me = client.get("/api/v1/auth/me", headers=headers).json()
    assert (me["role"], me["scope_code"]) == ("command_center", "110105")


def test_wrong_password_and_unknown_user(client, session, city):
    create_user(session, username="li", password=PASSWORD, role="admin", scope_code=None)
    for user, pw in (("li", "wrong-password"), ("nobody", PASSWORD)):
        r = client.post("/api/v1/auth/token", data={"username": user, "password": pw})
        assert r.status_code == 401 and r.json()["detail"] == "wrong username or password"


def test_bad_expired_and_orphaned_tokens(client, session, city):
    wang = create_user(session, username="wang", password=PASSWORD, role="admin", scope_code=None)
    now = datetime.now(UTC)
    claims = {"sub": "wang", "uid": wang.id, "ver": 0, "iat": now - timedelta(hours=2)}
    expired = jwt.encode(claims | {"exp": now - timedelta(hours=1)}, secret_key(), algorithm=ALGORITHM)
    forged = jwt.encode(claims | {"exp": now + timedelta(hours=1)}, "not-the-key-" + "y" * 32, algorithm=ALGORITHM)
    ghost = jwt.encode(claims | {"sub": "ghost", "uid": wang.id + 999, "exp": now + timedelta(hours=1)}, secret_key(),
                       algorithm=ALGORITHM)
    for token, message in ((expired, "expired"), (forged, "invalid token"), (ghost, "no longer exists"), ("garbage", "invalid")):
        r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and message in r.json()["detail"]


def test_disabled_user_is_refused(client, session, city, login):
    headers = login("admin")
    session.scalar(select(User).where(User.username == "admin-all")).active = False
    session.flush()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_password_is_stored_as_argon2(session, city):
    user = create_user(session, username="zhao", password=PASSWORD, role="grid_worker", scope_code="110105001001001")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


@pytest.mark.parametrize("kwargs,error,match", [
    ({"role": "emperor", "scope_code": None}, InvalidInput, "unknown role"),
    ({"role": "grid_worker", "scope_code": None}, InvalidInput, "needs a scope"),
    ({"role": "grid_worker", "scope_code": "999999"}, InvalidInput, "no such"),
    ({"role": "admin", "scope_code": None, "password": "short"}, InvalidInput, "too short"),
])
def test_create_user_rejects(session, city, kwargs, error, match):
    with pytest.raises(error, match=match):
        create_user(session, **{"username": "x", "password": PASSWORD, **kwargs})


def test_duplicate_user(session, city):
    create_user(session, username="dup", password=PASSWORD, role="admin", scope_code=None)
    with pytest.raises(Conflict):
        create_user(session, username="dup", password=PASSWORD, role="admin", scope_code=None)
