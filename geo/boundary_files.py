"""Reading boundary files (GeoJSON, GeoPackage, Shapefile as .shp, folder or .zip, CSV with WKT) into raw features.

Reading never gives up on the first bad record: each feature carries either a geometry or the
reason it has none, so the import can name every offending feature at once.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyogrio
import shapely
from shapely.errors import GEOSException

from geo.errors import InvalidInput
from geo.i18n import Msg, msg

WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "WKT", "Geometry", "GEOMETRY")
UNCLOSED = msg("unclosed ring (first and last positions differ)")
OGR_SUFFIXES = {".gpkg", ".shp", ".zip"}
JSON_SUFFIXES = {".geojson", ".json"}


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


def read_boundary_file(path: Path) -> RawFile:
    """Read any supported boundary file; InvalidInput when the file itself cannot be read."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(msg("{path}: no such file or folder", path=path))
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return _read_geojson(path)
    if suffix == ".csv":
        return _read_csv(path)
    if path.is_dir():
        return _read_ogr(_single_shapefile(path))
    if suffix in OGR_SUFFIXES:
        return _read_ogr(path)
    raise InvalidInput(msg("{path}: unsupported format {suffix!r}; use GeoJSON, GeoPackage, Shapefile (.shp, folder or .zip) "
                            "or CSV with WKT", path=path, suffix=suffix))


def _single_shapefile(folder: Path) -> Path:
    shps = sorted(folder.glob("*.shp"))
    if len(shps) != 1:
        raise InvalidInput(msg("{folder}: a Shapefile folder must hold exactly one .shp, found {count}", folder=folder, count=len(shps)))
    return shps[0]


def _geojson_crs(doc: dict) -> str | None:
    """The legacy GeoJSON 2008 `crs` member, the only way a GeoJSON file declares a CRS."""
    crs = doc.get("crs")
    if isinstance(crs, dict):
        return (crs.get("properties") or {}).get("name")
    return None


def _read_geojson(path: Path) -> RawFile:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(msg("{path}: not valid JSON ({error})", path=path, error=exc)) from None
    if not isinstance(doc, dict):
        raise InvalidInput(msg("{path}: GeoJSON must be an object", path=path))
    kind = doc.get("type")
    if kind == "FeatureCollection":
        items = doc.get("features") or []
    elif kind == "Feature":
        items = [doc]
    elif kind in ("Polygon", "MultiPolygon", "GeometryCollection", "Point", "LineString", "MultiPoint", "MultiLineString"):
        items = [{"type": "Feature", "properties": {}, "geometry": doc}]
    else:
        raise InvalidInput(msg("{path}: not GeoJSON (type {kind!r})", path=path, kind=kind))
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
    geometry = item.get("geometry")
    if not geometry:
        return RawFeature(number, props, error=msg("no geometry"))
    if _malformed(geometry):
        return RawFeature(number, props, error=msg("malformed coordinates"))
    if _unclosed_ring(geometry):
        return RawFeature(number, props, error=UNCLOSED)
    try:
        return RawFeature(number, props, shapely.geometry.shape(geometry))
    except (GEOSException, ValueError, TypeError, KeyError, IndexError) as exc:
        return RawFeature(number, props, error=msg("unreadable geometry ({error})", error=exc))


def _read_csv(path: Path) -> RawFile:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except UnicodeDecodeError as exc:
        raise InvalidInput(msg("{path}: not UTF-8 text ({error})", path=path, error=exc)) from None
    column = next((c for c in WKT_COLUMNS if rows and c in rows[0]), None)
    if rows and column is None:
        raise InvalidInput(msg("{path}: no geometry column; name one of {columns}", path=path, columns=", ".join(WKT_COLUMNS[:4])))
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


def _read_ogr(path: Path) -> RawFile:
    try:
        meta, _, wkbs, columns = pyogrio.raw.read(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InvalidInput(msg("{path}: cannot be read ({error})", path=path, error=exc)) from None
    names = list(meta["fields"])
    features = []
    for i, wkb in enumerate(wkbs):
        props = {name: _plain(col[i]) for name, col in zip(names, columns)}
        if wkb is None:
            features.append(RawFeature(i + 1, props, error=msg("no geometry")))
            continue
        try:
            features.append(RawFeature(i + 1, props, shapely.from_wkb(wkb)))
        except GEOSException as exc:
            features.append(RawFeature(i + 1, props, error=_geos_reason(exc)))
    return RawFile(features, meta.get("crs"))


def _plain(value):
    """NumPy scalars to Python ones, so properties compare and serialise like JSON values."""
    return value.item() if hasattr(value, "item") else value
