"""The GeoParquet export: readable by GeoPandas as points in lon/lat, scoped, with no personal data."""

from datetime import UTC, datetime, timedelta

import geopandas
import pyarrow.parquet as pq
from sqlalchemy import text

from geo.access.actor import SYSTEM, Actor
from geo.access.scope import scope_for
from geo.analytics.geoparquet import count, export_cases
from geo.analytics.window import window
from geo.core.models import Role
from tests.city import A1, B1


def test_cases_as_geoparquet(session, city, tmp_path):
    now = datetime.now(UTC)
    for grid, lon, lat in ((A1, 116.41, 39.95), (A1, 116.411, 39.951), (B1, 116.45, 39.95)):
        session.execute(text("INSERT INTO cases (category, status, geom, grid_code, reported_at, description) VALUES "
                             "('env_garbage', 'closed', ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, :at, '张三 138')"),
                        {"x": lon, "y": lat, "g": grid, "at": now - timedelta(days=1)})
    win = window(now - timedelta(days=7), now)
    path = tmp_path / "cases.parquet"
    seen = []
    assert export_cases(session, SYSTEM, win, path, seen.append) == 3 == count(session, SYSTEM, win) == sum(seen)
    frame = geopandas.read_parquet(path)
    assert len(frame) == 3 and frame.crs.to_string() == "OGC:CRS84" and set(frame.geom_type) == {"Point"}
    assert sorted(frame.geometry.x.round(3)) == [116.41, 116.411, 116.45]
    assert set(frame["community_code"]) == {A1[:12], B1[:12]} and "description" not in frame.columns
    assert pq.read_schema(path).metadata[b"geo"].startswith(b'{"version": "1.1.0"')
    worker = Actor("w", Role.grid_worker, scope_for(session, "grid_worker", A1))
    assert export_cases(session, worker, win, tmp_path / "mine.parquet") == 2
    assert export_cases(session, SYSTEM, window(now - timedelta(days=30), now - timedelta(days=20)),
                        tmp_path / "none.parquet") == 0
    assert len(geopandas.read_parquet(tmp_path / "none.parquet")) == 0
