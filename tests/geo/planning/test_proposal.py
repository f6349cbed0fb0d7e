"""Balanced proposals on the street demo: within the household range, contiguous, valid, deterministic."""

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.core import db, migrate
from geo.core.errors import InvalidInput
from geo.core.models import OPEN_STATUSES
from geo.core.time import china_today
from geo.planning.plans import grids_of
from geo.planning.proposal import propose
from geo.planning.publish import apply
from geo.planning.validation import validate_plan
from geo.synth import seed_demo
from tests.conftest import fresh_database, rolled_back


@pytest.fixture(scope="module")
def demo_engine(cluster, tmp_path_factory):
    """The street demo (without its field work, which planning does not read), seeded once for the module."""
    engine = db.make_engine(fresh_database(cluster, "wangge_plan_demo"))
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as s:
        seed_demo(s, "620302", "street", 1, workdir=tmp_path_factory.mktemp("demo"), field_work=False)
    yield engine
    engine.dispose()


@pytest.fixture
def session(demo_engine):
    """Each test's work on the demo is rolled back."""
    with rolled_back(demo_engine) as s:
        yield s


@pytest.fixture
def demo(session):
    """The demo's first community."""
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
    found = propose(session, SYSTEM, demo, target=(300, 500), grids=5, steps=100, seed=3)
    sizes = found["households"]
    assert found["objective"]["households_outside_range"] == 0 and all(300 <= n <= 500 for n in sizes.values())
    report = validate_plan(session, found["plan"], SYSTEM)
    assert report.valid, [p.message for p in report.problems if p.severity == "error"]
    assert all(len(g["geom"].geoms) == 1 for g in grids_of(session, found["plan"]))  # contiguous
    again = propose(session, SYSTEM, demo, target=(300, 500), grids=5, steps=100, seed=3)
    assert again["households"] == sizes and again["objective"] == found["objective"]


def test_a_street_proposal_covers_each_of_its_communities(session, demo):
    street = demo[:9] + "000"
    communities = list(session.execute(text("SELECT code FROM areas WHERE parent_code = :s ORDER BY code"),
                                       {"s": street}).scalars())
    found = propose(session, SYSTEM, street, target=(300, 500), steps=20, seed=1)
    assert sorted(found["objective"]["communities"]) == communities
    assert found["objective"]["grids"] == sum(t["grids"] for t in found["objective"]["communities"].values())
    assert validate_plan(session, found["plan"], SYSTEM).valid
    with pytest.raises(InvalidInput, match="one community"):
        propose(session, SYSTEM, street, grids=3)
    with pytest.raises(InvalidInput, match="no community or street"):
        propose(session, SYSTEM, "620302", steps=1)


def test_publishing_a_proposal_reroutes_the_open_cases_of_moved_land(session, demo):
    found = propose(session, SYSTEM, demo, target=(300, 500), grids=5, steps=100, seed=3)
    outcome = apply(session, found["plan"], china_today(), SYSTEM)
    assert outcome["cases_rerouted"] > 0 and outcome["buildings_moved"] > 0
    misplaced = session.execute(text("""
        SELECT count(*) FROM cases c WHERE c.status = ANY(:open) AND left(c.grid_code, 12) = :c
          AND c.grid_code IS DISTINCT FROM wangge_grid_at(c.geom)"""),
                                {"open": [s.value for s in OPEN_STATUSES], "c": demo}).scalar()
    assert misplaced == 0
    events = session.execute(text("SELECT count(*) FROM case_events WHERE action = 'reroute'")).scalar()
    assert events == outcome["cases_rerouted"]
    closed_elsewhere = session.execute(text("""
        SELECT count(*) FROM cases c JOIN area_records a ON a.code = c.grid_code
        WHERE c.status IN ('closed', 'rated') AND left(c.grid_code, 12) = :c AND a.valid_to IS NOT NULL"""),
                                       {"c": demo}).scalar()
    assert closed_elsewhere > 0 or not outcome["retired"]  # closed cases keep their retired grid
