"""The readers of each boundary format, run in the sandbox (geo.territory.boundary_files) on files already vetted.

GeoJSON and CSV with WKT are parsed here in Python and never reach GDAL; GDAL (pyogrio) reads only
a vetted GeoPackage or Shapefile, and only when it reports the driver we expected. Reading never
gives up on the first bad record: each feature carries either a geometry or the reason it has
none, so the import can name every offending feature at once.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyogrio
import shapely
from shapely.errors import GEOSException

from geo.core import gdal_env
from geo.core.errors import InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.uploads.limits import Limits

WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "WKT", "Geometry", "GEOMETRY")
UNCLOSED = msg("unclosed ring (first and last positions differ)")


@dataclass
class RawFeature:
    """One record of a file: its 1-based position, its properties, and a geometry or the reason it has none."""

    number: int
    properties: dict
    geometry: object | None = None
    error: Msg | None = None


@dataclass
class RawFile:
    """What a file holds: its features and the CRS it declares (None when it declares none)."""

    features: list[RawFeature] = field(default_factory=list)
    declared_crs: str | None = None


def _geojson_crs(doc: dict) -> str | None:
    """The legacy GeoJSON 2008 `crs` member, the only way a GeoJSON file declares a CRS."""
    properties = (doc.get("crs") or {}).get("properties") if isinstance(doc.get("crs"), dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    return name if isinstance(name, str) else None


def read_geojson(path: Path, name: str, limits: Limits) -> RawFile:
    """A GeoJSON FeatureCollection, Feature or bare geometry, parsed by Python's json."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(msg("{path}: not valid JSON ({error})", path=name, error=_short(exc))) from None
    if not isinstance(doc, dict):
        raise InvalidInput(msg("{path}: GeoJSON must be an object", path=name))
    kind = doc.get("type")
    if kind == "FeatureCollection":
        items = doc.get("features") or []
    elif kind == "Feature":
        items = [doc]
    elif kind in ("Polygon", "MultiPolygon", "GeometryCollection", "Point", "LineString", "MultiPoint", "MultiLineString"):
        items = [{"type": "Feature", "properties": {}, "geometry": doc}]
    else:
        raise InvalidInput(msg("{path}: not GeoJSON (type {kind!r})", path=name, kind=str(kind)[:40]))
    if not isinstance(items, list):
        raise InvalidInput(msg("{path}: the features of a FeatureCollection must be a list", path=name))
    check_count(len(items), name, limits)
    features = [_geojson_feature(i, item) for i, item in enumerate(items, start=1)]
    return RawFile(features, _geojson_crs(doc))


def _unclosed_ring(geometry: dict) -> bool:
    """Whether a GeoJSON (Multi)Polygon has a ring whose last position differs from its first."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind not in ("Polygon", "MultiPolygon"):
        return False
    polygons = coords if kind == "MultiPolygon" else [coords]
    for polygon in polygons:
        for ring in polygon or []:
            if ring and list(ring[0]) != list(ring[-1]):
                return True
    return False


def _malformed(geometry) -> bool:
    """Whether a (Multi)Polygon's coordinates are not nested lists of number pairs."""
    if not isinstance(geometry, dict):
        return True
    depth = {"Polygon": 3, "MultiPolygon": 4}.get(geometry.get("type"))
    if depth is None:
        return False

    def ok(node, level):
        if level == 1:
            return isinstance(node, list) and len(node) >= 2 and all(isinstance(v, int | float) for v in node)
        return isinstance(node, list) and all(ok(child, level - 1) for child in node)

    return not ok(geometry.get("coordinates"), depth)


def _geojson_feature(number: int, item: dict) -> RawFeature:
    if not isinstance(item, dict):
        return RawFeature(number, {}, error=msg("not a GeoJSON feature"))
    props = item.get("properties") or {}
    if not isinstance(props, dict):
        return RawFeature(number, {}, error=msg("not a GeoJSON feature"))
    geometry = item.get("geometry")
    if not geometry:
        return RawFeature(number, props, error=msg("no geometry"))
    if _malformed(geometry):
        return RawFeature(number, props, error=msg("malformed coordinates"))
    if _unclosed_ring(geometry):
        return RawFeature(number, props, error=UNCLOSED)
    try:
        return RawFeature(number, props, shapely.geometry.shape(geometry))
    except (GEOSException, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        return RawFeature(number, props, error=msg("unreadable geometry ({error})", error=_short(exc)))


def read_csv(path: Path, name: str, limits: Limits) -> RawFile:
    """A CSV file (UTF-8) with a WKT column, parsed by Python's csv and shapely."""
    csv.field_size_limit(limits.bytes)  # a polygon's WKT outgrows the default 128 KiB; this process reads one file
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = []
            for row in csv.DictReader(f):
                rows.append(row)
                check_count(len(rows), name, limits)
    except UnicodeDecodeError as exc:
        raise InvalidInput(msg("{path}: not UTF-8 text ({error})", path=name, error=exc)) from None
    except csv.Error as exc:
        raise InvalidInput(msg("{path}: cannot be read ({error})", path=name, error=_short(exc))) from None
    column = next((c for c in WKT_COLUMNS if rows and c in rows[0]), None)
    if rows and column is None:
        raise InvalidInput(msg("{path}: no geometry column; name one of {columns}", path=name,
                               columns=", ".join(WKT_COLUMNS[:4])))
    features = []
    for number, row in enumerate(rows, start=1):
        wkt = (row.pop(column, None) or "").strip()
        props = {k: v for k, v in row.items() if k is not None}
        features.append(_from_text(number, props, wkt))
    return RawFile(features, None)


def _from_text(number: int, props: dict, wkt: str) -> RawFeature:
    if not wkt:
        return RawFeature(number, props, error=msg("no geometry"))
    try:
        return RawFeature(number, props, shapely.from_wkt(wkt))
    except GEOSException as exc:
        return RawFeature(number, props, error=_geos_reason(exc))


def _geos_reason(exc: Exception) -> Msg:
    text = str(exc)
    if "closed" in text.lower():
        return UNCLOSED
    return msg("unreadable geometry ({error})", error=text)


def read_ogr(path: Path, driver: str, layer: str | None, name: str, limits: Limits) -> RawFile:
    """A vetted GeoPackage or Shapefile read by GDAL, refused unless GDAL opened it with `driver`."""
    extra = gdal_env.unexpected_drivers()
    if extra:  # GDAL_SKIP did not take (a newer GDAL?): no upload is read until gdal_env.SKIP names them
        raise RuntimeError(f"GDAL offers drivers beyond {sorted(gdal_env.KEEP)}: {sorted(extra)}")
    try:
        info = pyogrio.read_info(path, layer=layer)
        if info["driver"] != driver:
            raise InvalidInput(msg("{path}: GDAL read it as {found}, not {expected}", path=name, found=info["driver"],
                                   expected=driver))
        check_count(info["features"], name, limits)
        meta, _, wkbs, columns = pyogrio.raw.read(path, layer=layer, max_features=limits.features + 1)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as exc:
        error = str(exc).replace(str(path.parent) + "/", "")  # our staging folder is nobody's business
        raise InvalidInput(msg("{path}: cannot be read ({error})", path=name, error=error[:300])) from None
    check_count(len(wkbs), name, limits)
    names = list(meta["fields"])
    features = []
    for i, wkb in enumerate(wkbs):
        props = {key: _plain(col[i]) for key, col in zip(names, columns)}
        if wkb is None:
            features.append(RawFeature(i + 1, props, error=msg("no geometry")))
            continue
        try:
            features.append(RawFeature(i + 1, props, shapely.from_wkb(wkb)))
        except GEOSException as exc:
            features.append(RawFeature(i + 1, props, error=_geos_reason(exc)))
    return RawFile(features, meta.get("crs"))


def check_count(count: int, name: str, limits: Limits) -> None:
    """InvalidInput once a file holds more features than the limit."""
    if count > limits.features:
        raise InvalidInput(msg("{path}: more than {limit} features", path=name, limit=limits.features))


def _short(exc: Exception) -> str:
    return str(exc)[:200]


def _plain(value):
    """NumPy scalars to Python ones, so properties compare and serialise like JSON values."""
    return value.item() if hasattr(value, "item") else value
