"""The early warning's figures multiply out: count = baseline × ratio, and a quiet history is no tiny baseline."""

from datetime import timedelta

import pytest

from geo.access.actor import SYSTEM
from geo.analytics.warnings import MIN_BASELINE, early_warnings
from geo.analytics.weekly import week_start
from tests.geo.analytics.lattice import build_lattice, code
from tests.geo.analytics.test_trends import END, add_week


@pytest.fixture
def lattice(session):
    build_lattice(session)


def flagged(session, **thresholds):
    day = (week_start(END) + timedelta(days=7)).date()
    found = early_warnings(session, SYSTEM, day, history=8, **thresholds)
    return {(w["grid"], w["category"]): w for w in found["warnings"]}


def test_two_cases_in_eight_weeks_are_no_baseline_of_a_quarter(session, lattice):
    add_week(session, 1, 1, 3, 1, "order_parking")
    add_week(session, 1, 1, 6, 1, "order_parking")
    add_week(session, 1, 1, 0, 8, "order_parking")      # the old code said "常态 0.2 件 … 32.0 倍"
    w = flagged(session)[(code(1, 1), "order_parking")]
    assert w["usual"] == 0.25 and w["baseline"] == MIN_BASELINE and w["ratio"] == 8.0
    assert w["message"].endswith("本周乱停车/车辆占道 8 件，此前 8 周仅 2 件") and "倍" not in w["message"]
    assert w["message_en"].endswith("8 × Illegal parking this week, only 2 in the 8 weeks before")


def test_shown_baseline_times_ratio_is_the_count(session, lattice):
    for weeks_before, n in zip(range(1, 9), [2, 1, 2, 2, 1, 2, 2, 1]):  # 1.625 a week
        add_week(session, 2, 2, weeks_before, n, "dispute_property")
    add_week(session, 2, 2, 0, 9, "dispute_property")
    add_week(session, 4, 4, 0, 2, "env_garbage")        # below min_count: not even tested
    found = flagged(session)
    w = found[(code(2, 2), "dispute_property")]
    assert w["usual"] == 1.62 and w["baseline"] == 1.6 and w["ratio"] == 5.6
    assert abs(w["count"] - w["baseline"] * w["ratio"]) < 0.05 * (w["baseline"] + w["ratio"])
    assert "为常态（每周 1.6 件）的 5.6 倍" in w["message"] and "5.6× the usual 1.6 a week" in w["message_en"]
    assert (code(4, 4), "env_garbage") not in found


def test_against_the_floor_two_cases_are_not_three_times_the_usual(session, lattice):
    add_week(session, 3, 3, 0, 2, "noise")              # never before: against 1/16 a week that was "32×"
    add_week(session, 5, 5, 0, 3, "noise")
    found = flagged(session, min_count=2)
    assert set(found) == {(code(5, 5), "noise")} and found[(code(5, 5), "noise")]["ratio"] == 3.0
