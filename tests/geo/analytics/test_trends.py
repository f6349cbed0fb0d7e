"""Emerging hot spots and early warnings on planted patterns."""

import json
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.analytics.emerging import emerging
from geo.analytics.warnings import early_warnings
from geo.analytics.weekly import week_start
from geo.core.errors import InvalidInput
from geo.core.time import CHINA
from tests.geo.analytics.lattice import N, build_lattice, cell, code

END = datetime(2026, 11, 23, 10, tzinfo=CHINA)  # a Monday
WEEKS = 12


@pytest.fixture
def lattice(session):
    build_lattice(session)


def add_week(session, i, j, weeks_before: int, n: int, category="env_garbage", first_week=None):
    """n cases in cell (i, j) during the week starting `weeks_before` weeks before `first_week` (END's week)."""
    monday = (first_week or week_start(END)) - timedelta(weeks=weeks_before)
    centre = cell(i, j).centroid
    rows = [{"x": centre.x, "y": centre.y, "g": code(i, j), "c": category, "r": monday + timedelta(hours=9 + k % 100)}
            for k in range(n)]
    if rows:
        session.execute(text("INSERT INTO cases (category, status, geom, grid_code, reported_at) VALUES "
                             "(:c, 'closed', ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, :r)"), rows)


def test_a_rising_grid_emerges_and_steady_noise_does_not(session, lattice):
    rng = np.random.default_rng(5)
    rising = [0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 10]  # oldest first
    for w, n in enumerate(rising):
        add_week(session, 2, 2, WEEKS - w, n)
    for i in range(N):
        for j in range(N):
            if (i, j) != (2, 2):
                for w in range(WEEKS):
                    add_week(session, i, j, WEEKS - w, int(rng.poisson(2)))
    found = emerging(session, SYSTEM, END, weeks=WEEKS, recent=4)
    json.dumps(found)  # plain Python all through: the API serialises it as is
    emerged = [g["code"] for g in found["grids"] if g["emerging"]]
    assert emerged == [code(2, 2)]
    top = found["grids"][0]
    assert top["weeks"] == rising and top["trend"] == "increasing" and top["slope"] > 0.5
    assert top["recent_mean"] > top["history_mean"]


def test_early_warning_flags_three_times_the_usual_with_evidence(session, lattice):
    for w in range(1, 9):
        add_week(session, 1, 1, w, 1, "dispute_property")   # about one a week…
        add_week(session, 3, 3, w, 8, "dispute_property")   # …and a grid where eight a week is normal
    add_week(session, 1, 1, 0, 9, "dispute_property")       # this week: nine
    add_week(session, 3, 3, 0, 9, "dispute_property")
    add_week(session, 5, 5, 0, 4, "env_garbage")            # four, never seen before
    day = (week_start(END) + timedelta(days=7)).date()
    found = early_warnings(session, SYSTEM, day, history=8)
    json.dumps(found)
    flagged = {(w["grid"], w["category"]): w for w in found["warnings"]}
    assert set(flagged) == {(code(1, 1), "dispute_property"), (code(5, 5), "env_garbage")}
    first = flagged[(code(1, 1), "dispute_property")]
    assert first["count"] == 9 and first["usual"] == 1 and first["ratio"] >= 3 and first["p"] < 0.01
    assert first["history"] == [1] * 8 and len(first["case_ids"]) == 9
    assert "物业纠纷" in first["message"] and "倍" in first["message"]
    assert "此前 8 周无此类案件" in flagged[(code(5, 5), "env_garbage")]["message"]


def test_empty_periods_and_bad_parameters(session, lattice):
    assert emerging(session, SYSTEM, END)["grids"] == []
    assert early_warnings(session, SYSTEM, date(2026, 11, 23))["warnings"] == []
    with pytest.raises(InvalidInput):
        emerging(session, SYSTEM, END, weeks=3)
    with pytest.raises(InvalidInput):
        early_warnings(session, SYSTEM, date(2026, 11, 23), ratio=0.5)
