"""The heat layer's data: cases of a period, binned to the zoom, within scope, duplicates not counted twice."""

from sqlalchemy import text

from tests.city import A1, B1, DISTRICT

NOW = "2026-11-20T12:00:00+08:00"


def add(session, lon, lat, grid, reported, status="closed", category="garbage"):
    session.execute(text("INSERT INTO cases (category, status, geom, grid_code, reported_at) VALUES "
                         "(:c, :s, ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, :r)"),
                    {"c": category, "s": status, "x": lon, "y": lat, "g": grid, "r": reported})


def heat(client, headers, expect=200, **params):
    r = client.get("/api/v1/cases/heat", headers=headers, params={"to": NOW, **params})
    assert r.status_code == expect, r.text
    return r.json()


def seed(session):
    add(session, 116.41, 39.95, A1, "2026-11-19T09:00:00+08:00")
    add(session, 116.41001, 39.95001, A1, "2026-11-18T09:00:00+08:00")  # a metre away
    add(session, 116.41001, 39.95001, A1, "2026-11-18T10:00:00+08:00", status="merged")
    add(session, 116.415, 39.955, A1, "2026-08-01T09:00:00+08:00", category="illegal_parking")  # older than 30 days
    add(session, 116.45, 39.95, B1, "2026-11-19T09:00:00+08:00")


def test_cells_follow_the_zoom_and_merged_duplicates_do_not_count(client, login, session, city):
    seed(session)
    admin = login("admin")
    far = heat(client, admin, zoom=10)
    assert far["total"] == 3 and sorted(p[2] for p in far["points"]) == [1, 2]
    near = heat(client, admin, zoom=22)
    assert near["total"] == 3 and len(near["points"]) == 3
    assert far["cell_deg"] == 2 ** 12 * near["cell_deg"]


def test_period_category_bbox_and_scope(client, login, session, city):
    seed(session)
    admin = login("admin")
    assert heat(client, admin, zoom=16, **{"from": "2026-01-01T00:00:00+08:00"})["total"] == 4
    assert heat(client, admin, zoom=16, **{"from": "2026-01-01", "category": "illegal_parking"})["total"] == 1
    assert heat(client, admin, zoom=16, bbox="116.44,39.90,116.50,39.96")["total"] == 1
    assert heat(client, login("grid_worker", A1), zoom=16)["total"] == 2
    assert heat(client, login("command_center", DISTRICT), zoom=16)["total"] == 3


def test_bad_requests_are_422(client, login, city):
    admin = login("admin")
    assert "zoom" in str(heat(client, admin, 422, zoom=23)["detail"])
    assert "before" in heat(client, admin, 422, zoom=10, **{"from": "2026-12-01T00:00:00+08:00"})["detail"]
    assert "bbox" in heat(client, admin, 422, zoom=10, bbox="a,b,c,d")["detail"]
