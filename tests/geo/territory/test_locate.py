"""Locating points: inside, on edges and shared vertices, in holes, in detached parts, near and far, in every crs."""

import pytest
from pyproj import Transformer

from geo.core.crs import wgs84_to_bd09, wgs84_to_gcj02
from geo.core.errors import InvalidInput, NotFound, OutsideService
from geo.territory.locate import locate
from tests.city import A1, A2, A3, A4, A5, B1, B2, COMM_A, DISTRICT, STREET


def grid_at(session, lon, lat, **kw):
    return locate(session, lon, lat, **kw).grid.code


def test_inside_gives_the_whole_hierarchy(session, city):
    found = locate(session, 116.43, 39.95)
    assert (found.match, found.grid.code, found.community.code, found.street.code, found.district.code) == \
        ("covers", A2, COMM_A, STREET, DISTRICT)
    assert found.grid.name == "甲二网格" and found.candidates == []


def test_shared_edge_goes_to_the_smaller_grid(session, city):
    # A1 (with its hole) is smaller than A2; the point lies on their common edge x = 116.42.
    found = locate(session, 116.42, 39.935)
    assert found.grid.code == A1
    assert [c.code for c in found.candidates] == [A2]


def test_equal_areas_tie_break_on_lowest_code(session, city):
    from sqlalchemy import text
    areas = dict(session.execute(text("SELECT code, area_m2 FROM areas WHERE code IN (:a, :b)"), {"a": A3, "b": A4}).all())
    assert areas[A3] == areas[A4]  # same box shifted east: equal to the stored 0.01 m²
    assert grid_at(session, 116.42, 39.915) == A3


def test_shared_vertex_of_four_grids(session, city):
    found = locate(session, 116.42, 39.93)
    assert found.grid.code == A1
    assert sorted(c.code for c in found.candidates) == sorted([A2, A3, A4])


def test_dedicated_grid_in_a_hole_wins(session, city):
    assert grid_at(session, 116.4075, 39.9425) == A5
    # On the hole's ring both A1 and the school cover the point: the smaller, the school, wins.
    found = locate(session, 116.405, 39.9425)
    assert found.grid.code == A5 and [c.code for c in found.candidates] == [A1]


def test_point_in_an_empty_hole_snaps_to_the_grid_around_it(session, city):
    # 0.0002° of latitude is about 22 m inside the hole's southern ring.
    found = locate(session, 116.4875, 39.9452)
    assert (found.grid.code, found.match) == (B2, "nearest")
    assert 15 < found.distance_m < 30


def test_middle_of_an_empty_hole_is_too_far(session, city):
    with pytest.raises(OutsideService) as caught:
        locate(session, 116.4875, 39.9475)
    assert caught.value.extra["nearest_grid"] == B2
    assert "m away" in caught.value.detail


def test_detached_part_of_a_multipolygon(session, city):
    assert grid_at(session, 116.485, 39.915) == B1


def test_near_outside_snaps_with_distance(session, city):
    found = locate(session, 116.5005, 39.95)  # about 43 m east of B2
    assert (found.grid.code, found.match) == (B2, "nearest")
    assert 35 < found.distance_m < 50


def test_far_outside_is_not_found_with_the_distance(session, city):
    with pytest.raises(OutsideService, match=r"is \d+ m away"):
        locate(session, 116.60, 39.93)


def test_no_grids_at_all(session):
    with pytest.raises(NotFound, match="No grids"):
        locate(session, 116.43, 39.95)


@pytest.mark.parametrize("crs,convert", [
    ("wgs84", lambda x, y: (x, y)),
    ("cgcs2000", lambda x, y: (x, y)),
    ("EPSG:4490", lambda x, y: (x, y)),
    ("gcj02", lambda x, y: tuple(float(v) for v in wgs84_to_gcj02(x, y))),
    ("bd09", lambda x, y: tuple(float(v) for v in wgs84_to_bd09(x, y))),
    ("EPSG:3857", Transformer.from_crs(4326, 3857, always_xy=True).transform),
    ("32650", Transformer.from_crs(4326, 32650, always_xy=True).transform),
])
def test_every_crs(session, city, crs, convert):
    x, y = convert(116.4302, 39.9501)
    found = locate(session, x, y, crs=crs)
    assert found.grid.code == A2
    assert found.lon == pytest.approx(116.4302, abs=1e-7) and found.lat == pytest.approx(39.9501, abs=1e-7)


def test_gcj02_point_is_not_read_as_wgs84(session, city):
    # A GCJ-02 point near a grid edge lands in the neighbour when taken for WGS84: the offset matters.
    x, y = (float(v) for v in wgs84_to_gcj02(116.4395, 39.95))
    assert grid_at(session, x, y, crs="gcj02") == A2
    assert grid_at(session, x, y) != A2


@pytest.mark.parametrize("lon,lat,crs,message", [
    (116.4, 91, None, "within ±90"),
    (181, 39.9, None, "within ±180"),
    (float("nan"), 39.9, None, "finite"),
    (116.4, 39.9, "mars", "Unknown crs"),
    (116.4, 39.9, "EPSG:999999", "Unknown crs"),
])
def test_invalid_input(session, city, lon, lat, crs, message):
    with pytest.raises(InvalidInput, match=message):
        locate(session, lon, lat, crs=crs)
