"""GCJ-02 and BD-09: forward formulas agree with prcoords; the iterative inverse is good to well under 0.5 m."""

import numpy as np
import prcoords
import pytest
from pyproj import Geod

from geo.core.crs import (
    bd09_to_wgs84,
    gcj02_to_wgs84,
    parse_crs,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from geo.core.errors import CrsError

GEOD = Geod(ellps="WGS84")
# A lattice over China's box, from Hainan to Heilongjiang.
LON, LAT = (a.ravel() for a in np.meshgrid(np.linspace(74, 134, 25), np.linspace(18, 53, 25)))


def metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def test_forward_matches_prcoords():
    gx, gy = wgs84_to_gcj02(LON, LAT)
    bx, by = wgs84_to_bd09(LON, LAT)
    for i in range(0, len(LON), 37):
        ref_g = prcoords.wgs_gcj(prcoords.Coords(LAT[i], LON[i]))
        ref_b = prcoords.wgs_bd(prcoords.Coords(LAT[i], LON[i]))
        assert (gx[i], gy[i]) == pytest.approx((ref_g.lon, ref_g.lat), abs=1e-9)
        assert (bx[i], by[i]) == pytest.approx((ref_b.lon, ref_b.lat), abs=1e-9)


@pytest.mark.parametrize("forward,inverse", [(wgs84_to_gcj02, gcj02_to_wgs84), (wgs84_to_bd09, bd09_to_wgs84)])
def test_inverse_is_below_half_a_metre(forward, inverse):
    back_x, back_y = inverse(*forward(LON, LAT))
    error = metres(LON, LAT, back_x, back_y)
    assert error.max() < 0.01  # the iteration converges to millimetres; the requirement is 0.5 m


def test_single_step_inverse_would_not_do():
    gx, gy = wgs84_to_gcj02(LON, LAT)
    fx, fy = wgs84_to_gcj02(gx, gy)
    naive_x, naive_y = 2 * gx - fx, 2 * gy - fy
    assert metres(LON, LAT, naive_x, naive_y).max() > 0.5


def test_no_offset_outside_china():
    x, y = wgs84_to_gcj02(2.35, 48.85)
    assert (float(x), float(y)) == (2.35, 48.85)


@pytest.mark.parametrize("text,name", [
    (None, "EPSG:4326"), ("WGS84", "EPSG:4326"), ("cgcs2000", "EPSG:4326"), ("EPSG:4490", "EPSG:4326"),
    ("gcj-02", "gcj02"), ("BD09", "bd09"), ("3857", "EPSG:3857"), ("epsg:32650", "EPSG:32650"),
])
def test_parse(text, name):
    assert parse_crs(text).name == name


@pytest.mark.parametrize("text", ["mars", "EPSG:0", "EPSG:999999", "epsg:abc"])
def test_parse_rejects(text):
    with pytest.raises(CrsError, match="Unknown crs"):
        parse_crs(text)
