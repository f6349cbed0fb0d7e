"""GET /api/v1/analytics/building-visits: days since each building's last visit, counted by hand; scope; bad bbox."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import text

from geo.core.time import CHINA, china_today
from tests.city import A1, B1
from tests.field_city import build_field_city

URL = "/api/v1/analytics/building-visits"
BOX = {"bbox": "116.0,39.5,117.0,40.5"}


@pytest.fixture
def ids(session):
    """The field city with visits: b1 3 days ago and 40 days ago (the newer counts), b2 40 days ago, b6 (B1) today;
    b3 never."""
    ids = build_field_city(session)
    today = china_today()
    for building, index, grid, days in (("b1", 0, A1, 40), ("b1", 1, A1, 3), ("b2", 0, A1, 40), ("b6", 0, B1, 0)):
        session.execute(text(
            "INSERT INTO visits (staff_id, household_id, building_id, grid_code, kind, visited_at) "
            "VALUES (:s, :h, :b, :g, 'home', :t)"),
            {"s": ids["w1" if grid == A1 else "wb"], "h": ids[f"{building}_households"][index], "b": ids[building],
             "g": grid, "t": datetime.combine(today - timedelta(days=days), time(9, 30), CHINA)})
    session.flush()
    return ids


def by_id(body):
    return {f["id"]: f["properties"] for f in body["features"]}


def test_days_since_the_last_visit(client, login, ids):
    r = client.get(URL, headers=login(), params=BOX)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    body = r.json()
    found = by_id(body)
    today = china_today()
    assert found[ids["b1"]] == {"id": ids["b1"], "name": found[ids["b1"]]["name"], "households": 3,
                                "last_visit_on": (today - timedelta(days=3)).isoformat(), "days_since_visit": 3}
    assert (found[ids["b2"]]["days_since_visit"], found[ids["b2"]]["households"]) == (40, 2)
    assert (found[ids["b3"]]["days_since_visit"], found[ids["b3"]]["last_visit_on"]) == (None, None)
    assert found[ids["b6"]]["days_since_visit"] == 0
    assert body["as_of"] == today.isoformat() and body["truncated"] is False
    point = next(f for f in body["features"] if f["id"] == ids["b1"])["geometry"]
    assert point["type"] == "Point" and len(point["coordinates"]) == 2
    assert set(found[ids["b1"]]) == {"id", "name", "households", "last_visit_on", "days_since_visit"}  # no one's name


def test_a_grid_worker_sees_only_their_grids_buildings(client, login, ids, session):
    mine = set(session.execute(text("SELECT id FROM buildings WHERE grid_code = :g"), {"g": A1}).scalars())
    found = by_id(client.get(URL, headers=login("grid_worker", A1), params=BOX).json())
    assert set(found) == mine and ids["b6"] not in found
    assert ids["b6"] in by_id(client.get(URL, headers=login("grid_worker", B1), params=BOX).json())


def test_the_limit_truncates(client, login, ids):
    body = client.get(URL, headers=login(), params={**BOX, "limit": 2}).json()
    assert len(body["features"]) == 2 and body["truncated"] is True


@pytest.mark.parametrize("params", [{}, {"bbox": "116,39"}, {"bbox": "117,40,116,39"}, {"bbox": "a,b,c,d"},
                                    {"bbox": "116,39,200,40"}, {**BOX, "limit": 0}, {**BOX, "limit": 5001}])
def test_bad_input_is_422(client, login, ids, params):
    r = client.get(URL, headers=login(), params=params)
    assert r.status_code == 422, r.text
