"""Track retention: a patrol older than WANGGE_TRACK_DAYS (180) becomes a patrol_days row and its track goes; a
younger one stays whole."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from geo.cases.intake import NewCase
from geo.field import patrols
from geo.field.retention import reduce_tracks
from geo.rounds import run_round
from tests.city import A1
from tests.field_city import build_field_city
from tests.geo.field.test_patrols import TRACK, TRACK_M, actor, fixes

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
OLD = datetime(2026, 5, 15, 17, 0, tzinfo=UTC)  # 200.5 days before NOW; Beijing 2026-05-16 01:00
RECENT = NOW - timedelta(days=10)


@pytest.fixture
def field(session):
    return build_field_city(session)


def patrol(session, field, start, minutes, checkins=(), case=False):
    """A patrol of w1 from `start`: the three points of TRACK, check-ins at the key points named, `minutes` long."""
    w1 = actor(session, "w1")
    made = patrols.start_patrol(session, w1, now=start)[0]
    patrols.record_points(session, w1, made["id"], fixes(TRACK, start=start), now=start)
    for name in checkins:
        point = session.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM checkpoints WHERE id = :id"),
                                {"id": field[name]}).one()
        patrols.check_in(session, w1, made["id"], field[name], point[0], point[1], now=start + timedelta(minutes=1))
    if case:
        patrols.report_case(session, w1, made["id"], NewCase("env_garbage", lon=116.41, lat=39.95))
    patrols.finish_patrol(session, w1, made["id"], start + timedelta(minutes=minutes),
                          now=start + timedelta(minutes=minutes))
    return made["id"]


def days(session) -> list[tuple]:
    return [tuple(r) for r in session.execute(text(
        "SELECT staff_id, day, grid_code, patrols, seconds, length_m, checkpoint_ids FROM patrol_days ORDER BY day"))]


def test_an_old_patrol_becomes_a_day_and_a_recent_one_stays(session, field):
    old = patrol(session, field, OLD, 60, checkins=("K3", "K1"), case=True)
    recent = patrol(session, field, RECENT, 30, checkins=("K2",))
    done = reduce_tracks(session, NOW)
    assert (done.patrols, done.days, done.points) == (1, 1, 3) and done.before == NOW - timedelta(days=180)
    [(staff, day, grid, count, seconds, length, checked)] = days(session)
    assert (staff, day, grid, count, seconds) == (field["w1"], date(2026, 5, 16), A1, 1, 3600)
    assert length == pytest.approx(TRACK_M, abs=0.001) and checked == sorted([field["K1"], field["K3"]])
    left = session.execute(text("SELECT id FROM patrols")).scalars().all()
    assert left == [recent]
    for table in ("patrol_points", "patrol_checkins"):
        assert session.execute(text(f"SELECT count(*) FROM {table} WHERE patrol_id = :p"), {"p": old}).scalar() == 0
        assert session.execute(text(f"SELECT count(*) FROM {table} WHERE patrol_id = :p"), {"p": recent}).scalar() > 0
    case = session.execute(text("SELECT channel, patrol_id FROM cases")).one()
    assert tuple(case) == ("patrol", None)  # the finding stays a patrol's, for the proactive-discovery rate


def test_patrols_of_one_day_add_up_even_across_rounds(session, field):
    patrol(session, field, OLD, 60, checkins=("K1",))
    patrol(session, field, OLD + timedelta(hours=2), 30, checkins=("K1", "K2"))
    assert reduce_tracks(session, NOW).patrols == 2
    assert reduce_tracks(session, NOW).patrols == 0  # nothing twice
    patrol(session, field, OLD + timedelta(hours=4), 15)  # the same Beijing day, reduced by a later round
    assert reduce_tracks(session, NOW + timedelta(days=1)).patrols == 1
    [(_, day, _, count, seconds, length, checked)] = days(session)
    assert (day, count, seconds, checked) == (date(2026, 5, 16), 3, 6300, sorted([field["K1"], field["K2"]]))
    assert length == pytest.approx(3 * TRACK_M, abs=0.01)


def test_the_round_reduces_tracks(session, field):
    patrol(session, field, OLD, 60)
    assert run_round(session, NOW).tracks.patrols == 1
    assert session.execute(text("SELECT count(*) FROM patrols")).scalar() == 0
