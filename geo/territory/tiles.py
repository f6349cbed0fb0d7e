"""Mapbox Vector Tiles built in PostGIS (ST_TileEnvelope, ST_AsMVTGeom, ST_AsMVT), filtered by scope.

Boundary layers carry, per grid, the open and overdue case counts the command center colours by;
geometry is simplified to a pixel of the tile's zoom before clipping, so low zooms stay small.

`datum="gcj02"` serves tiles for maps drawn on a GCJ-02 basemap: the tile's address is then in GCJ-02 Web
Mercator, and its features are moved by the GCJ-02 offset at the tile's centre. The offset changes by at most
about 3 m per km, so within a tile the error stays under half a screen pixel at every zoom.
"""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope, like_pattern
from geo.core.cache import TILES, cached
from geo.core.crs import gcj02_to_wgs84
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.models import OPEN_STATUSES, SCOPE_PREFIX, Level
from geo.territory.scheduled import DayAreas, Due, areas_sql, due_by

EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22
WEB_MERCATOR_WIDTH_M = 40_075_016.68
LEVELS = {"districts": "district", "streets": "street", "communities": "community", "grids": "grid"}
LAYERS = (*LEVELS, "cases")

# Areas inside the scope, and the areas the scope itself lies in (a grid worker still sees their community);
# open and overdue case counts of each area summed from the counts per grid that triggers keep (migration
# 0009), over the grids whose code starts with the area's: a byte-wise range (~>=~, ~<~) on a pattern-ops
# index, so only the tile's own areas are counted, in any collation.
AREAS = """
WITH bounds AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env),
tile AS (
    SELECT ST_AsMVTGeom({projected}, bounds.env, {extent}, {buffer}, true) AS geom,
           a.code, a.name, a.parent_code, a.kind, a.purpose,
           coalesce(n.open_cases, 0) AS open_cases, coalesce(n.overdue_cases, 0) AS overdue_cases
    FROM {areas} a CROSS JOIN bounds
    LEFT JOIN LATERAL (
        SELECT sum(g.open_cases) AS open_cases, sum(g.overdue_cases) AS overdue_cases FROM grid_open_counts g
        WHERE g.open_cases > 0 AND g.grid_code ~>=~ left(a.code, :digits) AND g.grid_code ~<~ (left(a.code, :digits) || '~')
          AND g.grid_code LIKE :pattern
    ) n ON true
    WHERE a.level = :level AND a.geom && ST_Translate(ST_Transform(bounds.env, 4326), -:dx, -:dy)
      AND (a.code LIKE :pattern OR :prefix LIKE left(a.code, :digits) || '%')
)
SELECT ST_AsMVT(tile.*, :layer, {extent}, 'geom') FROM tile WHERE geom IS NOT NULL
"""

CASES = """
WITH bounds AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env),
tile AS (
    SELECT ST_AsMVTGeom(ST_Transform({geom}, 3857), bounds.env, {extent}, {buffer}, true) AS geom,
           c.id, c.category, c.status, c.urgency, c.overdue, c.grid_code, c.reported_at::text AS reported_at,
           c.due_at::text AS due_at
    FROM cases c, bounds
    WHERE c.geom && ST_Translate(ST_Transform(bounds.env, 4326), -:dx, -:dy) AND c.status = ANY(:open)
      AND c.grid_code LIKE :pattern
)
SELECT ST_AsMVT(tile.*, 'cases', {extent}, 'geom') FROM tile WHERE geom IS NOT NULL
"""
DATUMS = ("wgs84", "gcj02")


def _sql(template: str, table: str, datum: str, areas: DayAreas, coarse: bool) -> str:
    # Without a shift the geometry goes in untouched: ST_Translate by zero would still copy every vertex.
    geom = f"ST_Translate({table}.geom, :dx, :dy)" if datum == "gcj02" else f"{table}.geom"
    # Simplified to a pixel before clipping only where it pays: at coarse zooms a district outline has
    # thousands of vertices per pixel; from SIMPLIFY_BELOW on a pixel is ~2 m and it would only cost time
    # (half of a z14 grid tile's), ST_AsMVTGeom's own snapping to the tile's grid being enough.
    projected = f"ST_SimplifyPreserveTopology(ST_Transform({geom}, 3857), :tolerance)" if coarse \
        else f"ST_Transform({geom}, 3857)"
    return areas.statement(template.format(extent=EXTENT, buffer=BUFFER, geom=geom, projected=projected, areas=areas))


SIMPLIFY_BELOW = 13
def _template(layer: str, datum: str, areas: DayAreas, coarse: bool) -> str:
    """The tile's SQL over the relation `areas` (geo.territory.scheduled.areas_sql)."""
    return _sql(CASES if layer == "cases" else AREAS, "c" if layer == "cases" else "a", datum, areas, coarse)


# By layer, datum, whether the boundaries are those of another day (`at`) and whether the zoom is coarse;
# a day to come that scheduled plans redraw has its own SQL (_statement).
SQL = {(layer, datum, past, coarse): _template(layer, datum, areas_sql(date.min if past else None, ()), coarse)
       for layer in LAYERS for datum in DATUMS for past in (False, True) for coarse in (False, True)}


@dataclass(frozen=True)
class TileAddress:
    layer: str
    z: int
    x: int
    y: int
    datum: str = "wgs84"
    at: date | None = None  # boundaries in force on that day; open-case counts are always today's

    def gcj02_offset(self) -> tuple[float, float]:
        """Degrees to add to WGS84 to reach GCJ-02 at the tile's centre (zero for WGS84 tiles)."""
        if self.datum != "gcj02":
            return 0.0, 0.0
        n = 2 ** self.z
        lon = (self.x + 0.5) / n * 360.0 - 180.0
        lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (self.y + 0.5) / n))))
        wgs_lon, wgs_lat = gcj02_to_wgs84(lon, lat)
        return lon - float(wgs_lon), lat - float(wgs_lat)


def check(layer: str, z: int, x: int, y: int, datum: str = "wgs84", at: date | None = None) -> TileAddress:
    """A valid tile address; InvalidInput names what is wrong."""
    if datum not in DATUMS:
        raise InvalidInput(msg("unknown datum {datum}; one of {datums}", datum=datum, datums=", ".join(DATUMS)))
    if layer not in LAYERS:
        raise InvalidInput(msg("unknown layer {layer}; one of {layers}", layer=layer, layers=", ".join(LAYERS)))
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2 ** z and 0 <= y < 2 ** z):
        raise InvalidInput(msg("no tile {z}/{x}/{y}: z must lie in 0..{max} and x, y in 0..2^z-1", z=z, x=x, y=y,
                               max=MAX_ZOOM))
    return TileAddress(layer, z, x, y, datum, at)


def tile(session: Session, address: TileAddress, scope: Scope) -> bytes:
    """The MVT bytes of one tile (empty when nothing visible lies in it), from memory while its data is unchanged."""
    # The scheduled plans due by `at` (and their versions) are part of the key: unscheduling one changes no area.
    due = due_by(session, address.at) if address.layer != "cases" else ()
    return cached(session, ("areas", "cases"), ("tile", address, due, scope.prefix, like_pattern(scope)),
                  lambda: _build(session, address, scope, due), TILES)


def _statement(address: TileAddress, due: Due) -> str:
    """The tile's SQL: prepared for today's and recorded days' boundaries, made for those the `due` plans redraw."""
    coarse = address.z < SIMPLIFY_BELOW
    if due:
        return _template(address.layer, address.datum, areas_sql(address.at, due), coarse)
    return SQL[address.layer, address.datum, address.at is not None, coarse]


def _build(session: Session, address: TileAddress, scope: Scope, due: Due = ()) -> bytes:
    """The MVT bytes of one tile, built in PostGIS."""
    dx, dy = address.gcj02_offset()
    params = {"z": address.z, "x": address.x, "y": address.y, "pattern": like_pattern(scope),
              "open": [s.value for s in OPEN_STATUSES], "dx": dx, "dy": dy, "at": address.at}
    sql = text(_statement(address, due))
    if address.layer == "cases":
        return bytes(session.execute(sql, params).scalar() or b"")
    level = Level(LEVELS[address.layer])
    params |= {"level": level.value, "layer": address.layer, "prefix": scope.prefix or "", "digits": SCOPE_PREFIX[level],
               "tolerance": WEB_MERCATOR_WIDTH_M / 2 ** address.z / EXTENT}
    return bytes(session.execute(sql, params).scalar() or b"")
