"""Departments over HTTP: the list, their accounts' view and steps, 吹哨 from a street, their figures."""

from geo.access.accounts import create_user
from tests.city import DISTRICT, PASSWORD, STREET, staff_the_city


def department_login(client, session, name: str, department: str) -> dict:
    create_user(session, username=name, password=PASSWORD, role="department", scope_code=DISTRICT,
                department=department)
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_the_departments_are_listed(client, city, login):
    items = client.get("/api/v1/departments", headers=login()).json()["items"]
    assert {"城管", "市场监管", "住建", "公安", "消防", "卫健", "人社"} <= {d["code"] for d in items}
    assert all(d["name"] and d["name_en"] for d in items)


def test_a_street_whistles_and_the_department_reports_in(client, session, city, login):
    staff_the_city(session)  # someone on duty: the case is dispatched, and a handler has it
    street = login("street_staff", STREET)
    case = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.415, "lat": 39.945},
                       headers=login("command_center", DISTRICT)).json()
    police = department_login(client, session, "ga", "公安")
    assert client.get(f"/api/v1/cases/{case['id']}", headers=police).status_code == 404  # not whistled for yet
    r = client.post(f"/api/v1/cases/{case['id']}/transitions", headers=street,
                    json={"action": "whistle", "version": case["version"], "department": "公安", "note": "请派员"})
    assert r.status_code == 200, r.text
    assert [h["kind"] for h in r.json()["holds"]][-1] == "whistle"
    seen = client.get(f"/api/v1/cases/{case['id']}", headers=police).json()
    assert seen["allowed_actions"] == ["report_in"]
    r = client.post(f"/api/v1/cases/{case['id']}/transitions", headers=police,
                    json={"action": "report_in", "version": seen["version"], "note": "已到场"})
    assert r.status_code == 200 and r.json()["holds"][-1]["outcome"] == "met"
    rows = client.get("/api/v1/departments/figures", headers=police).json()["rows"]
    assert [(r["code"], r["whistled"], r["whistled_missed"]) for r in rows] == [("公安", 1, 0)]


def test_an_unknown_department_is_a_422_in_chinese(client, session, city, login):
    staff_the_city(session)
    street = login("street_staff", STREET)
    case = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.415, "lat": 39.945},
                       headers=street).json()
    r = client.post(f"/api/v1/cases/{case['id']}/transitions", headers={**street, "Accept-Language": "zh"},
                    json={"action": "whistle", "version": case["version"], "department": "水务"})
    assert r.status_code == 422 and "没有职能部门“水务”" in r.json()["detail"]


def test_a_department_sees_no_case_map_and_no_grid_page(client, session, city):
    police = department_login(client, session, "ga2", "公安")
    assert client.get("/tiles/cases/14/13492/6206.mvt", headers=police).status_code == 403
    assert client.get("/tiles/grids/14/13492/6206.mvt", headers=police).status_code == 200
