"""/api/v1/analytics over HTTP: GeoJSON out, scope, bad input as 422."""

from datetime import timedelta

import pytest

from geo.core import cache
from tests.geo.analytics.lattice import COMMUNITY, N, build_lattice, code, plant
from tests.geo.analytics.test_hotspots import END

PERIOD = {"from": (END - timedelta(days=28)).isoformat(), "to": END.isoformat()}


@pytest.fixture
def lattice(session):
    cache.clear()
    build_lattice(session)
    plant(session, {(i, j): 1 + (i == j) for i in range(N) for j in range(N)}, end=END)
    yield
    cache.clear()


def test_hotspots_as_geojson(client, login, lattice):
    r = client.get("/api/v1/analytics/hotspots", headers=login(), params=PERIOD)
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert len(body["features"]) == N * N and body["measure"] == "count"
    first = body["features"][0]
    assert first["geometry"]["type"] == "Polygon"
    assert {"cases", "per_1000_residents", "gi_z", "gi_p", "moran_i", "moran_p", "moran_quadrant", "significant",
            "hotspot"} <= set(first["properties"])
    assert sum(f["properties"]["cases"] for f in body["features"]) == N * N + N
    bare = client.get("/api/v1/analytics/hotspots", headers=login(), params={**PERIOD, "geometry": "false"}).json()
    assert bare["features"][0]["geometry"] is None


def test_hotspots_stay_in_scope_and_need_a_login(client, login, lattice):
    mine = client.get("/api/v1/analytics/hotspots", headers=login("grid_worker", code(3, 3)), params=PERIOD).json()
    assert [(f["id"], f["properties"]["cases"]) for f in mine["features"]] == [(code(3, 3), 2)]
    community = client.get("/api/v1/analytics/hotspots", headers=login("community_staff", COMMUNITY), params=PERIOD)
    assert len(community.json()["features"]) == N * N
    assert client.get("/api/v1/analytics/hotspots", params=PERIOD).status_code == 401


@pytest.mark.parametrize("params, word", [({"measure": "per_dog"}, "measure"), ({"alpha": "1.5"}, "alpha"),
                                          ({"status": "lost"}, "status"), ({"permutations": "5"}, "permutations"),
                                          ({"from": "2026-12-01T00:00:00+08:00"}, "before"), ({"level": "county"}, "level"),
                                          ({"level": "hex"}, "resolution"), ({"level": "hex", "resolution": "3"}, "resolution"),
                                          ({"level": "hex", "zoom": "30"}, "zoom")])
def test_bad_parameters_are_422(client, login, lattice, params, word):
    r = client.get("/api/v1/analytics/hotspots", headers=login(), params={**PERIOD, **params})
    assert r.status_code == 422 and word in str(r.json()["detail"]), r.text


def test_hexbins_by_zoom(client, login, lattice):
    r = client.get("/api/v1/analytics/hexbins", headers=login(), params={**PERIOD, "zoom": 14})
    assert r.status_code == 200 and r.json()["resolution"] == 9
    features = r.json()["features"]
    assert sum(f["properties"]["cases"] for f in features) == N * N + N
    assert features[0]["geometry"]["type"] == "Polygon" and len(features[0]["geometry"]["coordinates"][0]) == 7
    hot = client.get("/api/v1/analytics/hotspots", headers=login(), params={**PERIOD, "level": "hex", "resolution": 9})
    assert hot.status_code == 200 and "gi_z" in hot.json()["features"][0]["properties"]


def test_emerging_and_warnings_over_http(client, login, lattice):
    r = client.get("/api/v1/analytics/emerging", headers=login(), params={"to": PERIOD["to"]})
    assert r.status_code == 200 and r.json()["test"].startswith("Mann-Kendall")
    r = client.get("/api/v1/analytics/warnings", headers=login(), params={"on": "2026-11-20"})
    assert r.status_code == 200 and r.json()["warnings"] == [] and r.json()["tested"] >= 0
    assert client.get("/api/v1/analytics/emerging", headers=login(), params={"weeks": 2}).status_code == 422
    assert client.get("/api/v1/analytics/warnings", headers=login(), params={"history": 99}).status_code == 422


def test_league_and_workers_as_json_csv_and_xlsx(client, login, lattice):
    r = client.get("/api/v1/analytics/league", headers=login(), params={**PERIOD, "level": "grid"})
    assert r.status_code == 200 and len(r.json()["rows"]) == N * N and r.json()["rows"][0]["rank"] == 1
    r = client.get("/api/v1/analytics/league", headers=login(), params={**PERIOD, "format": "csv", "lang": "zh"})
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    assert r.content.decode("utf-8-sig").splitlines()[0].startswith("排名,编码,名称")
    r = client.get("/api/v1/analytics/league", headers=login(), params={**PERIOD, "format": "xlsx", "lang": "en"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert client.get("/api/v1/analytics/workers", headers=login(), params=PERIOD).json()["rows"] == []
    assert client.get("/api/v1/analytics/league", headers=login(), params={"format": "pdf"}).status_code == 422
    assert client.get("/api/v1/analytics/league", headers=login(), params={"sort": "luck"}).status_code == 422


def test_density_png(client, login, lattice):
    box = "116.30,39.80,116.324,39.824"
    r = client.get("/api/v1/analytics/density.png", headers=login(), params={**PERIOD, "bbox": box, "width": 200,
                                                                               "height": 200})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content[:4] == b"\x89PNG"
    assert int(r.headers["x-cases"]) == N * N + N and float(r.headers["x-density-max"]) > 0
    assert client.get("/api/v1/analytics/density.png", headers=login(), params=PERIOD).status_code == 422
