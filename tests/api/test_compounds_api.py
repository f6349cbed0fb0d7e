"""Compounds over the API: the list in scope, one compound's page, joint meetings (tests/party_city.py facts)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from tests.city import A1, COMM_A, COMM_B, PASSWORD
from tests.party_city import build_party_city


@pytest.fixture
def party(session):
    return build_party_city(session)


def as_user(client, name: str) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def codes(r) -> list[str]:
    assert r.status_code == 200, r.text
    return [f["properties"]["code"] for f in r.json()["features"]]


def test_the_list_is_the_scope(client, party, login):
    assert codes(client.get("/api/v1/compounds", headers=login())) == ["PA1", "PA2", "PA3", "PA4", "PB1", "PB2"]
    assert codes(client.get("/api/v1/compounds", headers=login("community_staff", COMM_B))) == ["PB1", "PB2"]
    assert codes(client.get("/api/v1/compounds", headers=as_user(client, "w1"))) == ["PA1", "PA2"]  # grid A1
    r = client.get("/api/v1/compounds", params={"community": COMM_A}, headers=login())
    assert codes(r) == ["PA1", "PA2", "PA3", "PA4"]
    one = r.json()["features"][0]
    assert one["properties"] | {"area_m2": 0} == {
        "code": "PA1", "name": "甲一小区", "community_code": COMM_A, "grid_code": A1, "property_company": None,
        "owners_committee": None, "red_property": False, "area_m2": 0, "buildings": 2, "households": 5}
    assert one["geometry"]["type"] == "MultiPolygon"


def test_a_community_outside_the_scope_is_refused(client, party, login):
    r = client.get("/api/v1/compounds", params={"community": COMM_A}, headers=login("community_staff", COMM_B))
    assert r.status_code == 403
    assert client.get("/api/v1/compounds", params={"community": "110105001009"}, headers=login()).status_code == 404
    # a grid worker may name the community their grid lies in, and sees only their grid's compounds
    assert codes(client.get("/api/v1/compounds", params={"community": COMM_A}, headers=as_user(client, "w1"))) == [
        "PA1", "PA2"]


def _case(session, lon, lat, status="registered", days_ago=1, building=None):
    session.execute(text("INSERT INTO cases (category, status, geom, reported_at, building_id) VALUES "
                         "('garbage', :s, ST_SetSRID(ST_Point(:lon, :lat), 4326), now() - make_interval(days => :d), "
                         ":b)"), {"s": status, "lon": lon, "lat": lat, "d": days_ago, "b": building})


def test_one_compound_counts_cases_branches_and_meetings(client, session, party, login):
    _case(session, 116.402, 39.933)                                   # in PA1's polygon, open
    _case(session, 116.403, 39.935, status="closed")                  # in PA1, closed
    _case(session, 116.402, 39.933, days_ago=400)                     # open, older than a year
    _case(session, 116.43, 39.91, building=party["b1"])                # point elsewhere, building b1 is in PA1
    _case(session, 116.45, 39.93)                                     # PB1: not counted
    r = client.get("/api/v1/compounds/PA1", headers=login())
    assert r.status_code == 200, r.text
    props = r.json()["properties"]
    assert (props["households"], props["residents"], props["buildings"]) == (5, 5, 2)
    assert props["open_cases"] == 3
    assert props["cases_365"] == 3
    assert props["cases_per_100_households"] == 60.0  # 3 × 100 / 5
    assert props["branches"] == [{"id": party["BA12"], "name": "甲一甲二联合党支部", "level": "compound_branch",
                                  "level_label": "小区（院落）党支部", "has_secretary": True, "secretary": "党员甲"}]
    assert props["meetings"] == []
    # PA4 has no branch and no households with cases: its rate is 0
    assert client.get("/api/v1/compounds/PA4", headers=login()).json()["properties"]["branches"] == []


def test_only_party_staff_see_the_secretary(client, party, login):
    for role, scope in (("command_center", "110105"), ("community_staff", COMM_A), ("street_staff", "110105001000"),
                        ("planner", "110105"), ("grid_worker", A1)):
        branch = client.get("/api/v1/compounds/PA1", headers=login(role, scope)).json()["properties"]["branches"][0]
        assert branch["has_secretary"] is True and "secretary" not in branch, role
    branch = client.get("/api/v1/compounds/PA1", headers=login("party_staff", COMM_A)).json()["properties"]["branches"]
    assert branch[0]["secretary"] == "党员甲"


def test_a_compound_outside_the_scope_does_not_exist(client, party, login):
    assert client.get("/api/v1/compounds/PA1", headers=login("community_staff", COMM_B)).status_code == 404
    assert client.get("/api/v1/compounds/PB1", headers=as_user(client, "w1")).status_code == 404
    assert client.get("/api/v1/compounds/NOPE", headers=login()).status_code == 404


def test_record_and_list_meetings(client, party, login):
    staff = login("community_staff", COMM_A)
    body = {"kind": "weekly", "held_on": "2026-11-20", "attendees": "支部、业委会、物业",
            "outcome": "<script>alert(1)</script>清理楼道"}
    r = client.post("/api/v1/compounds/PA1/meetings", json=body, headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["kind_label"] == "周会" and r.json()["outcome"] == "<script>alert(1)</script>清理楼道"
    assert r.headers["content-type"].startswith("application/json")
    client.post("/api/v1/compounds/PA1/meetings", json=body | {"kind": "monthly", "held_on": "2026-11-25"},
                headers=staff)
    listed = client.get("/api/v1/compounds/PA1/meetings", headers=login("planner", "110105")).json()
    assert [m["kind"] for m in listed["items"]] == ["monthly", "weekly"] and listed["total"] == 2
    page = client.get("/api/v1/compounds/PA1", headers=login()).json()["properties"]
    assert [m["kind_label"] for m in page["meetings"]] == ["月商", "周会"]


def test_bad_meetings_are_refused_with_reasons(client, party, login):
    staff = login("community_staff", COMM_A)
    good = {"kind": "weekly", "held_on": "2026-11-20", "attendees": "三方", "outcome": "议定"}
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    r = client.post("/api/v1/compounds/PA1/meetings", json=good | {"held_on": tomorrow}, headers=staff)
    assert r.status_code == 422 and "future" in r.json()["detail"]
    r = client.post("/api/v1/compounds/PA1/meetings", json=good | {"kind": "hourly"}, headers=staff)
    assert r.status_code == 422 and "hourly" in r.json()["detail"]
    assert client.post("/api/v1/compounds/PB1/meetings", json=good, headers=staff).status_code == 404
    for role, scope in (("planner", "110105"), ("grid_worker", A1), ("command_center", "110105")):
        assert client.post("/api/v1/compounds/PA1/meetings", json=good, headers=login(role, scope)).status_code == 403
    assert client.post("/api/v1/compounds/PA1/meetings", json=good,
                       headers=login("party_staff", COMM_A)).status_code == 201
