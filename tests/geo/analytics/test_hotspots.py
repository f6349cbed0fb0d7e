"""Hot spots on planted patterns: a planted cluster is found, uniform noise gives no more than FDR allows."""

from datetime import datetime, timedelta

import h3
import numpy as np
import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM, Actor
from geo.access.scope import scope_for
from geo.analytics.grid_layers import grid_hotspots
from geo.analytics.hexbins import check_resolution, hexbins, resolution_for_zoom
from geo.analytics.window import window
from geo.core import cache
from geo.core.errors import InvalidInput
from geo.core.models import Role
from geo.core.time import CHINA
from tests.geo.analytics.lattice import N, build_lattice, cell, code, plant

END = datetime(2026, 11, 20, tzinfo=CHINA)
WIN = window(END - timedelta(days=28), END)
CELLS = [(i, j) for i in range(N) for j in range(N)]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lattice(session):
    build_lattice(session)


def spots(session, **kwargs) -> dict[str, dict]:
    found = grid_hotspots(session, SYSTEM, WIN, geometry=False, **kwargs)
    return {f["id"]: f["properties"] for f in found["features"]}


def test_a_planted_cluster_is_a_significant_hot_spot(session, lattice):
    rng = np.random.default_rng(7)
    block = {(i, j) for i in (4, 5, 6) for j in (7, 8, 9)}
    plant(session, {c: int(rng.poisson(14 if c in block else 2)) for c in CELLS}, end=END, rng=rng)
    found = spots(session)
    centre = found[code(5, 8)]
    assert centre["hotspot"] == "hot" and centre["significant"] and centre["gi_p"] < 0.05 and centre["gi_z"] > 3
    assert centre["moran_quadrant"] == "HH"
    hot = {c for c, p in found.items() if p["hotspot"] == "hot"}
    assert hot >= {code(*c) for c in [(5, 8), (4, 8), (6, 8), (5, 7), (5, 9)]}
    # Nothing far from the block is called hot.
    assert all(abs(int(c[-3:]) - 1 - (5 * N + 8)) // N <= 3 for c in hot)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_uniform_noise_gives_no_more_false_hot_spots_than_fdr_allows(session, lattice, seed):
    rng = np.random.default_rng(seed)
    plant(session, {c: int(rng.poisson(4)) for c in CELLS}, end=END, rng=rng)
    found = spots(session, alpha=0.05)
    significant = sum(p["significant"] for p in found.values())
    # Under the null every discovery is false; Benjamini-Hochberg keeps P(any) <= alpha, so a handful is already odd.
    assert significant <= 0.05 * len(found)


def populate(session, i: int, j: int, households: int, per_household: int) -> None:
    """A building at the cell's centre with its households and residents."""
    centre = cell(i, j).centroid
    building = session.execute(text("INSERT INTO buildings (name, geom) VALUES ('楼', ST_SetSRID(ST_MakePoint(:x, :y), "
                                     "4326)) RETURNING id"), {"x": centre.x, "y": centre.y}).scalar()
    for h in range(households):
        household = session.execute(text("INSERT INTO households (building_id, door) VALUES (:b, :d) RETURNING id"),
                                    {"b": building, "d": str(h)}).scalar()
        session.execute(text("INSERT INTO residents (household_id, name) VALUES (:h, '居民')"),
                        [{"h": household}] * per_household)


def test_rates_normalise_by_population_and_empty_grids_have_none(session, lattice):
    populate(session, 0, 0, households=10, per_household=2)   # 20 residents
    populate(session, 0, 1, households=100, per_household=2)  # 200 residents
    plant(session, {(0, 0): 6, (0, 1): 6, (0, 2): 6}, end=END)
    found = spots(session, measure="per_1000_residents")
    small, big, empty = found[code(0, 0)], found[code(0, 1)], found[code(0, 2)]
    assert (small["cases"], small["households"], small["residents"]) == (6, 10, 20)
    assert small["per_1000_residents"] == 300 and big["per_1000_residents"] == 30 and small["value"] == 300
    assert small["per_100_households"] == 60 and big["per_100_households"] == 6
    assert empty["cases"] == 6 and empty["per_1000_residents"] is None and empty["gi_z"] is None


def test_scope_and_bad_parameters(session, lattice):
    plant(session, {(0, 0): 3}, end=END)
    grid_worker = Actor("w", Role.grid_worker, scope_for(session, "grid_worker", code(0, 0)))
    mine = grid_hotspots(session, grid_worker, WIN, geometry=True)
    assert [f["id"] for f in mine["features"]] == [code(0, 0)] and mine["features"][0]["geometry"]["type"] == "Polygon"
    with pytest.raises(InvalidInput):
        grid_hotspots(session, SYSTEM, WIN, measure="per_dog")
    with pytest.raises(InvalidInput):
        window(END, END - timedelta(days=1))
    with pytest.raises(InvalidInput):
        window(END - timedelta(days=5000), END)


def test_an_empty_period_is_calm(session, lattice):
    found = spots(session)
    assert len(found) == N * N and not any(p["significant"] for p in found.values())
    assert {p["cases"] for p in found.values()} == {0}


def test_hexagon_bins_count_every_case_and_find_the_planted_cluster(session, lattice):
    rng = np.random.default_rng(3)
    block = {(i, j) for i in (4, 5, 6) for j in (4, 5, 6)}
    plant(session, {c: int(rng.poisson(30 if c in block else 3)) for c in CELLS}, end=END, rng=rng)
    total = session.execute(text("SELECT count(*) FROM cases")).scalar()
    bins = hexbins(session, SYSTEM, WIN, 9, hot=True)
    assert sum(f["properties"]["cases"] for f in bins["features"]) == total
    assert {f["properties"]["cases"] for f in bins["features"]} >= {0}  # quiet hexagons are there, as zeros
    hot = [f for f in bins["features"] if f["properties"]["hotspot"] == "hot"]
    assert hot and bins["significant"] >= len(hot)
    centre = cell(5, 5).centroid
    assert h3.latlng_to_cell(centre.y, centre.x, 9) in {f["id"] for f in hot}
    for f in hot:  # every hot hexagon lies on or next to the block (the block spans 3 × 0.002°)
        lat, lon = h3.cell_to_latlng(f["id"])
        assert abs(lat - centre.y) < 0.005 and abs(lon - centre.x) < 0.005


def test_resolution_follows_the_zoom():
    assert [resolution_for_zoom(z) for z in (10, 12, 14, 16, 18)] == sorted(resolution_for_zoom(z) for z in (10, 12, 14, 16, 18))
    assert resolution_for_zoom(14) == 9
    with pytest.raises(InvalidInput):
        check_resolution(15)


def test_normal_inference_finds_what_permutations_cannot_at_city_size():
    """On 3,600 cells a 25-cell cluster is beyond the reach of 9999 permutations after FDR, not of the normal law."""
    from geo.analytics.hotspots import hotspots
    n = 60
    names = {(i, j): f"c{i:02d}{j:02d}" for i in range(n) for j in range(n)}
    neighbours = {names[i, j]: [names[a, b] for a in (i - 1, i, i + 1) for b in (j - 1, j, j + 1)
                                if (a, b) != (i, j) and (a, b) in names] for (i, j) in names}
    rng = np.random.default_rng(2)
    values = {names[i, j]: float(rng.poisson(12 if 20 <= i < 25 and 20 <= j < 25 else 3)) for (i, j) in names}
    auto = hotspots(values, neighbours)  # 3,600 cells: the normal law
    assert auto[names[22, 22]].kind == "hot" and auto[names[22, 22]].gi_p < 1e-6
    assert sum(s.significant for s in auto.values()) < 60  # the cluster and its rim, not the city
    assert not any(s.significant for s in hotspots(values, neighbours, permutations=999, inference="permutation").values())
    with pytest.raises(InvalidInput):
        hotspots(values, neighbours, inference="bayes")
