"""GET /api/v1/party/coverage over HTTP: scope, levels, the chain, bad periods; counts only, no names."""

from tests.city import A1, COMM_A, COMM_B, PASSWORD, STREET
from tests.party_city import build_party_city

URL = "/api/v1/party/coverage?from=2026-09-01&to=2026-11-29"


def _as(client, username: str) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "zh"}


def test_a_street_account_sees_both_communities_with_their_chains(client, session):
    build_party_city(session)
    r = client.get(URL, headers=_as(client, "street"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["from"], body["to"], body["required_activities"]) == ("2026-09-01", "2026-11-29", 1)
    a, b = body["rows"]
    assert (a["code"], b["code"]) == (COMM_A, COMM_B)
    # A: 4 compounds, 3 organised (PA1, PA2 by BA12; PA3 by BA3), 2 working (BA12 on 2026-10-10).
    assert (a["compounds"], a["org_covered"], a["work_covered"]) == (4, 3, 2)
    assert b["chain"]["gaps"][:2] == ["无街道领导包联", "无社区书记"]
    assert a["chain"]["levels"][0]["label"] == "街道领导包联社区"
    assert "党员" not in r.text.replace("党员联系", "")  # no member named (党员甲 …): figures only


def test_a_grid_worker_sees_only_their_grid(client, session):
    build_party_city(session)
    w1 = _as(client, "w1")
    rows = client.get(URL + "&level=grid", headers=w1).json()["rows"]
    # A1: PA1, PA2; 9 households (b1 3, b2 2, b3 4); 1 leader, w1 and w2. Which of these named people are members
    # (the leader, m1) a grid worker may not know: null (tests/security/test_party_redteam.py).
    assert [(r["code"], r["compounds"], r["households"], r["leader_members"], r["workers"]) for r in rows] == [
        (A1, 2, 9, None, 2)]
    assert all(r["chain"] is None for r in rows)
    r = client.get(URL + "&level=community", headers=w1)
    assert r.status_code == 422 and "大于你的权限范围" in r.json()["detail"]


def test_every_role_may_read_the_figures(client, session, login):
    build_party_city(session)
    for role, scope in (("planner", STREET), ("command_center", "110105"), ("party_staff", COMM_A)):
        assert client.get(URL + "&level=grid", headers=login(role, scope)).status_code == 200, role


def test_bad_periods_are_422_in_chinese(client, session):
    build_party_city(session)
    street = _as(client, "street")
    r = client.get("/api/v1/party/coverage?from=2026-11-30&to=2026-11-29", headers=street)
    assert r.status_code == 422 and "晚于结束日" in r.json()["detail"]
    r = client.get("/api/v1/party/coverage?from=2020-01-01&to=2026-11-29", headers=street)
    assert r.status_code == 422 and "最长三年" in r.json()["detail"]
    assert client.get("/api/v1/party/coverage?level=city", headers=street).status_code == 422
