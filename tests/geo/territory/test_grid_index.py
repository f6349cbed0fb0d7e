"""Locate from memory: the same answers as PostGIS, new boundaries and staff seen as soon as they are committed,
and a transaction's own uncommitted boundaries answered by PostGIS."""

import numpy as np
import pytest
from sqlalchemy import text

from geo.access.scope import Scope
from geo.core import db
from geo.core.errors import OutsideService
from geo.core.models import Role
from geo.territory import grid_index
from geo.territory.locate import _covering, locate
from tests.city import A1, A2
from tests.conftest import committed_city

COMMAND = Scope(Role.command_center)


@pytest.fixture(scope="module")
def sessions(cluster):
    """A committed test city: the in-memory path only serves transactions that have written nothing."""
    with committed_city(cluster, "wangge_grid_index") as engine:
        yield db.session_factory(engine)


def answer(session, lon, lat):
    try:
        found = locate(session, lon, lat, scope=COMMAND)
    except OutsideService:
        return "outside"
    return found.match, found.grid.code, [c.code for c in found.candidates], found.community.code, \
        [(s.staff_id, s.duty) for s in found.staff]


def test_memory_and_postgis_agree_on_edges_vertices_holes_and_outside(sessions):
    rng = np.random.default_rng(4)
    lattice = [(116.40 + i * 0.005, 39.90 + j * 0.0025) for i in range(-2, 23) for j in range(-2, 27)]  # every edge
    points = lattice + [tuple(p) for p in np.column_stack([rng.uniform(116.39, 116.51, 300), rng.uniform(39.89, 39.97, 300)])]
    with sessions() as s:
        from_memory = [answer(s, *p) for p in points]
        assert grid_index._current is not None  # the memory path answered
        for point, remembered in zip(points, from_memory):
            covering = _covering(s, *point, None)
            if covering is not None:
                assert remembered[:3] == ("covers", covering.grid.code, [c.code for c in covering.candidates]), point
            else:
                assert remembered == "outside" or remembered[0] == "nearest", point


def test_a_committed_change_is_answered_at_once(sessions):
    with sessions() as s:
        assert answer(s, 116.43, 39.95)[1] == A2
    with sessions.begin() as s:  # A1 grows east over A2's west half
        s.execute(text("UPDATE area_records SET geom = ST_Multi(ST_Union(geom, ST_MakeEnvelope(116.42, 39.93, 116.43, 39.96, 4326)))"
                       " WHERE code = :c"), {"c": A1})
    try:
        with sessions() as s:
            assert answer(s, 116.425, 39.95)[1] == A1
    finally:
        with sessions.begin() as s:
            s.execute(text("UPDATE area_records SET geom = ST_Multi(ST_Difference(geom, ST_MakeEnvelope(116.42, 39.93, "
                           "116.43, 39.96, 4326))) WHERE code = :c"), {"c": A1})
    with sessions() as s:
        assert answer(s, 116.425, 39.95)[1] == A2


def test_a_transaction_that_wrote_sees_its_own_boundaries(sessions):
    with sessions() as s:
        answer(s, 116.43, 39.95)  # the index is built
        s.execute(text("UPDATE area_records SET geom = ST_Multi(ST_Union(geom, ST_MakeEnvelope(116.42, 39.93, 116.43, 39.96, 4326)))"
                       " WHERE code = :c"), {"c": A1})
        assert answer(s, 116.425, 39.95)[1] == A1  # uncommitted, so from PostGIS
        s.rollback()
        assert answer(s, 116.425, 39.95)[1] == A2


def test_staff_on_duty_follow_committed_changes(sessions):
    in_a1 = (116.41, 39.935)
    with sessions() as s:
        before = answer(s, *in_a1)[4]
    assert len(before) == 3
    with sessions.begin() as s:
        s.execute(text("UPDATE staff_assignments SET end_date = CURRENT_DATE - 1 WHERE area_code = :c AND staff_id = :i"),
                  {"c": A1, "i": before[0][0]})
    try:
        with sessions() as s:
            assert answer(s, *in_a1)[4] == before[1:]
    finally:
        with sessions.begin() as s:
            s.execute(text("UPDATE staff_assignments SET end_date = NULL WHERE area_code = :c AND staff_id = :i"),
                      {"c": A1, "i": before[0][0]})
    with sessions() as s:
        assert answer(s, *in_a1)[4] == before
