"""The demo city: deterministic, plausible, complete, and replaceable without touching real data."""


import numpy as np
import pytest
from shapely.geometry import box
from sqlalchemy import text

from geo.access.crypto import reveal
from geo.access.idcard import problem
from geo.core.errors import Conflict
from geo.synth import outline_path, seed_demo
from geo.territory.boundary_import import import_boundaries
from tests.city import collection, feature, write
from tests.geo.synth.conftest import NOW, q


def test_sizes_follow_the_source_material(demo_engine):
    (streets, communities, grids, households, residents), = q(demo_engine, """
        SELECT (SELECT count(*) FROM areas WHERE level = 'street'), (SELECT count(*) FROM areas WHERE level = 'community'),
               (SELECT count(*) FROM areas WHERE level = 'grid'), (SELECT count(*) FROM households),
               (SELECT count(*) FROM residents)""")
    assert (streets, communities, households) == (1, 12, 20_864)
    assert 55 <= grids <= 80
    assert abs(residents - 44_649) / 44_649 < 0.03
    area_km2 = q(demo_engine, "SELECT area_m2 / 1e6 FROM areas WHERE level = 'street'")[0][0]
    assert 3.3 < area_km2 < 4.0  # 3.67 km²


def test_every_grid_is_inside_its_community_and_the_grids_cover_it(demo_engine):
    rows = q(demo_engine, """
        SELECT c.code, ST_Area(ST_Difference(g.geom, ST_Buffer(c.geom::geography, 1)::geometry)::geography),
               abs(ST_Area(c.geom::geography) - (SELECT sum(ST_Area(x.geom::geography)) FROM areas x WHERE x.parent_code = c.code))
        FROM areas c JOIN areas g ON g.parent_code = c.code WHERE c.level = 'community'""")
    assert all(outside < 1 for _, outside, _ in rows)
    assert all(gap < 50 for _, _, gap in rows)  # m² over a whole community: numerical noise only


def test_every_residential_grid_has_buildings_households_and_staff(demo_engine):
    rows = q(demo_engine, """
        SELECT g.code, g.kind, g.purpose, (SELECT count(*) FROM buildings b WHERE b.grid_code = g.code),
               (SELECT count(*) FROM households h JOIN buildings b ON b.id = h.building_id WHERE b.grid_code = g.code),
               (SELECT count(*) FROM staff_assignments a WHERE a.area_code = g.code AND a.duty = 'grid_leader')
        FROM areas g WHERE g.level = 'grid'""")
    ordinary = [r for r in rows if r[1] == "ordinary"]
    assert all(r[3] > 0 and r[4] > 0 and r[5] == 1 for r in ordinary)
    households = np.array([r[4] for r in ordinary])
    assert np.mean((households >= 300) & (households <= 500)) > 0.85
    assert (households < 250).any() or (households > 550).any()  # a few deliberately out of balance
    purposes = {r[2] for r in rows if r[1] == "dedicated"}
    assert {"school", "hospital", "market", "park"} <= purposes
    assert all(r[4] == 0 for r in rows if r[1] == "dedicated")


def test_people_look_real(demo_engine):
    rows = [(r[0], reveal(r[1]), reveal(r[2]), *r[3:]) for r in q(
        demo_engine, "SELECT name, id_number_enc, phone_enc, gender, birth_date, residence, special_groups FROM residents")]
    assert all(problem(r[1]) is None for r in rows)
    assert len({r[1] for r in rows}) == len(rows)
    assert all(r[3] == ("M" if int(r[1][16]) % 2 else "F") for r in rows)
    assert all(r[1][6:14] == r[4].strftime("%Y%m%d") for r in rows)
    floating = sum(r[5] == "floating" for r in rows) / len(rows)
    assert 0.15 < floating < 0.35
    groups = [g for r in rows for g in r[6]]
    assert 0 < len(groups) < 0.15 * len(rows) and "elderly_alone" in groups
    assert all(r[2] is None or (len(r[2]) == 11 and r[2][0] == "1") for r in rows)


def test_a_year_of_cases_with_rhythm_and_open_states(demo_engine):
    rows = q(demo_engine, "SELECT status, count(*) FROM cases GROUP BY status")
    states = dict(rows)
    for open_state in ("intake", "registered", "dispatched", "handling", "reported", "returned", "suspended"):
        assert states[open_state] >= 20
    assert q(demo_engine, "SELECT count(*) FROM cases WHERE grid_code IS NULL")[0][0] == 0
    weekday, weekend = q(demo_engine, """
        SELECT (avg(n) FILTER (WHERE dow BETWEEN 1 AND 5))::float8, (avg(n) FILTER (WHERE dow IN (0, 6)))::float8
        FROM (SELECT extract(dow FROM reported_at) AS dow, date(reported_at), count(*) n FROM cases GROUP BY 1, 2) d""")[0]
    assert weekday > 1.2 * weekend
    span = q(demo_engine, "SELECT max(reported_at) - min(reported_at) FROM cases")[0][0]
    assert span.days >= 350


def test_same_seed_same_city_other_seed_other_city(session, tmp_path):
    first = _fingerprint(session, 5, tmp_path)
    again = _fingerprint(session, 5, tmp_path)
    other = _fingerprint(session, 6, tmp_path)
    assert first == again and first != other


def _fingerprint(session, seed, tmp_path):
    seed_demo(session, "120105", "street", seed, workdir=tmp_path, now=NOW, field_work=False)
    # One row of three columns: the rows of a UNION ALL come in no promised order (a parallel plan swaps them).
    return list(session.execute(text("""
        SELECT (SELECT md5(string_agg(code || ST_AsText(geom), ',' ORDER BY code)) FROM areas WHERE level = 'grid'),
               (SELECT md5(string_agg(name || encode(id_number_hmac, 'hex') || coalesce(encode(phone_hmac, 'hex'), ''), ','
                                      ORDER BY id_number_hmac)) FROM residents),
               (SELECT md5(string_agg(category || reported_at::text, ',' ORDER BY reported_at, category)) FROM cases)
    """)).one())


def test_reseeding_replaces_the_demo_and_keeps_real_data(session, tmp_path):
    seed_demo(session, "120105", "street", 2, workdir=tmp_path, now=NOW, field_work=False)
    real = write(tmp_path, "real.geojson", collection(feature("110105", "朝阳区", box(116.40, 39.90, 116.50, 39.96))))
    import_boundaries(session, real, "district")
    session.execute(text("INSERT INTO users (username, password_hash, role) VALUES ('real', 'x', 'admin')"))
    before = session.execute(text("SELECT count(*) FROM residents")).scalar()
    seed_demo(session, "120105", "street", 2, workdir=tmp_path, now=NOW, field_work=False)
    assert session.execute(text("SELECT count(*) FROM residents")).scalar() == before
    assert session.execute(text("SELECT count(*) FROM areas WHERE code = '110105' AND NOT synthetic")).scalar() == 1
    assert session.execute(text("SELECT count(*) FROM users WHERE username = 'real'")).scalar() == 1


def test_refuses_to_mix_with_real_areas(session, tmp_path):
    import_boundaries(session, outline_path("120105"), "district", crs="gcj02", code="120105", name="河北区")
    outline = session.execute(text("SELECT ST_AsText(ST_PointOnSurface(geom)) FROM areas WHERE code = '120105'")).scalar()
    x, y = (float(v) for v in outline[6:-1].split())
    street = write(tmp_path, "s.geojson", collection(feature("120105001000", "真实街道", box(x - 0.001, y - 0.001, x + 0.001, y + 0.001))))
    import_boundaries(session, street, "street")
    with pytest.raises(Conflict, match="already holds imported areas"):
        seed_demo(session, "120105", "street", 1, workdir=tmp_path, now=NOW, field_work=False)
