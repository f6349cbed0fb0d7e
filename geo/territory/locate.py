"""Locating a point: which grid (and community, street, district) answers for it, and who works there.

Rules (issue "Spatial core"):
- ST_Covers, not ST_Contains, so points on edges and vertices are found.
- Several grids cover the point (shared edge or vertex, dedicated grid inside another):
  the smallest by area wins, then the lowest code; the others are listed as candidates.
- No grid covers it: the nearest grid within WANGGE_NEAREST_M, measured on the geography.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from threading import Lock

from cachetools import LRUCache
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.permissions import Permission, may
from geo.access.scope import Scope
from geo.core.crs import to_wgs84_point
from geo.core.errors import NotFound, OutsideService
from geo.core.i18n import msg
from geo.core.settings import get_settings
from geo.core.versions import Versions, data_versions
from geo.people.staff import StaffOnDuty, staff_on_duty
from geo.territory.grid_index import forget as forget_grids
from geo.territory.grid_index import grid_index
from geo.territory.history import relation_on
from geo.territory.scheduled import DayAreas

# Same order as wangge_grid_at() in the initial migration, which derives the grid of buildings.
# {areas}: the areas in force now or on a day (geo.territory.history.relation_on).
COVERING = """
SELECT g.code, g.name, g.area_m2, c.code, c.name, s.code, s.name, d.code, d.name
FROM {areas} g
LEFT JOIN {areas} c ON c.code = g.parent_code
LEFT JOIN {areas} s ON s.code = c.parent_code
LEFT JOIN {areas} d ON d.code = s.parent_code
WHERE g.level = 'grid' AND ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
ORDER BY g.area_m2, g.code
"""

# KNN on degrees picks a few candidates by index; the exact distance on the spheroid decides.
NEAREST = """
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS pt),
knn AS (
    SELECT a.code, a.name, a.area_m2, a.parent_code, a.geom FROM {areas} a, p WHERE a.level = 'grid'
    ORDER BY a.geom <-> p.pt LIMIT 8
)
SELECT g.code, g.name, g.area_m2, c.code, c.name, s.code, s.name, d.code, d.name,
       ST_Distance(g.geom::geography, p.pt::geography) AS distance_m
FROM knn g CROSS JOIN p
LEFT JOIN {areas} c ON c.code = g.parent_code
LEFT JOIN {areas} s ON s.code = c.parent_code
LEFT JOIN {areas} d ON d.code = s.parent_code
ORDER BY distance_m, g.code
LIMIT 1
"""


# Staff on duty per grid, caller's view and versions of the areas and staff: a version never comes back.
_staff_seen: LRUCache = LRUCache(maxsize=20_000)
_staff_lock = Lock()


def forget() -> None:
    """Drop what is kept in memory (tests: a rolled-back transaction takes its versions back with it)."""
    forget_grids()
    with _staff_lock:
        _staff_seen.clear()


@dataclass
class AreaRef:
    """An area named by code and name."""

    code: str
    name: str


@dataclass
class Location:
    """The answer to "whose grid is this point in"."""

    lon: float
    lat: float
    match: str  # "covers" or "nearest"
    grid: AreaRef
    community: AreaRef | None
    street: AreaRef | None
    district: AreaRef | None
    distance_m: float = 0.0
    candidates: list[AreaRef] = field(default_factory=list)
    staff: list[StaffOnDuty] = field(default_factory=list)


def _ref(code, name) -> AreaRef | None:
    return AreaRef(code, name) if code else None


def _location(row, lon, lat, match, distance_m=0.0) -> Location:
    return Location(lon, lat, match, AreaRef(row[0], row[1]), _ref(row[3], row[4]), _ref(row[5], row[6]),
                    _ref(row[7], row[8]), distance_m)


def locate(session: Session, lon: float, lat: float, *, crs: str | None = None, at: date | None = None,
           scope: Scope | None = None) -> Location:
    """The grid answering for a point, with its hierarchy and the staff `scope` may see (none without read_staff).

    `at` answers with the boundaries (and staff) in force on that day instead of today's.
    """
    x, y = to_wgs84_point(lon, lat, crs)
    known = data_versions(session) if at is None else None
    if known and not known.clean:
        known = None  # in memory: today's boundaries, for a transaction that has not written (it may have moved them)
    areas = relation_on(session, at)  # reads nothing for today's boundaries
    location = (_covering_in_memory(session, known.areas, x, y) if known else _covering(session, x, y, at, areas)) \
        or _nearest(session, x, y, at, areas)
    if scope is not None and may(scope.role, Permission.read_staff):
        location.staff = _staff(session, scope, location.grid.code, at, known)
    return location


def _covering_in_memory(session: Session, version: int, x: float, y: float) -> Location | None:
    return _covered(grid_index(session, version).covering(x, y), x, y)


def _staff(session: Session, scope: Scope, grid: str, at: date | None, known: Versions | None):
    """The grid's staff on duty that `scope` may see; kept in memory per version of the areas and the staff."""
    if known is None:
        return staff_on_duty(session, scope, area_code=grid, day=at)
    key = (known.areas, known.staff, grid, scope.role, scope.prefix, date.today())
    with _staff_lock:
        found = _staff_seen.get(key)
    if found is None:
        found = staff_on_duty(session, scope, area_code=grid)
        with _staff_lock:
            _staff_seen[key] = found
    return [replace(s) for s in found]  # copies: callers may change what they get


def _covering(session: Session, x: float, y: float, at: date | None, areas: DayAreas | None = None) -> Location | None:
    """The grids covering the point, read from PostGIS; `areas` from relation_on, unless it is to be found."""
    areas = areas or relation_on(session, at)
    rows = session.execute(text(areas.statement(COVERING.format(areas=areas))), {"lon": x, "lat": y, "at": at}).all()
    return _covered(rows, x, y)


def _covered(rows, x: float, y: float) -> Location | None:
    """The first covering grid answers; the others are its candidates."""
    if not rows:
        return None
    found = _location(rows[0], x, y, "covers")
    found.candidates = [AreaRef(r[0], r[1]) for r in rows[1:]]
    return found


def _nearest(session: Session, x: float, y: float, at: date | None, areas: DayAreas) -> Location:
    """The nearest grid within the snap distance; OutsideService beyond it."""
    row = session.execute(text(areas.statement(NEAREST.format(areas=areas))), {"lon": x, "lat": y, "at": at}).first()
    if row is None:
        raise NotFound(msg("No grids have been imported yet."))
    limit = get_settings().nearest_m
    distance = float(row.distance_m)
    if distance > limit:
        raise OutsideService(
            msg("({lon}, {lat}) lies outside every grid; the nearest, {code} {name}, is {distance} m away "
                "(more than the {limit} m snap distance)", lon=f"{x:.6f}", lat=f"{y:.6f}", code=row[0], name=row[1],
                distance=f"{distance:.0f}", limit=f"{limit:g}"),
            extra={"nearest_grid": row[0], "distance_m": round(distance, 1)},
        )
    return _location(row, x, y, "nearest", round(distance, 1))
