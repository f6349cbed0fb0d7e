"""Coordinate systems at the edges: EPSG codes through pyproj, and China's GCJ-02 and BD-09.

The database holds EPSG:4326 only. GCJ-02 (AMap, Tencent, WeChat) and BD-09 (Baidu) have no
EPSG code: their forward formulas are public, their inverse is found by fixed-point iteration
to well under 0.5 m (a single-step inverse errs by 1-2 m). The formulas are written here, in
NumPy, because the PyPI packages that carry them (eviltransform, prcoords, coord-convert) are
unmaintained, scalar and single-step; prcoords serves the tests as an independent check.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError

from geo.core.errors import CrsError, InvalidInput
from geo.core.i18n import msg

# Krasovsky 1940, as used by the GCJ-02 formulas.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
# Outside this box GCJ-02 applies no offset.
_CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)
# Iterate until the forward image is this close to the target: 1e-9 degree is about 0.1 mm.
_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_STEPS = 30

ALIASES = {
    "wgs84": "EPSG:4326", "wgs-84": "EPSG:4326", "epsg:4326": "EPSG:4326", "4326": "EPSG:4326",
    # CGCS2000 differs from WGS84 by well under a metre: treated as equal (DOMAIN.md).
    "cgcs2000": "EPSG:4326", "epsg:4490": "EPSG:4326", "4490": "EPSG:4326",
    "gcj02": "gcj02", "gcj-02": "gcj02", "bd09": "bd09", "bd-09": "bd09",
}
ACCEPTED = "wgs84, cgcs2000, gcj02, bd09 or an EPSG code such as EPSG:32648"


def _lat_shift(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _lon_shift(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _in_china(lon, lat):
    west, south, east, north = _CHINA_BOX
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def wgs84_to_gcj02(lon, lat):
    """GCJ-02 coordinates of WGS84 points (arrays or scalars)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlat = _lat_shift(lon - 105.0, lat - 35.0)
    dlon = _lon_shift(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_bd09(lon, lat):
    """BD-09 coordinates of GCJ-02 points."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def wgs84_to_bd09(lon, lat):
    """BD-09 coordinates of WGS84 points."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def _invert(forward, lon, lat):
    """Solve forward(w) = (lon, lat) for w by fixed-point iteration; the offsets vary slowly."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(_INVERSE_MAX_STEPS):
        flon, flat = forward(wlon, wlat)
        elon, elat = flon - lon, flat - lat
        wlon, wlat = wlon - elon, wlat - elat
        if np.all(np.abs(elon) < _INVERSE_TOLERANCE_DEG) and np.all(np.abs(elat) < _INVERSE_TOLERANCE_DEG):
            break
    return wlon, wlat


def gcj02_to_wgs84(lon, lat):
    """WGS84 coordinates of GCJ-02 points, by iterative inverse."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_wgs84(lon, lat):
    """WGS84 coordinates of BD-09 points, by iterative inverse."""
    return _invert(wgs84_to_bd09, lon, lat)


@lru_cache(maxsize=64)
def _is_geographic(epsg: str) -> bool:
    return CRS.from_user_input(epsg).is_geographic


@lru_cache(maxsize=64)
def _transformer(epsg: str) -> Transformer:
    return Transformer.from_crs(epsg, "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class Crs:
    """A source coordinate system that can be brought to WGS84."""

    name: str  # "EPSG:nnnn", "gcj02" or "bd09"

    @property
    def is_wgs84(self) -> bool:
        return self.name == "EPSG:4326"

    @property
    def geographic(self) -> bool:
        """Whether coordinates are longitude/latitude degrees."""
        if self.name in ("gcj02", "bd09"):
            return True
        return _is_geographic(self.name)

    def to_wgs84(self, x, y):
        """Longitudes and latitudes in WGS84 of points given in this system."""
        if self.is_wgs84:
            return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if self.name == "gcj02":
            return gcj02_to_wgs84(x, y)
        if self.name == "bd09":
            return bd09_to_wgs84(x, y)
        return _transformer(self.name).transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    def geometry_to_wgs84(self, geom):
        """A shapely geometry (or array of them) converted to WGS84."""
        if self.is_wgs84:
            return geom
        return shapely.transform(geom, lambda xy: np.column_stack(self.to_wgs84(xy[:, 0], xy[:, 1])))


WGS84 = Crs("EPSG:4326")


@lru_cache(maxsize=256)
def parse_crs(value: str | None) -> Crs:
    """The Crs named by `value` (None means WGS84); CrsError names what is accepted."""
    if value is None or not str(value).strip():
        return WGS84
    key = str(value).strip().lower()
    if key in ALIASES:
        return Crs(ALIASES[key])
    if key.isdigit():
        key = f"epsg:{key}"
    if not key.startswith("epsg:"):
        raise CrsError(msg("Unknown crs {value!r}: use {accepted}.", value=value, accepted=ACCEPTED))
    try:
        epsg = CRS.from_user_input(key.upper()).to_epsg()
    except PyprojCRSError:
        raise CrsError(msg("Unknown crs {value!r}: no such EPSG code; use {accepted}.", value=value, accepted=ACCEPTED)) from None
    if epsg is None:
        raise CrsError(msg("Unknown crs {value!r}: use {accepted}.", value=value, accepted=ACCEPTED))
    return Crs("EPSG:4326" if epsg in (4326, 4490) else f"EPSG:{epsg}")


def crs_from_file(declared: str | None) -> Crs | None:
    """The Crs a file declares (WKT, PROJ or authority string), or None when it declares none."""
    if not declared:
        return None
    try:
        crs = CRS.from_user_input(declared)
    except PyprojCRSError:
        raise CrsError(msg("The file declares a CRS pyproj cannot read: {declared!r}", declared=declared[:80])) from None
    if crs.to_authority() == ("OGC", "CRS84"):
        return WGS84
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is None:
        raise CrsError(msg("The file's CRS {name!r} has no EPSG code; reproject it or pass --crs.", name=crs.name))
    return Crs("EPSG:4326" if epsg in (4326, 4490) else f"EPSG:{epsg}")


def to_wgs84_point(lon: float, lat: float, crs: str | None) -> tuple[float, float]:
    """Check a point's numbers and bring it to WGS84; InvalidInput says what is wrong."""
    source = parse_crs(crs)
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput(msg("lon and lat must be finite numbers"))
    if source.geographic and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(msg("lon must lie within ±180 and lat within ±90, got lon={lon}, lat={lat}", lon=lon, lat=lat))
    x, y = source.to_wgs84(lon, lat)
    x, y = float(x), float(y)
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        raise InvalidInput(msg("({lon}, {lat}) is not a valid position in {crs}", lon=lon, lat=lat, crs=source.name))
    return x, y
