"""GET /api/v1/locate: answers, 404 with the distance, 422 with a clear message."""

import pytest

from tests.city import A2, B2, COMM_A


@pytest.fixture
def headers(city, login):
    return login("command_center", "110105")


def test_locate(client, headers):
    r = client.get("/api/v1/locate", params={"lon": 116.43, "lat": 39.95}, headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["match"] == "covers" and body["grid"] == {"code": A2, "name": "甲二网格"}
    assert body["community"]["code"] == COMM_A and body["district"]["code"] == "110105"


def test_nearest(client, headers):
    body = client.get("/api/v1/locate", params={"lon": 116.5005, "lat": 39.95}, headers=headers).json()
    assert body["match"] == "nearest" and body["grid"]["code"] == B2 and 35 < body["distance_m"] < 50


def test_far_is_404_with_distance(client, headers):
    r = client.get("/api/v1/locate", params={"lon": 116.6, "lat": 39.93}, headers=headers)
    assert r.status_code == 404
    body = r.json()
    assert body["code"] == "outside_grids" and "m away" in body["detail"] and body["distance_m"] > 8000


def test_gcj02_and_at(client, headers):
    r = client.get("/api/v1/locate", params={"lon": 116.4362, "lat": 39.9515, "crs": "gcj02", "at": "2024-05-01"},
                   headers=headers)
    assert r.status_code == 200 and r.json()["grid"]["code"] == A2


@pytest.mark.parametrize("params,message", [
    ({"lon": "abc", "lat": 39.9}, "lon"),
    ({"lat": 39.9}, "lon"),
    ({"lon": 116.4, "lat": 95}, "±90"),
    ({"lon": 190, "lat": 39.9}, "±180"),
    ({"lon": "nan", "lat": 39.9}, "finite"),
    ({"lon": 116.4, "lat": 39.9, "crs": "mars"}, "Unknown crs"),
    ({"lon": 116.4, "lat": 39.9, "at": "yesterday"}, "at"),
])
def test_invalid_input_is_422(client, headers, params, message):
    r = client.get("/api/v1/locate", params=params, headers=headers)
    assert r.status_code == 422, r.text
    assert message in r.json()["detail"] and r.json()["code"] in ("invalid_input", "invalid_crs")


def test_locate_on_a_day_to_come_follows_the_scheduled_plan(client, headers, login):
    from datetime import timedelta

    from geo.core.time import china_today
    from tests.api.test_plans_api import scheduled
    from tests.city import A3, A4, DISTRICT

    day = china_today() + timedelta(days=4)
    scheduled(client, login("planner", DISTRICT), day)
    point = {"lon": 116.43, "lat": 39.91}
    found = {offset: client.get("/api/v1/locate", headers=headers,
                                params=point | {"at": (day + timedelta(days=offset)).isoformat()}).json()["grid"]["code"]
             for offset in (-1, 0, 5)}
    assert found == {-1: A4, 0: A3, 5: A3}
    assert client.get("/api/v1/locate", headers=headers, params=point).json()["grid"]["code"] == A4
