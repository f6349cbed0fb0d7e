"""Bad input gets a clear 4xx naming what is wrong, and changes nothing."""

import json

import pytest
from sqlalchemy import text

from geo.core.settings import get_settings
from tests.city import A2, COMM_A, DISTRICT


@pytest.fixture
def plan(client, login, city):
    planner = login("planner", DISTRICT)
    return client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"], planner


def square(x, y, d=0.001, close=True):
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d]]
    return {"type": "Polygon", "coordinates": [ring + ([ring[0]] if close else [])]}


@pytest.mark.parametrize("area, says", [
    (square(116.425, 39.935, close=False), "not closed"),
    ({"type": "Polygon", "coordinates": [[[116.42, 39.93], [116.43, 39.94], [116.43, 39.93], [116.42, 39.94],
                                          [116.42, 39.93]]]}, "Self-intersection"),
    ({"type": "Polygon", "coordinates": [[[116.42, 39.93], ["x", 39.94], [116.43, 39.93], [116.42, 39.93]]]},
     "lists of [lon, lat] numbers"),
    ({"type": "Polygon", "coordinates": [[[[[[116.42]]]]]]}, "lists of [lon, lat] numbers"),
    ({"type": "Point", "coordinates": [116.42, 39.93]}, "Polygon or MultiPolygon"),
])
def test_bad_geometries_are_refused_with_the_reason(client, plan, area, says):
    plan_id, planner = plan
    r = client.post(f"/api/v1/plans/{plan_id}/reassign", headers=planner, json={"to": A2, "area": area})
    assert r.status_code == 422 and says in r.json()["detail"], r.text
    assert client.get(f"/api/v1/plans/{plan_id}", headers=planner).json()["plan"]["version"] == 1  # nothing changed


def test_nan_and_infinity_are_refused(client, plan):
    plan_id, planner = plan
    body = '{"to": "%s", "area": {"type": "Polygon", "coordinates": [[[NaN, 39.93], [116.43, 39.93], ' \
           '[116.43, 39.94], [NaN, 39.93]]]}}' % A2
    r = client.post(f"/api/v1/plans/{plan_id}/reassign", headers=planner | {"Content-Type": "application/json"},
                    content=body)
    assert r.status_code == 422 and "not a finite number" in r.json()["detail"]
    r = client.post("/api/v1/cases", headers=planner | {"Content-Type": "application/json"},
                    content='{"category": "env_garbage", "lon": Infinity, "lat": 39.9}')
    assert r.status_code == 403  # planners may not register cases: the matrix answers first


def test_nan_in_a_case_is_refused(client, login, city):
    r = client.post("/api/v1/cases", headers=login("admin") | {"Content-Type": "application/json"},
                    content='{"category": "env_garbage", "lon": Infinity, "lat": 39.9}')
    assert r.status_code == 422 and "lon" in r.json()["detail"]


def test_huge_geometries_and_bodies(client, plan, monkeypatch):
    plan_id, planner = plan
    ring = [[116.42 + i * 1e-7, 39.93] for i in range(100_001)] + [[116.43, 39.94], [116.42, 39.93]]
    r = client.post(f"/api/v1/plans/{plan_id}/reassign", headers=planner,
                    json={"to": A2, "area": {"type": "Polygon", "coordinates": [ring]}})
    assert r.status_code == 422 and "more than the 100000 accepted" in r.json()["detail"]
    deep = "[" * 50_000 + "]" * 50_000
    r = client.post(f"/api/v1/plans/{plan_id}/split", headers=planner | {"Content-Type": "application/json"},
                    content=deep)
    assert r.status_code in (400, 422) and r.json()["code"] in ("bad_request", "invalid_input")


def test_the_body_size_limit(client, login, city, monkeypatch):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    big = b"x" * (get_settings().max_body_bytes + 1)
    r = client.post("/api/v1/auth/token", content=big, headers=form)
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    monkeypatch.setattr(get_settings(), "max_body_bytes", 1000)

    def chunks():  # no Content-Length: counted while read
        yield b"username=" + b"x" * 600
        yield b"x" * 600

    r = client.post("/api/v1/auth/token", content=chunks(), headers=form)
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def test_malformed_json_wrong_types_and_unknown_fields(client, login, city):
    admin = login("admin")
    json_headers = admin | {"Content-Type": "application/json"}
    r = client.post("/api/v1/cases", headers=json_headers, content=b'{"category": "env_garbage", "lon": 116.4,')
    assert r.status_code in (400, 422) and r.json()["detail"]
    r = client.post("/api/v1/cases", headers=admin, json={"category": "env_garbage", "lon": "east", "lat": 39.95})
    assert r.status_code == 422 and "lon" in r.json()["detail"]
    r = client.post("/api/v1/cases", headers=admin, json={"category": "env_garbage", "lon": 116.41, "lat": 39.95,
                                                         "priority": "high"})
    assert r.status_code == 422 and "priority" in r.json()["detail"]
    r = client.post("/api/v1/plans/propose", headers=admin, json={"community": COMM_A, "colour": "red"})
    assert r.status_code == 422 and "colour" in r.json()["detail"]


def test_sql_looking_strings_are_just_strings(client, login, city, session):
    admin = login("admin")
    evil = "'; DROP TABLE cases; --"
    r = client.post("/api/v1/cases", headers=admin, json={"category": evil, "lon": 116.41, "lat": 39.95})
    assert r.status_code == 422 and "category" in r.json()["detail"]
    for params in ({"category": evil}, {"status": evil}, {"polygon": evil}, {"bbox": evil}):
        assert client.get("/api/v1/cases", headers=admin, params=params).status_code in (200, 422)
    assert client.get(f"/api/v1/grids/{evil}", headers=admin).status_code == 404
    assert client.get("/api/v1/residents", headers=admin, params={"grid": evil}).json()["total"] == 0
    assert session.execute(text("SELECT count(*) FROM cases")).scalar() == 0  # the table is still there


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/residents", "/api/v1/grids", "/api/v1/audit",
                                  "/api/v1/staff", "/api/v1/buildings"])
@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 10**9}, {"offset": -1}, {"limit": "many"}])
def test_out_of_range_pagination(client, login, city, path, params):
    r = client.get(path, headers=login("admin"), params=params)
    assert r.status_code == 422 and r.json()["code"] == "invalid_input", (path, params, r.text)


def test_polygon_filters_are_checked_too(client, login, city):
    admin = login("admin")
    open_ring = json.dumps(square(116.41, 39.95, close=False))
    r = client.get("/api/v1/cases", headers=admin, params={"polygon": open_ring})
    assert r.status_code == 422 and "not closed" in r.json()["detail"]


@pytest.mark.parametrize("params", [{"to": "0001-01-01T00:00:00Z"}, {"to": "9999-12-31T00:00:00Z"}, {"to": "0.5"}])
def test_dates_must_be_iso_and_plausible(client, login, city, params):
    r = client.get("/api/v1/analytics/emerging", headers=login("admin"), params=params)
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
