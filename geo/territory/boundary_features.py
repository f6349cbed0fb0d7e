"""A boundary file's features checked one by one: codes, names, parents, kinds, coordinates and geometry.

Each feature that passes becomes a Candidate in WGS84; every problem names its feature. The checks against the
database and the rest of the file are in boundary_import."""

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon

from geo.core.crs import WGS84, Crs, crs_from_file, parse_crs
from geo.core.errors import CrsError
from geo.core.i18n import Msg, msg
from geo.core.models import (
    CODE_LENGTH,
    PARENT_LEVEL,
    SCOPE_PREFIX,
    GridKind,
    Level,
)
from geo.core.settings import get_settings
from geo.territory.boundary_files import RawFeature


@dataclass
class Candidate:
    """A feature that passed the per-feature checks, in WGS84."""

    number: int
    code: str
    name: str
    name_en: str | None
    parent_code: str | None
    kind: str | None
    purpose: str | None
    geom: MultiPolygon


def label(feature_number: int, code: str | None) -> Msg:
    """How messages name a feature: by code when it has one, always by position."""
    if code:
        return msg("feature #{number} (code {code})", number=feature_number, code=code)
    return msg("feature #{number}", number=feature_number)


def derive_parent(code: str, level: Level) -> str | None:
    """The parent's code implied by the code itself (DOMAIN.md code scheme)."""
    if level == Level.district:
        return None
    if level == Level.street:
        return code[:6]
    if level == Level.community:
        return code[:9] + "000"
    return code[:12]


def text_of(value) -> str | None:
    """A property as stripped text; None when empty."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _as_multipolygon(geom) -> MultiPolygon | None:
    """Polygonal parts of `geom` as one MultiPolygon, None when it has none."""
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    polys = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polys) if polys else None


def _check_attributes(raw: RawFeature, level: Level, problems: list[Msg]) -> tuple[str, str, str | None] | None:
    """Code, name and parent code of a feature, or None after recording what is wrong."""
    code, name = text_of(raw.properties.get("code")), text_of(raw.properties.get("name"))
    where = label(raw.number, code)
    missing = " and ".join(key for key, value in (("code", code), ("name", name)) if not value)
    if missing:
        problems.append(msg("{where}: missing {fields}", where=where, fields=msg(missing)))
        return None
    if not code.isdigit() or len(code) != CODE_LENGTH[level]:
        problems.append(msg("{where}: a {level} code has {digits} digits", where=where, level=level, digits=CODE_LENGTH[level]))
        return None
    parent = text_of(raw.properties.get("parent_code")) or derive_parent(code, level)
    prefix = parent[:SCOPE_PREFIX[PARENT_LEVEL[level]]] if parent else ""
    if not code.startswith(prefix):
        problems.append(msg("{where}: code does not start with its parent {parent}'s prefix {prefix}",
                            where=where, parent=parent, prefix=prefix))
        return None
    return code, name, parent


def _check_range(where: Msg, geom, crs: Crs, problems: list[Msg]) -> bool:
    """Whether source coordinates can be what `crs` says they are."""
    if not crs.geographic:
        return True
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all():
        problems.append(msg("{where}: coordinates are not finite numbers", where=where))
        return False
    lon, lat = xy[:, 0], xy[:, 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        hint = msg(" (projected metres read as degrees? pass --crs)") if (np.abs(xy) > 1000).any() else \
            msg(" (longitude and latitude swapped?)") if (np.abs(lon) <= 90).all() else ""
        problems.append(msg("{where}: coordinates out of range, e.g. ({lon}, {lat}){hint}",
                            where=where, lon=f"{lon[0]:.6f}", lat=f"{lat[0]:.6f}", hint=hint))
        return False
    return True


def _check_service_area(where: Msg, geom, problems: list[Msg]) -> bool:
    """Whether a WGS84 geometry lies where the service works; far away means the wrong CRS."""
    west, south, east, north = get_settings().service_bounds
    minx, miny, maxx, maxy = geom.bounds
    if minx < west or maxx > east or miny < south or maxy > north:
        problems.append(msg("{where}: lies at ({minx}, {miny}), outside the service area ({west}..{east} E, "
                            "{south}..{north} N); obviously in the wrong CRS (swapped axes or wrong --crs?)",
                            where=where, minx=f"{minx:.4f}", miny=f"{miny:.4f}", west=west, east=east, south=south, north=north))
        return False
    return True


def check_geometry(raw: RawFeature, code: str, crs: Crs, fix: bool, problems: list[Msg], fixes: list[Msg]):
    """The feature's geometry in WGS84 as a valid MultiPolygon, or None after recording what is wrong."""
    where = label(raw.number, code)
    if raw.error:
        problems.append(msg("{where}: {reason}", where=where, reason=raw.error))
        return None
    geom = shapely.force_2d(raw.geometry)
    if geom.is_empty:
        problems.append(msg("{where}: empty geometry", where=where))
        return None
    multi = _as_multipolygon(geom)
    if multi is None:
        problems.append(msg("{where}: a boundary must be a Polygon or MultiPolygon, not {kind}", where=where, kind=geom.geom_type))
        return None
    if not _check_range(where, multi, crs, problems):
        return None
    multi = crs.geometry_to_wgs84(multi)
    if not _check_service_area(where, multi, problems):
        return None
    if multi.is_valid:
        return multi
    reason = shapely.is_valid_reason(multi)
    if not fix:
        problems.append(msg("{where}: invalid geometry: {reason} (--fix repairs it with make_valid)", where=where, reason=reason))
        return None
    repaired = _as_multipolygon(shapely.make_valid(multi))
    if repaired is None or repaired.is_empty:
        problems.append(msg("{where}: invalid geometry that make_valid cannot repair: {reason}", where=where, reason=reason))
        return None
    fixes.append(msg("{where}: repaired {reason}; now {parts} polygon(s), area changed by {change}", where=where,
                     reason=reason, parts=len(repaired.geoms), change=f"{abs(_area_change(multi, repaired)):.1%}"))
    return repaired


def _area_change(before, after) -> float:
    """Relative change of area (both in the same units; buffer(0) gives an invalid shape a measurable area)."""
    old = shapely.buffer(before, 0).area
    return (after.area - old) / old if old else 0.0


def resolve_crs(raw_declared: str | None, crs_option: str | None) -> Crs:
    """The CRS to read the file in: --crs wins over a geographic declaration (GCJ-02 data is often labelled WGS84)."""
    declared = crs_from_file(raw_declared)
    chosen = parse_crs(crs_option) if crs_option else None
    if chosen is None:
        return declared or WGS84
    if declared and declared != chosen and not declared.geographic:
        raise CrsError(msg("The file declares {declared} but --crs says {chosen}; drop --crs or fix the file.",
                           declared=declared.name, chosen=chosen.name))
    return chosen


def prepare(features: list[RawFeature], level: Level, crs: Crs, fix: bool) -> tuple[list[Candidate], list[Msg], list[Msg]]:
    """Per-feature checks: candidates, problems and repairs."""
    problems: list[Msg] = []
    fixes: list[Msg] = []
    candidates: list[Candidate] = []
    first_seen: dict[str, int] = {}
    for raw in features:
        attrs = _check_attributes(raw, level, problems)
        geom = check_geometry(raw, attrs[0] if attrs else text_of(raw.properties.get("code")), crs, fix, problems, fixes)
        if not attrs or geom is None:
            continue
        code, name, parent = attrs
        if code in first_seen:
            problems.append(msg("{where}: duplicate code, also feature #{first}", where=label(raw.number, code),
                                first=first_seen[code]))
            continue
        first_seen[code] = raw.number
        kind, purpose = _grid_kind(raw.properties, level)
        if level == Level.grid and kind is None:
            problems.append(msg("{where}: unknown kind {kind!r}; use ordinary or dedicated", where=label(raw.number, code),
                                kind=raw.properties.get("kind")))
            continue
        candidates.append(Candidate(raw.number, code, name, text_of(raw.properties.get("name_en")), parent, kind, purpose, geom))
    return candidates, problems, fixes


KIND_NAMES = {"ordinary": GridKind.ordinary, "普通": GridKind.ordinary, "普通网格": GridKind.ordinary,
              "dedicated": GridKind.dedicated, "专属": GridKind.dedicated, "专属网格": GridKind.dedicated}


def _grid_kind(props: dict, level: Level) -> tuple[str | None, str | None]:
    """Kind (None when unrecognised) and purpose of a grid: a purpose (school, hospital…) makes it dedicated by default."""
    if level != Level.grid:
        return None, None
    purpose = text_of(props.get("purpose"))
    given = text_of(props.get("kind"))
    if given is None:
        return (GridKind.dedicated if purpose else GridKind.ordinary), purpose
    kind = KIND_NAMES.get(given.lower())
    return (kind.value if kind else None), purpose
