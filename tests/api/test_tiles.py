"""Vector tiles decoded with mapbox-vector-tile: features, attributes, scope, caching headers, bad addresses."""

import math

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from geo.core.crs import wgs84_to_gcj02
from tests.city import A1, A2, A5, B1, COMM_A, COMM_B


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


X, Y = tile_of(116.45, 39.93, 7)  # the whole test city lies in this one tile


def decode(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content)


@pytest.fixture
def cases(session, city):
    for lon, lat, grid, status, overdue in ((116.41, 39.95, A1, "handling", True), (116.411, 39.951, A1, "dispatched", False),
                                            (116.43, 39.95, A2, "closed", False), (116.45, 39.95, B1, "registered", False)):
        session.execute(text("INSERT INTO cases (category, status, overdue, geom, grid_code) VALUES ('noise', :s, :o, "
                             "ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g)"), {"s": status, "o": overdue, "x": lon, "y": lat, "g": grid})


def test_grid_tile_with_case_counts(client, cases, login):
    layer = decode(client.get(f"/tiles/grids/7/{X}/{Y}.mvt", headers=login()))["grids"]
    props = {f["properties"]["code"]: f["properties"] for f in layer["features"]}
    assert set(props) == {A1, A2, "110105001001003", "110105001001004", A5, B1, "110105001002002"}
    assert (props[A1]["open_cases"], props[A1]["overdue_cases"]) == (2, 1)
    assert props[A2]["open_cases"] == 0 and props[A5]["kind"] == "dedicated" and props[A1]["name"] == "甲一网格"
    communities = decode(client.get(f"/tiles/communities/7/{X}/{Y}.mvt", headers=login()))["communities"]
    counts = {f["properties"]["code"]: f["properties"]["open_cases"] for f in communities["features"]}
    assert counts == {COMM_A: 2, COMM_B: 1}


def test_cases_tile_has_open_cases_only(client, cases, login):
    layer = decode(client.get(f"/tiles/cases/7/{X}/{Y}.mvt", headers=login()))["cases"]
    assert sorted(f["properties"]["status"] for f in layer["features"]) == ["dispatched", "handling", "registered"]
    assert all(f["geometry"]["type"] == "Point" for f in layer["features"])


def test_scope_filters_tiles(client, cases, login):
    headers = login("grid_worker", A1)
    grids = decode(client.get(f"/tiles/grids/7/{X}/{Y}.mvt", headers=headers))["grids"]
    assert [f["properties"]["code"] for f in grids["features"]] == [A1]
    communities = decode(client.get(f"/tiles/communities/7/{X}/{Y}.mvt", headers=headers))["communities"]
    assert [f["properties"]["code"] for f in communities["features"]] == [COMM_A]  # the community it lies in
    cases_layer = decode(client.get(f"/tiles/cases/7/{X}/{Y}.mvt", headers=headers))["cases"]
    assert {f["properties"]["grid_code"] for f in cases_layer["features"]} == {A1}


def test_empty_tile_and_low_zoom(client, cases, login):
    empty = client.get("/tiles/grids/7/0/0.mvt", headers=login())
    assert empty.status_code == 200 and empty.content == b""
    world = decode(client.get("/tiles/districts/0/0/0.mvt", headers=login()))
    assert len(world["districts"]["features"]) == 1


def test_etag_and_cache_control(client, cases, login):
    first = client.get(f"/tiles/grids/7/{X}/{Y}.mvt", headers=login())
    assert first.headers["cache-control"].startswith("private")
    again = client.get(f"/tiles/grids/7/{X}/{Y}.mvt", headers={**login(), "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def point_of(feature, z: int, x: int, y: int) -> tuple[float, float]:
    """WGS-84-style lon/lat of a decoded point feature (mapbox-vector-tile flips y to point up)."""
    px, py = feature["geometry"]["coordinates"]
    n = 2 ** z
    lon = (x + px / 4096) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1 - py / 4096) / n))))
    return lon, lat


def test_gcj02_tiles_put_features_where_a_gcj02_basemap_draws_the_place(client, cases, login):
    """On an AMap basemap the case at WGS84 (116.45, 39.95) must be drawn at its GCJ-02 position, 500-odd m away."""
    gcj_lon, gcj_lat = (float(v) for v in wgs84_to_gcj02(116.45, 39.95))
    z = 16
    x, y = tile_of(gcj_lon, gcj_lat, z)
    shifted = decode(client.get(f"/tiles/cases/{z}/{x}/{y}.mvt", params={"datum": "gcj02"}, headers=login()))["cases"]
    [case] = [f for f in shifted["features"] if f["properties"]["grid_code"] == B1]
    lon, lat = point_of(case, z, x, y)
    pixel_deg = 360 / 2 ** z / 256
    assert abs(lon - gcj_lon) < pixel_deg and abs(lat - gcj_lat) < pixel_deg
    assert abs(gcj_lon - 116.45) > 20 * pixel_deg  # the shift is real: far more than a pixel
    grids = decode(client.get(f"/tiles/grids/{z}/{x}/{y}.mvt", params={"datum": "gcj02"}, headers=login()))["grids"]
    assert {f["properties"]["code"] for f in grids["features"]} >= {B1}
    assert client.get(f"/tiles/cases/{z}/{x}/{y}.mvt", params={"datum": "bd09"}, headers=login()).status_code == 422


@pytest.mark.parametrize("path", ["/tiles/roads/13/1/1.mvt", "/tiles/grids/23/0/0.mvt", "/tiles/grids/2/4/0.mvt",
                                  "/tiles/grids/2/0/-1.mvt", "/tiles/grids/a/0/0.mvt"])
def test_bad_addresses_are_422(client, login, path):
    assert client.get(path, headers=login()).status_code == 422


def test_tiles_need_a_token(client):
    assert client.get(f"/tiles/grids/7/{X}/{Y}.mvt").status_code == 401


def test_at_draws_the_boundaries_of_that_day(client, city, login, session):
    session.execute(text("UPDATE area_records SET valid_to = '2026-06-01' WHERE code = :c"), {"c": B1})
    codes = lambda **params: {f["properties"]["code"] for f in decode(  # noqa: E731
        client.get(f"/tiles/grids/7/{X}/{Y}.mvt", headers=login(), params=params))["grids"]["features"]}
    assert B1 in codes(at="2026-05-31") and B1 not in codes(at="2026-06-01") and B1 not in codes()
    assert client.get(f"/tiles/grids/7/{X}/{Y}.mvt", headers=login(), params={"at": "June"}).status_code == 422


def test_a_tile_is_kept_until_its_data_changes(client, session, cases, login):
    from geo.core.cache import TILES

    url = f"/tiles/grids/7/{X}/{Y}.mvt"
    first = client.get(url, headers=login())
    assert first.status_code == 200 and len(TILES) == 1
    assert client.get(url, headers=login()).content == first.content and len(TILES) == 1  # served from memory
    session.execute(text("UPDATE area_records SET name = '改名网格' WHERE code = :c"), {"c": A1})
    changed = decode(client.get(url, headers=login()))["grids"]
    assert len(TILES) == 2 and "改名网格" in {f["properties"]["name"] for f in changed["features"]}


def test_grid_tile_of_a_day_to_come_follows_the_scheduled_plan(client, city, login):
    from datetime import timedelta

    from geo.core.time import china_today
    from tests.api.test_plans_api import scheduled
    from tests.city import A3, A4, DISTRICT

    day = china_today() + timedelta(days=2)
    planner = login("planner", DISTRICT)
    url = f"/tiles/grids/7/{X}/{Y}.mvt"

    def grids(at):
        layer = decode(client.get(url, headers=planner, params={"at": at.isoformat()} if at else {}))["grids"]
        return {f["properties"]["code"]: f["geometry"]["coordinates"] for f in layer["features"]}

    def width(rings):
        xs = [x for ring in rings for x, _ in ring]
        return max(xs) - min(xs)

    today = grids(day + timedelta(days=1))  # before scheduling: also the cached answer the plan must not reuse
    assert A4 in today
    plan = scheduled(client, planner, day)
    after = grids(day + timedelta(days=1))
    assert A4 not in after and width(after[A3]) > 1.5 * width(today[A3])  # A3 reaches over A4's land
    assert A4 in grids(day - timedelta(days=1)) and A4 in grids(None)
    assert client.post(f"/api/v1/plans/{plan}/unschedule", headers=planner).status_code == 200
    assert grids(day + timedelta(days=1)) == today
