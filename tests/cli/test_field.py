"""`wangge field reduce-tracks` against a real, committed database reached through DATABASE_URL."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app
from geo.access.production import open_database
from geo.core.db import session_factory
from tests.field_city import build_field_city

runner = CliRunner()


def test_reduce_tracks_reduces_old_patrols_and_keeps_recent_ones(cli_database):
    engine = open_database()
    now = datetime.now(UTC)
    with session_factory(engine).begin() as s:
        ids = build_field_city(s)
        for started in (now - timedelta(days=200), now - timedelta(days=10)):
            patrol = s.execute(text("INSERT INTO patrols (staff_id, grid_code, started_at, finished_at, length_m, points)"
                                    " VALUES (:s, '110105001001001', :a, :b, 120.5, 2) RETURNING id"),
                               {"s": ids["w1"], "a": started, "b": started + timedelta(minutes=45)}).scalar()
            for i in range(2):
                s.execute(text("INSERT INTO patrol_points (patrol_id, t, geom) VALUES (:p, :t, "
                               "ST_SetSRID(ST_MakePoint(116.401, 39.95), 4326))"),
                          {"p": patrol, "t": started + timedelta(seconds=i)})
    result = runner.invoke(app, ["field", "reduce-tracks"])
    assert result.exit_code == 0, result.output
    assert "patrols reduced" in result.output and "positions deleted" in result.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patrols")).scalar() == 1
        assert tuple(conn.execute(text("SELECT patrols, seconds, length_m FROM patrol_days")).one()) == (1, 2700, 120.5)
    again = runner.invoke(app, ["field", "reduce-tracks", "--now", now.isoformat()])
    assert again.exit_code == 0 and "0" in again.output


def test_reduce_tracks_refuses_bad_moments(cli_database):
    for value, words in (("yesterday", "use ISO 8601"), ("2200-01-01T00:00:00", "lies in the future")):
        result = runner.invoke(app, ["field", "reduce-tracks", "--now", value])
        assert result.exit_code == 2 and words in result.output, result.output


def test_reduce_tracks_explains_itself():
    result = runner.invoke(app, ["field", "reduce-tracks", "--help"])
    assert result.exit_code == 0 and "WANGGE_TRACK_DAYS" in result.output and "patrol_days" in result.output
