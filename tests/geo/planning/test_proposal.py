"""Balanced proposals on the street demo: within the household range, contiguous, valid, deterministic."""

import time

import pytest
from sqlalchemy import text

from geo.cases.workflow import SYSTEM
from geo.errors import InvalidInput
from geo.planning.plans import grids_of
from geo.planning.proposal import propose
from geo.planning.validation import validate_plan
from geo.synth import seed_demo


@pytest.fixture
def demo(session, tmp_path):
    seed_demo(session, "620302", "street", 1, workdir=tmp_path)
    return session.execute(text("SELECT code FROM areas WHERE level = 'community' ORDER BY code LIMIT 1")).scalar()


def test_grids_already_on_target_are_kept(session, demo):
    found = propose(session, SYSTEM, demo, target=(300, 500), steps=50, seed=3)
    assert found["objective"]["households_outside_range"] == 0 and found["objective"]["households_moved"] == 0


def test_bad_requests(session, demo):
    with pytest.raises(InvalidInput):
        propose(session, SYSTEM, demo, target=(500, 300))
    with pytest.raises(InvalidInput):
        propose(session, SYSTEM, demo, grids=10_000)


def test_a_new_split_meets_the_range_is_valid_and_repeats_for_a_seed(session, demo):
    t0 = time.perf_counter()
    found = propose(session, SYSTEM, demo, target=(300, 500), grids=5, steps=100, seed=3)
    elapsed = time.perf_counter() - t0
    sizes = found["households"]
    assert found["objective"]["households_outside_range"] == 0 and all(300 <= n <= 500 for n in sizes.values())
    report = validate_plan(session, found["plan"], SYSTEM)
    assert report.valid, [p.message for p in report.problems if p.severity == "error"]
    assert all(len(g["geom"].geoms) == 1 for g in grids_of(session, found["plan"]))  # contiguous
    again = propose(session, SYSTEM, demo, target=(300, 500), grids=5, steps=100, seed=3)
    assert again["households"] == sizes and again["objective"] == found["objective"]
    assert elapsed < 30
