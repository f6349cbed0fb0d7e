"""Party building over the API: one organisation, members, 双报到, activities and forms (tests/party_city.py)."""

from datetime import date, timedelta

import pytest

from tests.city import A1, COMM_A, COMM_B, PASSWORD
from tests.party_city import build_party_city

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 20


@pytest.fixture
def party(session):
    return build_party_city(session)


@pytest.fixture
def staff_a(login):
    return login("party_staff", COMM_A)


def test_an_organisation_for_party_staff(client, party, staff_a):
    r = client.get(f"/api/v1/party/orgs/{party['CA']}", headers=staff_a)
    assert r.status_code == 200, r.text
    org = r.json()
    assert (org["name"], org["level"], org["level_label"]) == ("甲社区党委", "community_committee", "社区党委")
    assert org["parent"] == {"id": party["S"], "name": "测试街道党工委"}
    assert [c["name"] for c in org["children"]] == ["甲一甲二联合党支部", "甲三小区党支部", "科技公司党支部"]
    assert org["area"] == {"code": COMM_A, "name": "甲社区"}
    assert org["posts"]["counts"] == [{"post": "parttime", "post_label": "兼职委员", "count": 1}]
    assert org["posts"]["units"] == ["某科技公司"]
    assert org["posts"]["holders"] == [{"post": "parttime", "post_label": "兼职委员", "member_id": party["m2"],
                                        "name": "党员乙", "phone": "139****0000", "unit": "某科技公司"}]
    branch = client.get(f"/api/v1/party/orgs/{party['BA12']}", headers=staff_a).json()
    assert [c["code"] for c in branch["compounds"]] == ["PA1", "PA2"]
    assert branch["members"] == 1 and branch["last_activity"] == "2026-10-10"
    group = client.get(f"/api/v1/party/orgs/{party['G1']}", headers=staff_a).json()
    assert group["building"] == {"id": party["b1"], "name": "b1号楼"}
    unit = client.get(f"/api/v1/party/orgs/{party['U1']}", headers=staff_a).json()
    assert unit["unit"] == {"name": "某科技公司", "kind": "new_org", "kind_label": "两新组织"}


def test_others_see_counts_and_units_only(client, party, login):
    org = client.get(f"/api/v1/party/orgs/{party['CA']}", headers=login("community_staff", COMM_A)).json()
    assert "holders" not in org["posts"]
    assert org["posts"]["units"] == ["某科技公司"] and org["posts"]["counts"][0]["count"] == 1


def test_organisation_scope(client, party, login):
    b_staff = login("party_staff", COMM_B)
    assert client.get(f"/api/v1/party/orgs/{party['CA']}", headers=b_staff).status_code == 404
    assert client.get(f"/api/v1/party/orgs/{party['S']}", headers=b_staff).status_code == 404  # the street's, not B's
    assert client.get(f"/api/v1/party/orgs/{party['CB']}", headers=b_staff).status_code == 200
    grid = login("party_staff", A1)  # a grid-scoped caller sees the branch covering a compound of the grid
    assert client.get(f"/api/v1/party/orgs/{party['BA12']}", headers=grid).status_code == 200
    assert client.get(f"/api/v1/party/orgs/{party['BA3']}", headers=grid).status_code == 404


def test_members_list_and_one(client, party, staff_a):
    r = client.get("/api/v1/party/members", headers=staff_a)
    assert r.status_code == 200, r.text
    names = [m["name"] for m in r.json()["items"]]
    assert names == ["党员甲", "党员乙", "党员丙", "党员戊"]  # m3 lives in B but belongs to U1 of A; m4 is B's
    m1 = client.get(f"/api/v1/party/members/{party['m1']}", headers=staff_a).json()
    assert (m1["status_label"], m1["kind_label"], m1["phone"]) == ("正式党员", "居民党员", "139****0000")
    assert m1["home"]["building_name"] == "b1号楼" and m1["home"]["door"] == "101"
    assert (m1["grid_role"], m1["grid_role_label"]) == ("grid_leader", "网格长")
    assert [c["door"] for c in m1["contacts"]] == ["201", "301"]
    m2 = client.get(f"/api/v1/party/members/{party['m2']}", headers=staff_a).json()
    assert m2["report_ins"][0] | {"id": 0} == {"id": 0, "community_code": COMM_A, "community_name": "甲社区",
                                               "reported_on": "2026-10-01", "pledge": "每月参加一次志愿服务"}
    assert m2["work_unit"] == "某科技公司"


def test_member_filters(client, party, staff_a):
    def names(**params):
        r = client.get("/api/v1/party/members", params=params, headers=staff_a)
        assert r.status_code == 200, r.text
        return [m["name"] for m in r.json()["items"]]

    assert names(kind="in_service") == ["党员乙", "党员丙"]
    assert names(org=party["BA3"]) == ["党员戊"]
    assert names(status="probationary") == []
    r = client.get("/api/v1/party/members", params={"kind": "boss"}, headers=staff_a)
    assert r.status_code == 422 and "boss" in r.json()["detail"]


def test_report_in(client, party, staff_a):
    body = {"community": COMM_A, "reported_on": "2026-11-02", "pledge": "每周一次楼道清扫"}
    url = f"/api/v1/party/members/{party['m2']}/report-in"
    r = client.post(url, json=body, headers=staff_a)
    assert r.status_code == 201, r.text
    assert r.json()["recorded_by"] == "party_staff-110105001001"
    again = client.post(url, json=body, headers=staff_a)
    assert again.status_code == 409 and "already reported in" in again.json()["detail"]
    not_in_service = client.post(f"/api/v1/party/members/{party['m1']}/report-in", json=body, headers=staff_a)
    assert not_in_service.status_code == 422 and "not an in-service member" in not_in_service.json()["detail"]
    future = (date.today() + timedelta(days=2)).isoformat()
    assert client.post(url, json=body | {"reported_on": future}, headers=staff_a).status_code == 422
    assert client.post(url, json=body | {"pledge": "x" * 501}, headers=staff_a).status_code == 422
    assert client.post(url, json=body | {"community": COMM_B}, headers=staff_a).status_code == 403
    assert client.post(url, json=body | {"community": "110105001009"}, headers=staff_a).status_code == 404


def test_report_in_chinese_message(client, party, staff_a):
    body = {"community": COMM_A, "reported_on": "2026-10-01", "pledge": "再报一次"}
    r = client.post(f"/api/v1/party/members/{party['m2']}/report-in", json=body, headers=staff_a,
                    params={"lang": "zh"})
    assert r.status_code == 409 and r.json()["detail"] == f"党员 {party['m2']} 已于 2026-10-01 向社区 {COMM_A} 报到，不能重复登记"


def test_activities_record_list_and_forms(client, party, staff_a, login):
    body = {"org_id": party["BA12"], "kind": "three_one", "held_on": "2026-11-15", "place": "党群服务中心",
            "participants": 8, "member_ids": [party["m1"]], "summary": "<img src=x onerror=alert(1)>学习"}
    r = client.post("/api/v1/party/activities", json=body, headers=staff_a)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["kind_label"] == "三会一课" and made["member_ids"] == [party["m1"]] and made["forms"] == []
    assert made["summary"] == "<img src=x onerror=alert(1)>学习"
    listed = client.get("/api/v1/party/activities", params={"org": party["BA12"], "from": "2026-11-01"},
                        headers=login("community_staff", COMM_A)).json()
    assert listed["total"] == 1 and "member_ids" not in listed["items"][0]
    assert listed["items"][0]["participants"] == 8
    url = f"/api/v1/party/activities/{made['id']}/forms"
    r = client.post(url, data={"form": "record"}, files={"file": ("备案单.pdf", PDF, "application/pdf")}, headers=staff_a)
    assert r.status_code == 201, r.text
    assert r.json()["form_label"] == "备案单"
    assert client.post(url, data={"form": "report"}, files={"file": ("r.png", PNG, "image/png")},
                       headers=staff_a).status_code == 201
    detail = client.get(f"/api/v1/party/activities/{made['id']}", headers=staff_a).json()
    assert [f["form"] for f in detail["forms"]] == ["record", "report"]


def test_bad_activities_and_forms(client, party, staff_a):
    body = {"org_id": party["BA12"], "kind": "theme_day", "held_on": "2026-11-15", "place": "活动室",
            "participants": 1, "member_ids": [], "summary": "主题党日"}
    assert client.post("/api/v1/party/activities", json=body | {"kind": "party"}, headers=staff_a).status_code == 422
    assert client.post("/api/v1/party/activities", json=body | {"participants": -1}, headers=staff_a).status_code == 422
    future = (date.today() + timedelta(days=2)).isoformat()
    assert client.post("/api/v1/party/activities", json=body | {"held_on": future}, headers=staff_a).status_code == 422
    r = client.post("/api/v1/party/activities", json=body | {"member_ids": [party["m1"], party["m2"]]}, headers=staff_a)
    assert r.status_code == 422 and "fewer than" in r.json()["detail"]
    made = client.post("/api/v1/party/activities", json=body, headers=staff_a).json()
    url = f"/api/v1/party/activities/{made['id']}/forms"
    webp = b"RIFF0000WEBP"
    r = client.post(url, data={"form": "record"}, files={"file": ("a.webp", webp, "image/webp")}, headers=staff_a)
    assert r.status_code == 422 and "not accepted" in r.json()["detail"]
    r = client.post(url, data={"form": "record"}, files={"file": ("a.pdf", b"MZ\x90\x00", "application/pdf")},
                    headers=staff_a)
    assert r.status_code == 422 and "not a application/pdf" in r.json()["detail"]
    r = client.post(url, data={"form": "minutes"}, files={"file": ("a.pdf", PDF, "application/pdf")}, headers=staff_a)
    assert r.status_code == 422 and "minutes" in r.json()["detail"]


def test_a_grid_workers_token_cannot_record(client, party):
    token = client.post("/api/v1/auth/token", data={"username": "w1", "password": PASSWORD}).json()["access_token"]
    body = {"org_id": party["BA12"], "kind": "theme_day", "held_on": "2026-11-15", "place": "活动室",
            "participants": 1, "summary": "主题党日"}
    r = client.post("/api/v1/party/activities", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
