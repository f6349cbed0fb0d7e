"""Cached analytics are served again until the data under them changes, and recomputed after."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.analytics import grid_layers
from geo.analytics.grid_layers import grid_hotspots
from geo.analytics.window import window
from geo.core import cache
from geo.core.time import CHINA
from tests.geo.analytics.lattice import build_lattice, code, plant

END = datetime(2026, 11, 20, tzinfo=CHINA)
WIN = window(END - timedelta(days=28), END)


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()
    yield
    cache.clear()


def cases_in(session, grid):
    found = grid_hotspots(session, SYSTEM, WIN, geometry=False)
    return next(f["properties"]["cases"] for f in found["features"] if f["id"] == grid)


def test_a_new_case_invalidates_the_cached_answer(session, monkeypatch):
    build_lattice(session)
    plant(session, {(0, 0): 2}, end=END)
    computed = []

    def counting(session_, kinds, key, compute):
        return cache.cached(session_, kinds, key, lambda: computed.append(key[0]) or compute())

    monkeypatch.setattr(grid_layers, "cached", counting)
    assert cases_in(session, code(0, 0)) == 2
    assert cases_in(session, code(0, 0)) == 2
    assert computed.count("grid_hotspots") == 1  # the second answer came from the cache
    plant(session, {(0, 0): 1}, end=END)
    assert cases_in(session, code(0, 0)) == 3
    assert computed.count("grid_hotspots") == 2  # recomputed after the insert
    session.execute(text("UPDATE cases SET status = 'merged' WHERE id = (SELECT min(id) FROM cases)"))
    assert cases_in(session, code(0, 0)) == 2  # an update invalidates too


def test_versions_rise_with_every_change(session):
    first = cache.versions(session, ("cases", "areas"))
    build_lattice(session)
    after_areas = cache.versions(session, ("cases", "areas"))
    assert after_areas[0] == first[0] and after_areas[1] > first[1]
    with pytest.raises(ValueError):
        cache.versions(session, ("weather",))
