"""Finding 6: actions reached outside scope.

`merge` into another community's case moved a reporter's name and phone there; `dispatch` accepted an assignee
from another community; a grid worker attached files to cases not assigned to them. Every object an action
references is now checked against the caller's scope, and a missing object and one outside the scope are answered
alike: the same status, the same message but for the id.
"""

import re

import pytest
from sqlalchemy import text

from tests.api.test_cases_api import act, report
from tests.city import B1, COMM_A, COMM_B, DISTRICT, PASSWORD, staff_the_city

MISSING = 987654321
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


@pytest.fixture
def staffed(session, city):
    return staff_the_city(session)


@pytest.fixture
def as_user(client, staffed):
    """Headers of one of the test city's accounts (English messages)."""
    def headers(name):
        r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "en"}
    return headers


def same_answer(outside, missing, outside_id, missing_id) -> None:
    """Two refusals that differ only in the id they name."""
    assert outside.status_code == missing.status_code and outside.status_code in (404, 422), outside.text
    assert outside.json()["code"] == missing.json()["code"]
    assert re.sub(str(outside_id), "ID", outside.json()["detail"]) == re.sub(str(missing_id), "ID",
                                                                              missing.json()["detail"])


def test_merge_into_a_case_of_another_community_is_refused(client, as_user, session):
    command = as_user("command")
    mine = report(client, command, reporter={"name": "张三", "phone": "13800000001"})  # in community A
    theirs = report(client, command, lon=116.45, lat=39.95)  # in community B
    comm = as_user("comm")  # community A's staff
    outside = client.post(f"/api/v1/cases/{mine['id']}/transitions", headers=comm,
                          json={"action": "merge", "version": mine["version"], "target_id": theirs["id"]})
    missing = client.post(f"/api/v1/cases/{mine['id']}/transitions", headers=comm,
                          json={"action": "merge", "version": mine["version"], "target_id": MISSING})
    same_answer(outside, missing, theirs["id"], MISSING)
    reporters = session.execute(text("SELECT case_id FROM case_reporters WHERE name = '张三'")).scalars().all()
    assert reporters == [mine["id"]], "the reporter stays with the case they reported"


def test_dispatch_to_a_worker_of_another_community_is_refused(client, as_user, staffed):
    case = report(client, as_user("command"))  # grid A1, dispatched to w1 or w2
    handler = "w1" if case["assignee"]["id"] == staffed["w1"] else "w2"
    case = act(client, as_user(handler), case, "return", note="不是我的网格")
    comm = as_user("comm")
    body = {"action": "dispatch", "version": case["version"]}
    outside = client.post(f"/api/v1/cases/{case['id']}/transitions", headers=comm, json=body | {"assignee_id": staffed["wb"]})
    missing = client.post(f"/api/v1/cases/{case['id']}/transitions", headers=comm, json=body | {"assignee_id": MISSING})
    same_answer(outside, missing, staffed["wb"], MISSING)
    other = "w2" if handler == "w1" else "w1"
    assert act(client, comm, case, "dispatch", assignee_id=staffed[other])["assignee"]["id"] == staffed[other]


def test_a_grid_worker_may_attach_files_only_to_their_own_cases(client, as_user, staffed):
    case = report(client, as_user("command"))
    assignee = "w1" if case["assignee"]["id"] == staffed["w1"] else "w2"
    colleague = "w2" if assignee == "w1" else "w1"
    files = {"file": ("现场.jpg", JPEG, "image/jpeg")}
    refused = client.post(f"/api/v1/cases/{case['id']}/attachments", headers=as_user(colleague), files=files)
    assert refused.status_code == 403, refused.text
    assert client.post(f"/api/v1/cases/{case['id']}/attachments", headers=as_user(assignee), files=files).status_code == 201
    own = report(client, as_user(colleague))  # whoever reported a case may add its photos
    assert client.post(f"/api/v1/cases/{own['id']}/attachments", headers=as_user(colleague), files=files).status_code == 201
    wb = as_user("wb")  # a worker of another grid cannot even see the case
    assert client.post(f"/api/v1/cases/{case['id']}/attachments", headers=wb, files=files).status_code == 404


def test_a_plan_outside_the_scope_is_answered_like_a_missing_one(client, login, city):
    plan = client.post("/api/v1/plans", headers=login("planner", DISTRICT), json={"communities": [COMM_A]}).json()["id"]
    other = login("planner", COMM_B)
    for path in ("", "/validation", "/impact", "/export"):
        same_answer(client.get(f"/api/v1/plans/{plan}{path}", headers=other),
                    client.get(f"/api/v1/plans/{MISSING}{path}", headers=other), plan, MISSING)
    body = {"codes": [f"{COMM_A}001", f"{COMM_A}002"]}
    same_answer(client.post(f"/api/v1/plans/{plan}/merge", headers=other, json=body),
                client.post(f"/api/v1/plans/{MISSING}/merge", headers=other, json=body), plan, MISSING)


def test_plan_edits_and_case_reports_name_only_buildings_in_scope(client, login, session, city):
    ids = {}
    for name, lon, lat in (("甲楼", 116.41, 39.95), ("乙楼", 116.45, 39.95)):
        ids[name] = session.execute(text("INSERT INTO buildings (name, geom) VALUES (:n, ST_SetSRID(ST_MakePoint(:x, :y), "
                                         "4326)) RETURNING id"), {"n": name, "x": lon, "y": lat}).scalar()
    planner = login("planner", DISTRICT)
    plan = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    body = {"to": f"{COMM_A}002"}
    same_answer(client.post(f"/api/v1/plans/{plan}/reassign", headers=planner, json=body | {"buildings": [ids["乙楼"]]}),
                client.post(f"/api/v1/plans/{plan}/reassign", headers=planner, json=body | {"buildings": [MISSING]}),
                ids["乙楼"], MISSING)
    worker = login("grid_worker", B1)
    case = {"category": "env_garbage", "channel": "patrol"}
    same_answer(client.post("/api/v1/cases", headers=worker, json=case | {"building_id": ids["甲楼"]}),
                client.post("/api/v1/cases", headers=worker, json=case | {"building_id": MISSING}), ids["甲楼"], MISSING)
    assert client.post("/api/v1/cases", headers=worker, json=case | {"building_id": ids["乙楼"]}).status_code == 201


def test_a_case_placed_outside_the_reporters_area_is_refused_clearly(client, as_user, staffed):
    """It used to be registered and then answered 404 "no case N" (rolled back, the id spent); and the dispatch
    preview named the staff of any grid: both now refuse with 403 "outside your area", naming neither grid nor staff."""
    worker = as_user("w1")  # grid A1
    elsewhere = {"category": "env_garbage", "lon": 116.45, "lat": 39.95, "channel": "patrol"}  # grid B1
    r = client.post("/api/v1/cases", headers=worker, json=elsewhere)
    assert r.status_code == 403 and B1 not in r.text and r.json()["detail"] == "this location is outside your area"
    r = client.get("/api/v1/cases/preview", headers=worker,
                   params={"category": "env_garbage", "lon": 116.45, "lat": 39.95})
    assert r.status_code == 403 and "wb" not in r.text and "乙一" not in r.text
    assert client.get("/api/v1/cases/preview", headers=as_user("command"),
                      params={"category": "env_garbage", "lon": 116.45, "lat": 39.95}).json()["assignee"]["name"] == "wb"


def test_reporters_names_are_surnames_for_roles_without_full_names(client, as_user, login):
    case = report(client, as_user("command"), reporter={"name": "欧阳娜娜", "phone": "13800000002"})
    seen = client.get(f"/api/v1/cases/{case['id']}", headers=as_user("command")).json()["reporters"][0]
    assert seen["name"] == "欧阳**" and seen["phone"] == "138****0002"
    assert client.get(f"/api/v1/cases/{case['id']}", headers=login("admin")).json()["reporters"][0]["name"] == "欧阳娜娜"


def test_a_case_holds_a_bounded_number_of_files(client, as_user, staffed, monkeypatch):
    from geo.core.settings import get_settings
    monkeypatch.setattr(get_settings(), "attachments_per_case", 2)
    case = report(client, as_user("command"))
    for i in range(2):
        files = {"file": (f"{i}.jpg", JPEG + bytes([i]), "image/jpeg")}
        assert client.post(f"/api/v1/cases/{case['id']}/attachments", headers=as_user("comm"), files=files).status_code == 201
    r = client.post(f"/api/v1/cases/{case['id']}/attachments", headers=as_user("comm"),
                    files={"file": ("3.jpg", JPEG + b"3", "image/jpeg")})
    assert r.status_code == 422 and "most" in r.json()["detail"]
