"""Field figures counted by hand on tests/geo/analytics/field_data.py (period 2026-11-01 … 11-29, today 11-29)."""

import pytest

from geo.access.actor import SYSTEM
from geo.analytics.field import field
from geo.core.errors import InvalidInput
from tests.city import A1, A3, A5, B1, B2, COMM_A, COMM_B, STREET
from tests.geo.analytics.field_data import PERIOD, TODAY, build_field_work

A2, A4 = A1[:-1] + "2", A1[:-1] + "4"


@pytest.fixture
def rows(session):
    build_field_work(session)

    def by_level(level):
        body = field(session, SYSTEM, level, *PERIOD, today=TODAY)
        return {r["code"]: r for r in body["rows"]}
    return by_level


def pick(row, *keys):
    return tuple(row[k] for k in keys)


def test_visit_coverage(rows):
    grids = rows("grid")
    # A1: 9 households; visited in November b1/1 (care, home), b1/2 (care 11-03), b3/2 (care), b2/1 (home) → 4/9
    assert pick(grids[A1], "households", "households_visited", "visit_coverage") == (9, 4, round(4 / 9, 4))
    assert pick(grids[A2], "households", "households_visited", "visit_coverage") == (5, 1, 0.2)  # b4/1
    assert pick(grids[A3], "households_visited", "visit_coverage") == (0, 0.0)  # 2 households, none visited
    assert pick(grids[A5], "households", "visit_coverage") == (0, None)  # the school grid: nobody lives there
    assert pick(grids[B1], "households", "households_visited") == (6, 1)  # b6/3; b6/1's care visit was in October
    communities = rows("community")
    assert pick(communities[COMM_A], "households", "households_visited") == (18, 5)  # 4 + 1
    assert pick(communities[COMM_B], "households", "households_visited") == (9, 1)
    assert pick(rows("street")[STREET], "households", "households_visited", "visit_coverage") == (27, 6, 0.2222)


def test_care_on_time(rows):
    grids = rows("grid")
    # A1: r_b1_1 (7 days) 11-01 → due 11-08, next 11-07: met; 11-07 → due 11-14, next 11-22: missed;
    #     11-22 → due 11-29 = today, no next: not yet decided (not counted).
    #     r_b3_2 (disabled 30 + drug_user 7 → 7) 11-10 → due 11-17, no next, passed: missed (with 30 days it would
    #     fall due in December and not count at all).
    #     r_b1_2 (30) 10-05 → due 11-04, next 11-03: met; 11-03 → due 12-03: after the period.  → 2 of 4
    assert pick(grids[A1], "care_due", "care_met", "care_on_time") == (4, 2, 0.5)
    # B1: r_b6_1 (30) 10-15 → due 11-14, never visited again: missed → 0 of 1
    assert pick(grids[B1], "care_due", "care_met", "care_on_time") == (1, 0, 0.0)
    assert pick(grids[A2], "care_due", "care_on_time") == (0, None)
    assert pick(rows("community")[COMM_A], "care_due", "care_met") == (4, 2)
    assert pick(rows("street")[STREET], "care_due", "care_met", "care_on_time") == (5, 2, 0.4)


def test_proactive_share(rows):
    grids = rows("grid")
    # A1 in November: 2 patrol + 1 hotline (the merged one and October's left out) → 2/3
    assert pick(grids[A1], "cases", "patrol_cases", "proactive_share") == (3, 2, 0.6667)
    assert pick(grids[B1], "cases", "patrol_cases", "proactive_share") == (1, 1, 1.0)
    assert pick(grids[B2], "cases", "patrol_cases", "proactive_share") == (1, 0, 0.0)
    assert pick(grids[A2], "cases", "proactive_share") == (0, None)
    assert pick(rows("community")[COMM_B], "cases", "patrol_cases", "proactive_share") == (2, 1, 0.5)
    assert pick(rows("street")[STREET], "cases", "patrol_cases", "proactive_share") == (5, 3, 0.6)


def test_patrol_hours_and_km(rows):
    grids = rows("grid")
    # A1: w1 2 h 3 km, w2 0.5 h 1.5 km, patrol_days 2 patrols 1.5 h 4.5 km (open and October ones left out);
    #     workers w1, w2 (the leader is no grid worker) → 4 h / 2 = 2 h, 9 km / 2 = 4.5 km per worker
    assert pick(grids[A1], "patrols", "patrol_hours", "patrol_km", "workers", "patrol_hours_per_worker",
                "patrol_km_per_worker") == (4, 4.0, 9.0, 2, 2.0, 4.5)
    assert pick(grids[B1], "patrols", "patrol_hours", "patrol_km", "workers", "patrol_hours_per_worker") == (
        1, 1.0, 2.0, 1, 1.0)
    assert pick(grids[A4], "patrol_hours", "workers", "patrol_hours_per_worker") == (0.0, 0, None)
    assert pick(rows("community")[COMM_A], "patrol_hours", "workers", "patrol_hours_per_worker") == (4.0, 2, 2.0)
    # street: 5 h, 11 km over 3 workers
    assert pick(rows("street")[STREET], "patrols", "patrol_hours", "patrol_km", "workers", "patrol_hours_per_worker",
                "patrol_km_per_worker") == (5, 5.0, 11.0, 3, 1.67, 3.67)


def test_key_points_covered(rows):
    grids = rows("grid")
    # A1: K1 (check-in 11-05), K2 (patrol_days 11-02) covered, K3 only in October; the retired point not counted → 2/3
    assert pick(grids[A1], "checkpoints", "checkpoints_covered", "checkpoint_coverage") == (3, 2, 0.6667)
    assert pick(grids[B1], "checkpoints", "checkpoints_covered", "checkpoint_coverage") == (1, 0, 0.0)  # K4
    assert pick(grids[A2], "checkpoints", "checkpoint_coverage") == (0, None)
    assert pick(rows("street")[STREET], "checkpoints", "checkpoints_covered", "checkpoint_coverage") == (4, 2, 0.5)


def test_bad_level_and_long_periods_are_refused(session):
    with pytest.raises(InvalidInput):
        field(session, SYSTEM, "district", *PERIOD)
    with pytest.raises(InvalidInput):
        field(session, SYSTEM, "grid", PERIOD[0].replace(year=2022), PERIOD[1])


def test_league_and_worker_tables_carry_the_field_columns(session):
    from datetime import datetime, time, timedelta

    from geo.analytics.league import league, workers
    from geo.analytics.window import window
    from geo.core.time import CHINA
    build_field_work(session)
    win = window(datetime.combine(PERIOD[0], time(), CHINA), datetime.combine(PERIOD[1] + timedelta(days=1), time(),
                                                                              CHINA))
    a1 = next(r for r in league(session, SYSTEM, "grid", win)["rows"] if r["code"] == A1)
    assert pick(a1, "visit_coverage", "proactive_share", "patrol_hours_per_worker", "checkpoint_coverage") == (
        round(4 / 9, 4), 0.6667, 2.0, 0.6667)
    staff = {r["name"]: r for r in workers(session, SYSTEM, win)["rows"]}
    keys = ("visits", "households_visited", "care_visits", "patrol_hours", "patrol_km", "checkins", "cases_found")
    # w1: care 11-01, 11-07, 11-03 and home b2/1, b4/1 → 5 visits of 4 households, 3 care; 2 h + 1.5 h (patrol day),
    #     3 + 4.5 km; check-ins K1 and the retired point on 11-05, K2 on the patrol day; the case from their account
    assert pick(staff["w1"], *keys) == (5, 4, 3, 3.5, 7.5, 3, 1)
    # w2: care 11-22 and 11-10, home b1/1 → 3 visits, 2 households; 0.5 h 1.5 km; the case on their patrol
    assert pick(staff["w2"], *keys) == (3, 2, 2, 0.5, 1.5, 0, 1)
    # wb: home b6/3 (October's care visit out); 1 h 2 km; the case made on their visit
    assert pick(staff["wb"], *keys) == (1, 1, 0, 1.0, 2.0, 0, 1)
    assert pick(staff["leader"], *keys) == (0, 0, 0, 0.0, 0.0, 0, 0)
