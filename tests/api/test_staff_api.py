"""Staff listings and map markers: scope, and phones whole or masked by the viewer's role."""

import pytest

from geo.access.privacy import FULL_STAFF_PHONE, staff_phone
from geo.core.models import Duty, Role
from tests.api.test_scope import add_staff
from tests.city import A1, A2, B1, COMM_A, DISTRICT

WHOLE, MASKED = "13800000000", "138****0000"


def test_every_role_has_a_phone_rule():
    assert set(FULL_STAFF_PHONE) == set(Role)
    assert staff_phone(Role.planner, Duty.grid_leader, WHOLE) == MASKED
    assert staff_phone(Role.command_center, Duty.parttime_worker, WHOLE) == MASKED
    assert staff_phone(Role.grid_worker, Duty.parttime_worker, WHOLE) == WHOLE
    assert staff_phone(Role.planner, Duty.grid_leader, None) is None


@pytest.fixture
def staffed(session, city):
    add_staff(session, "甲一员", A1)
    add_staff(session, "甲一志愿者", A1, Duty.parttime_worker)
    add_staff(session, "甲二员", A2)
    add_staff(session, "乙一员", B1)


def phones(client, headers, **params):
    r = client.get("/api/v1/staff", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return {s["name"]: s["phone"] for s in r.json()}


@pytest.mark.parametrize("role, scope, worker, volunteer", [
    ("admin", None, WHOLE, WHOLE),
    ("command_center", DISTRICT, WHOLE, MASKED),
    ("community_staff", COMM_A, WHOLE, WHOLE),
    ("grid_worker", A1, WHOLE, WHOLE),
])
def test_staff_phones_follow_the_viewers_role(client, login, staffed, role, scope, worker, volunteer):
    seen = phones(client, login(role, scope), area=A1)
    assert seen == {"甲一员": worker, "甲一志愿者": volunteer}


def test_locate_masks_phones_the_same_way(client, login, staffed):
    found = client.get("/api/v1/locate", params={"lon": 116.41, "lat": 39.95},
                       headers=login("command_center", DISTRICT)).json()
    assert {s["name"]: s["phone"] for s in found["staff"]} == {"甲一员": WHOLE, "甲一志愿者": MASKED}


def test_planners_see_no_staff(client, login, staffed):
    planner = login("planner", DISTRICT)
    assert client.get("/api/v1/staff", headers=planner, params={"area": A1}).status_code == 403
    assert client.get("/api/v1/staff/points", headers=planner).status_code == 403
    found = client.get("/api/v1/locate", params={"lon": 116.41, "lat": 39.95}, headers=planner).json()
    assert found["grid"]["code"] == A1 and found["staff"] == []


def test_grid_staff_points_one_marker_per_grid_inside_the_grid(client, login, session, staffed):
    r = client.get("/api/v1/staff/points", headers=login("command_center", DISTRICT),
                   params={"bbox": "116.40,39.90,116.435,39.96"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    features = {f["properties"]["code"]: f for f in r.json()["features"]}
    assert set(features) == {A1, A2}  # B1 lies east of the box
    staff = features[A1]["properties"]["staff"]
    assert [(s["name"], s["duty"], s["phone"]) for s in staff] == [
        ("甲一员", "fulltime_worker", WHOLE), ("甲一志愿者", "parttime_worker", MASKED)]
    lon, lat = features[A1]["geometry"]["coordinates"]
    assert 116.40 <= lon <= 116.42 and 39.93 <= lat <= 39.96


def test_grid_staff_points_stay_in_scope(client, login, staffed):
    r = client.get("/api/v1/staff/points", headers=login("grid_worker", B1))
    assert [f["properties"]["code"] for f in r.json()["features"]] == [B1]


def test_grid_staff_points_reject_a_bad_bbox(client, login, staffed):
    r = client.get("/api/v1/staff/points", headers=login("admin"), params={"bbox": "1,2,3"})
    assert r.status_code == 422 and "bbox" in r.json()["detail"]
