"""Boundaries as RFC 7946 GeoJSON."""

from shapely.geometry import shape

from tests.city import A1, A5, B1, COMM_A, COMM_B


def test_list_grids_of_a_community(client, city, login):
    r = client.get("/api/v1/grids", params={"parent": COMM_A}, headers=login())
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["numberMatched"] == 5
    school = next(f for f in body["features"] if f["id"] == A5)
    assert school["properties"]["kind"] == "dedicated" and school["properties"]["purpose"] == "school"


def test_one_area_and_its_geometry(client, city, login):
    body = client.get(f"/api/v1/grids/{B1}", headers=login()).json()
    assert body["type"] == "Feature" and body["geometry"]["type"] == "MultiPolygon"
    assert len(body["geometry"]["coordinates"]) == 2
    assert shape(body["geometry"]).bounds == (116.44, 39.90, 116.49, 39.96)
    hole = client.get(f"/api/v1/grids/{A1}", headers=login()).json()["geometry"]["coordinates"][0]
    assert len(hole) == 2  # exterior ring and the school's hole


def test_children_and_levels(client, city, login):
    h = login()
    assert [f["id"] for f in client.get("/api/v1/districts", headers=h).json()["features"]] == ["110105"]
    assert [f["id"] for f in client.get("/api/v1/streets/110105001000/children", headers=h).json()["features"]] == [COMM_A, COMM_B]
    community = client.get(f"/api/v1/communities/{COMM_B}", headers=h).json()
    assert community["properties"]["children"] == 2 and community["properties"]["parent_code"] == "110105001000"


def test_bbox_and_paging(client, city, login):
    h = login()
    inside = client.get("/api/v1/grids", params={"bbox": "116.481,39.911,116.482,39.912"}, headers=h).json()
    assert [f["id"] for f in inside["features"]] == [B1]
    page = client.get("/api/v1/grids", params={"limit": 2, "offset": 2}, headers=h).json()
    assert page["numberReturned"] == 2 and page["numberMatched"] == 7


def test_errors(client, city, login):
    h = login()
    assert client.get("/api/v1/grids/999", headers=h).status_code == 404
    r = client.get("/api/v1/villages", headers=h)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    for bbox in ("1,2,3", "a,b,c,d", "116.5,39.9,116.4,39.96", "0,0,200,10"):
        r = client.get("/api/v1/grids", params={"bbox": bbox}, headers=h)
        assert r.status_code == 422 and "bbox" in r.json()["detail"]
    assert client.get("/api/v1/grids", params={"limit": 0}, headers=h).status_code == 422


def test_buildings_within_scope(client, session, city, login):
    from sqlalchemy import text
    session.execute(text("INSERT INTO buildings (code, name, geom) VALUES ('B1', '一号楼', ST_SetSRID(ST_MakePoint(116.41, 39.95), 4326)), "
                         "('B2', '二号楼', ST_SetSRID(ST_MakePoint(116.45, 39.95), 4326))"))
    everything = client.get("/api/v1/buildings", headers=login()).json()
    assert [f["properties"]["code"] for f in everything["features"]] == ["B1", "B2"]
    assert everything["features"][0]["properties"]["grid_code"] == A1
    mine = client.get("/api/v1/buildings", headers=login("grid_worker", A1)).json()
    assert [f["properties"]["code"] for f in mine["features"]] == ["B1"]
    assert client.get("/api/v1/buildings", params={"grid": B1}, headers=login()).json()["numberReturned"] == 1


def test_boundaries_and_history_of_a_day_to_come(client, city, login):
    from datetime import timedelta

    from shapely.geometry import box

    from geo.core.time import china_today
    from tests.api.test_plans_api import scheduled
    from tests.city import A3, A4, DISTRICT

    day = china_today() + timedelta(days=2)
    h = login("planner", DISTRICT)
    scheduled(client, h, day)
    after = {"at": (day + timedelta(days=1)).isoformat()}
    merged = client.get(f"/api/v1/grids/{A3}", headers=h, params=after).json()
    assert shape(merged["geometry"]).equals(box(116.40, 39.90, 116.44, 39.93))
    assert merged["properties"]["valid_from"] == day.isoformat()
    assert shape(client.get(f"/api/v1/grids/{A3}", headers=h).json()["geometry"]).equals(box(116.40, 39.90, 116.42, 39.93))
    assert client.get(f"/api/v1/grids/{A4}", headers=h, params=after).status_code == 404
    children = client.get(f"/api/v1/communities/{COMM_A}/children", headers=h, params=after).json()
    assert A4 not in [f["id"] for f in children["features"]] and children["numberMatched"] == 4
    versions = client.get(f"/api/v1/grids/{A3}/history", headers=h, params=after).json()["features"]
    assert [(v["properties"]["valid_from"], v["properties"]["valid_to"], v["properties"]["scheduled"])
            for v in versions] == [(None, day.isoformat(), False), (day.isoformat(), None, True)]
    today = client.get(f"/api/v1/grids/{A3}/history", headers=h).json()["features"]
    assert [v["properties"] for v in today] == [{"code": A3, "name": "甲三网格", "parent_code": COMM_A,
                                                 "kind": "ordinary", "area_m2": today[0]["properties"]["area_m2"],
                                                 "plan_id": None, "valid_from": None, "valid_to": None}]
    assert client.get(f"/api/v1/grids/{A3}/history", headers=h, params={"at": "soon"}).status_code == 422
