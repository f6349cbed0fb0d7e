"""Scope filtering: people and cases are only visible inside the caller's scope."""

from sqlalchemy import text

from geo.access.crypto import lookup, seal
from geo.core.models import Duty, Staff, StaffAssignment
from tests.city import A1, A2, B1, COMM_A


def add_staff(session, name, grid, duty=Duty.fulltime_worker):
    person = Staff(name=name, phone_enc=seal("13800000000"), phone_hmac=lookup("13800000000"))
    session.add(person)
    session.flush()
    session.add(StaffAssignment(staff_id=person.id, duty=duty, area_code=grid))
    session.flush()


def add_case(session, lon, lat, grid):
    session.execute(text("INSERT INTO cases (category, geom, grid_code) VALUES ('garbage', "
                         "ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g)"), {"x": lon, "y": lat, "g": grid})


def seed(session):
    add_staff(session, "甲一员", A1)
    add_staff(session, "甲一长", A1, Duty.grid_leader)
    add_staff(session, "甲二员", A2)
    add_staff(session, "乙一员", B1)
    add_case(session, 116.41, 39.95, A1)
    add_case(session, 116.43, 39.95, A2)
    add_case(session, 116.45, 39.95, B1)


def names(client, headers, path="/api/v1/staff", key="name", **params):
    r = client.get(path, headers=headers, params=params)
    assert r.status_code == 200, r.text
    return sorted(item[key] for item in r.json())


def case_grids(client, headers):
    r = client.get("/api/v1/cases", headers=headers)
    assert r.status_code == 200, r.text
    return sorted(item["grid"]["code"] for item in r.json()["items"])


def test_grid_worker_sees_only_their_grid(client, session, city, login):
    seed(session)
    headers = login("grid_worker", A1)
    assert names(client, headers) == ["甲一员", "甲一长"]
    assert case_grids(client, headers) == [A1]
    assert names(client, headers, area=A2) == []


def test_community_and_district_scopes(client, session, city, login):
    seed(session)
    assert names(client, login("community_staff", COMM_A)) == ["甲一员", "甲一长", "甲二员"]
    assert names(client, login("command_center", "110105")) == ["乙一员", "甲一员", "甲一长", "甲二员"]
    assert len(case_grids(client, login("admin"))) == 3


def test_staff_are_listed_leader_first(client, session, city, login):
    seed(session)
    staff = client.get("/api/v1/staff", headers=login("admin"), params={"area": A1}).json()
    assert [s["duty"] for s in staff] == ["grid_leader", "fulltime_worker"]


def test_locate_lists_staff_only_within_scope(client, session, city, login):
    seed(session)
    mine = client.get("/api/v1/locate", params={"lon": 116.41, "lat": 39.95}, headers=login("grid_worker", A1)).json()
    assert [s["name"] for s in mine["staff"]] == ["甲一长", "甲一员"]
    other = client.get("/api/v1/locate", params={"lon": 116.43, "lat": 39.95}, headers=login("grid_worker", A1)).json()
    assert other["grid"]["code"] == A2 and other["staff"] == []


def test_ended_assignments_are_not_on_duty(client, session, city, login):
    person = Staff(name="退休员")
    session.add(person)
    session.flush()
    session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date, end_date) "
                         "VALUES (:s, 'fulltime_worker', :g, '2020-01-01', '2020-12-31')"), {"s": person.id, "g": A1})
    headers = login("admin")
    assert names(client, headers, area=A1) == []
    assert names(client, headers, area=A1, on="2020-06-01") == ["退休员"]
