"""Visits through the API: concurrent retries, a finding's case, scope attacks, masking, photos."""

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.main import create_app
from geo.core import db, migrate
from tests.city import A1, B1, PASSWORD
from tests.conftest import fresh_database
from tests.field_city import build_field_city

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


@pytest.fixture
def ids(session):
    return build_field_city(session)


@pytest.fixture
def as_user(client, ids):
    tokens = {}

    def headers(name):
        if name not in tokens:
            r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return tokens[name]
    return headers


def visit(client, headers, key=None, expect=201, **body):
    r = client.post("/api/v1/visits", json=body, headers=headers | ({"Idempotency-Key": key} if key else {}))
    assert r.status_code == expect, r.text
    return r.json()


def test_visit_with_a_case_and_its_replay(client, as_user, ids, session):
    body = {"kind": "home", "household_id": ids["b1_households"][0], "findings": "楼道堆物",
            "case": {"category": "env_garbage", "description": "楼道堆物"}}
    first = visit(client, as_user("w1"), "v-1", **body)
    again = visit(client, as_user("w1"), "v-1", expect=200, **body)
    assert first["id"] == again["id"] and len(first["case_ids"]) == 1 and again["case_ids"] == first["case_ids"]
    assert first["grid"]["code"] == A1 and first["building"]["id"] == ids["b1"]
    case = client.get(f"/api/v1/cases/{first['case_ids'][0]}", headers=as_user("w1")).json()
    assert case["channel"] == "patrol" and case["visit_id"] == first["id"]
    assert session.execute(text("SELECT count(*) FROM cases WHERE visit_id = :v"), {"v": first["id"]}).scalar() == 1


def test_scope_attacks(client, as_user, ids):
    r = client.post("/api/v1/visits", json={"kind": "home", "household_id": ids["b1_households"][0]},
                    headers=as_user("wb"))
    assert r.status_code == 403 and "outside your area" in r.json()["detail"]
    visit(client, as_user("w1"), kind="home", household_id=ids["b1_households"][0])
    visit(client, as_user("wb"), kind="home", household_id=ids["b6_households"][0])
    mine = client.get("/api/v1/visits", params={"grid": B1}, headers=as_user("w1")).json()
    assert mine == {"total": 0, "items": []}
    assert client.get("/api/v1/visits", headers=as_user("w1")).json()["total"] == 1
    assert client.get(f"/api/v1/buildings/{ids['b1']}/households", headers=as_user("wb")).status_code == 404
    for who in ("planner",):
        assert client.get("/api/v1/visits", headers=as_user(who)).status_code == 403
        assert client.get("/api/v1/care/due", headers=as_user(who)).status_code == 403


def test_department_is_refused(client, session, ids):
    from geo.access.accounts import create_user
    create_user(session, username="dept", password=PASSWORD, role="department", scope_code="110105",
                department="城管")
    r = client.post("/api/v1/auth/token", data={"username": "dept", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get("/api/v1/visits", headers=headers).status_code == 403
    assert client.post("/api/v1/visits", json={"kind": "home"}, headers=headers).status_code == 403


def test_visited_at_errors_name_the_field(client, as_user, ids):
    r = client.post("/api/v1/visits", json={"kind": "home", "household_id": ids["b1_households"][0],
                                            "visited_at": "2020-01-01T08:00:00+08:00"}, headers=as_user("w1"))
    assert r.status_code == 422 and "visited_at" in r.json()["detail"]


def test_names_are_masked_for_roles_without_full_names(client, as_user, ids):
    visit(client, as_user("w1"), kind="return", resident_id=ids["r_b1_2"])
    name = f"住户{ids['b1']}-2"
    assert client.get("/api/v1/visits", headers=as_user("w1")).json()["items"][0]["resident"]["name"] == name
    shown = client.get("/api/v1/visits", headers=as_user("command")).json()["items"][0]["resident"]["name"]
    assert shown == "住" + "*" * (len(name) - 1)
    households = client.get(f"/api/v1/buildings/{ids['b1']}/households", headers=as_user("street")).json()
    assert households["items"][1]["members"][0]["name"] == shown and households["items"][1]["visits"] == 1


def test_photos_are_idempotent_by_content(client, as_user, ids):
    made = visit(client, as_user("w1"), kind="home", household_id=ids["b1_households"][0])
    url = f"/api/v1/visits/{made['id']}/attachments"
    first = client.post(url, files={"file": ("门口.png", PNG, "image/png")}, headers=as_user("w1"))
    again = client.post(url, files={"file": ("门口2.png", PNG, "image/png")}, headers=as_user("w1"))
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    pdf = client.post(url, files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}, headers=as_user("w1"))
    assert pdf.status_code == 422 and "application/pdf is not accepted" in pdf.json()["detail"]
    other = client.post(url, files={"file": ("x.png", PNG + b"1", "image/png")}, headers=as_user("w2"))
    assert other.status_code == 403
    listed = client.get("/api/v1/visits", headers=as_user("w1")).json()["items"][0]
    assert [p["id"] for p in listed["photos"]] == [first.json()["id"]]


def test_case_attachments_are_idempotent_by_content(client, as_user, ids):
    made = visit(client, as_user("w1"), kind="safety", building_id=ids["b3"], case={"category": "env_garbage"})
    url = f"/api/v1/cases/{made['case_ids'][0]}/attachments"
    first = client.post(url, files={"file": ("a.png", PNG, "image/png")}, headers=as_user("command"))
    again = client.post(url, files={"file": ("a.png", PNG, "image/png")}, headers=as_user("command"))
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]


@pytest.fixture(scope="module")
def committed(cluster):
    if cluster is None:
        pytest.skip("needs the embedded test cluster")
    eng = db.make_engine(fresh_database(cluster, "wangge_visits"))
    migrate.upgrade(eng)
    with db.session_factory(eng).begin() as s:
        ids = build_field_city(s)
    yield eng, ids
    eng.dispose()


def test_concurrent_retries_make_one_visit_and_one_case(committed):
    eng, ids = committed
    app = create_app(eng)
    with TestClient(app) as c:
        token = c.post("/api/v1/auth/token", data={"username": "w1", "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race-visit"}
    body = {"kind": "help", "household_id": ids["b3_households"][0], "case": {"category": "env_garbage"}}
    barrier, answers = threading.Barrier(6), []

    def post():
        client = TestClient(app)  # one each: the requests really run at the same time
        barrier.wait()
        answers.append(client.post("/api/v1/visits", json=body, headers=headers))
    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in answers) == [200] * 5 + [201], [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1 and len({tuple(r.json()["case_ids"]) for r in answers}) == 1
    with eng.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM visits WHERE idempotency_key = 'race-visit'")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM cases c JOIN visits v ON v.id = c.visit_id "
                                 "WHERE v.idempotency_key = 'race-visit'")).scalar() == 1
