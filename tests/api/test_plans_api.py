"""/api/v1/plans over HTTP: create from the current boundaries or an upload, read, validate; who may."""

import json

from shapely.geometry import box

from tests.city import A1, A2, A3, A4, COMM_A, COMM_B, DISTRICT, collection, feature


def test_create_from_current_read_and_validate(client, login, city):
    planner = login("planner", DISTRICT)
    r = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_B], "name": "乙社区调整"})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["validation"]["valid"] is False and plan["validation"]["errors"] >= 3
    read = client.get(f"/api/v1/plans/{plan['id']}", headers=planner)
    assert read.headers["content-type"] == "application/geo+json" and read.json()["plan"]["name"] == "乙社区调整"
    report = client.get(f"/api/v1/plans/{plan['id']}/validation", headers=planner, params={"lang": "zh"}).json()
    gap = next(p for p in report["problems"] if p["code"] == "gap")
    assert "不属于任何网格" in gap["message"] and gap["geometry"]["type"] == "Polygon"


def test_create_from_an_upload(client, login, city):
    doc = collection(feature(A1, "甲一", box(116.40, 39.93, 116.42, 39.96)),
                     feature(A2, "甲二", box(116.42, 39.93, 116.44, 39.96)))
    r = client.post("/api/v1/plans", headers=login("admin"),
                    files={"file": ("plan.geojson", json.dumps(doc).encode(), "application/geo+json")},
                    data={"name": "北半"})
    assert r.status_code == 201, r.text
    codes = [p["code"] for p in r.json()["validation"]["problems"]]
    assert "gap" in codes  # the southern half of community A is in no grid


def test_bad_requests_and_roles(client, login, city):
    planner = login("planner", DISTRICT)
    assert client.post("/api/v1/plans", headers=planner, json={"communities": []}).status_code == 422
    assert client.post("/api/v1/plans", headers=planner, json={"communities": ["110105001099"]}).status_code == 422
    r = client.post("/api/v1/plans", headers={**planner, "Content-Type": "application/json"}, content=b"{oops")
    assert r.status_code == 422
    bad = client.post("/api/v1/plans", headers=planner, files={"file": ("x.geojson", b"{}", "application/json")})
    assert bad.status_code == 422
    assert client.post("/api/v1/plans", headers=login("grid_worker", A1), json={"communities": [COMM_A]}).status_code == 403
    assert client.get("/api/v1/plans/424242", headers=planner).status_code == 404


def test_edits_over_http_with_undo(client, login, city):
    planner = login("planner", DISTRICT)
    plan = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    r = client.post(f"/api/v1/plans/{plan}/split", headers=planner,
                    json={"code": A2, "line": {"type": "LineString", "coordinates": [[116.415, 39.95], [116.445, 39.95]]}})
    assert r.status_code == 200, r.text
    assert r.json()["result"]["new_code"] == f"{COMM_A}006" and r.json()["validation"]["valid"] and r.json()["version"] == 2
    r = client.post(f"/api/v1/plans/{plan}/reassign", headers=planner,
                    json={"to": A1, "area": {"type": "Polygon", "coordinates": [[[116.42, 39.955], [116.43, 39.955],
                                                                                  [116.43, 39.96], [116.42, 39.96],
                                                                                  [116.42, 39.955]]]}})
    assert r.status_code == 200 and r.json()["result"]["from"] == [f"{COMM_A}006"]
    assert client.post(f"/api/v1/plans/{plan}/undo", headers=planner).json()["result"] == {"undone": "reassign"}
    assert client.post(f"/api/v1/plans/{plan}/merge", headers=planner, json={"codes": [A3, A4]}).status_code == 200
    assert client.post(f"/api/v1/plans/{plan}/redo", headers=planner).status_code == 409
    assert client.post(f"/api/v1/plans/{plan}/reassign", headers=planner, json={"to": A1}).status_code == 422
    assert client.post(f"/api/v1/plans/{plan}/split", headers=planner, json={"code": A1, "line": {}}).status_code == 422


def test_impact_over_http(client, login, city):
    planner = login("planner", DISTRICT)
    plan = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    r = client.get(f"/api/v1/plans/{plan}/impact", headers=planner, params={"target_min": 1, "target_max": 9})
    assert r.status_code == 200 and r.json()["target_households"] == [1, 9] and len(r.json()["grids"]) == 5
    assert client.get(f"/api/v1/plans/{plan}/impact", headers=planner, params={"target_min": 9, "target_max": 1}).status_code == 422


def test_propose_over_http_checks_input(client, login, city):
    planner = login("planner", DISTRICT)
    r = client.post("/api/v1/plans/propose", headers=planner, json={"community": COMM_A, "target_min": 9, "target_max": 1})
    assert r.status_code == 422
    r = client.post("/api/v1/plans/propose", headers=planner, json={"community": COMM_A, "grids": 2})
    assert r.status_code == 422 and "too few" in r.json()["detail"]  # the test city has no buildings


def test_export_over_http(client, login, city):
    planner = login("planner", DISTRICT)
    plan = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    r = client.get(f"/api/v1/plans/{plan}/export", headers=planner, params={"format": "gpkg"})
    assert r.status_code == 200 and r.content[:15] == b"SQLite format 3"
    r = client.get(f"/api/v1/plans/{plan}/assignments.csv", headers=planner)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert client.get(f"/api/v1/plans/{plan}/export", headers=planner, params={"format": "kml"}).status_code == 422


def test_compare_over_http(client, login, city):
    planner = login("planner", DISTRICT)
    first = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    second = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    r = client.get(f"/api/v1/plans/{first}/compare/{second}", headers=planner)
    assert r.status_code == 200 and [p["plan"] for p in r.json()["plans"]] == [first, second]
    assert client.get(f"/api/v1/plans/{first}/compare/424242", headers=planner).status_code == 404


def test_publish_over_http_and_read_the_past(client, login, city):
    from datetime import timedelta

    from geo.core.time import china_today

    today, yesterday = china_today(), china_today() - timedelta(days=1)
    planner = login("planner", DISTRICT)
    broken = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_B]}).json()["id"]
    refused = client.post(f"/api/v1/plans/{broken}/publish", headers=planner,
                          json={"effective_from": today.isoformat()}, params={"lang": "zh"})
    assert refused.status_code == 409 and refused.json()["code"] == "plan_invalid"
    assert "不能发布" in refused.json()["detail"] and refused.json()["problems"]
    plan = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    assert client.post(f"/api/v1/plans/{plan}/merge", headers=planner, json={"codes": [A3, A4]}).status_code == 200
    past = client.post(f"/api/v1/plans/{plan}/publish", headers=planner, json={"effective_from": yesterday.isoformat()})
    assert past.status_code == 422
    assert client.post(f"/api/v1/plans/{plan}/publish", headers=planner, json={"effective_from": "soon"}).status_code == 422
    assert client.post(f"/api/v1/plans/{plan}/publish", headers=login("command_center", DISTRICT),
                       json={"effective_from": today.isoformat()}).status_code == 403
    done = client.post(f"/api/v1/plans/{plan}/publish", headers=planner, json={"effective_from": today.isoformat()})
    assert done.status_code == 200 and done.json()["retired"] == [A4]
    assert client.get(f"/api/v1/plans/{plan}", headers=planner).json()["plan"]["status"] == "published"
    point = {"lon": 116.43, "lat": 39.91}
    assert client.get("/api/v1/locate", headers=planner, params=point | {"at": yesterday.isoformat()}).json()["grid"]["code"] == A4
    assert client.get("/api/v1/locate", headers=planner, params=point).json()["grid"]["code"] == A3
    assert client.get(f"/api/v1/grids/{A4}", headers=planner).status_code == 404
    assert client.get(f"/api/v1/grids/{A4}", headers=planner, params={"at": yesterday.isoformat()}).status_code == 200
    grids = client.get(f"/api/v1/communities/{COMM_A}/children", headers=planner, params={"at": yesterday.isoformat()})
    assert A4 in [f["id"] for f in grids.json()["features"]]
    versions = client.get(f"/api/v1/grids/{A3}/history", headers=planner).json()["features"]
    assert [v["properties"]["valid_to"] for v in versions] == [today.isoformat(), None]
    assert client.get(f"/api/v1/communities/{A3}/history", headers=planner).status_code == 404


def scheduled(client, headers, day) -> int:
    """A plan for community A merging A3 and A4 (A4 retired), published over HTTP for a day to come; its id."""
    plan = client.post("/api/v1/plans", headers=headers, json={"communities": [COMM_A]}).json()["id"]
    assert client.post(f"/api/v1/plans/{plan}/merge", headers=headers, json={"codes": [A3, A4]}).status_code == 200
    r = client.post(f"/api/v1/plans/{plan}/publish", headers=headers, json={"effective_from": day.isoformat()})
    assert r.status_code == 200 and r.json()["status"] == "scheduled", r.text
    return plan


def test_unschedule_over_http(client, login, city):
    from datetime import timedelta

    from geo.core.time import china_today

    day = china_today() + timedelta(days=3)
    planner = login("planner", DISTRICT)
    plan = scheduled(client, planner, day)
    on_day = {"lon": 116.43, "lat": 39.91, "at": day.isoformat()}
    assert client.get("/api/v1/locate", headers=planner, params=on_day).json()["grid"]["code"] == A3
    assert client.post(f"/api/v1/plans/{plan}/unschedule", headers=login("command_center", DISTRICT)).status_code == 403
    r = client.post(f"/api/v1/plans/{plan}/unschedule", headers=planner)
    assert r.status_code == 200 and r.json() == {"plan": plan, "status": "draft"}
    assert client.get("/api/v1/locate", headers=planner, params=on_day).json()["grid"]["code"] == A4
    assert client.get(f"/api/v1/plans/{plan}", headers=planner).json()["plan"]["status"] == "draft"
    again = client.post(f"/api/v1/plans/{plan}/unschedule", headers=planner, params={"lang": "zh"})
    assert again.status_code == 409 and "只有待生效的方案可以退回草稿" in again.json()["detail"]
    assert client.post("/api/v1/plans/424242/unschedule", headers=planner).status_code == 404
