"""Cases binned into H3 hexagons, the resolution chosen by the map's zoom, and hot spots over hexagons.

Hexagons have equal size and six equal neighbours, so they compare places fairly where grids differ
tenfold in size. Points are binned in Python with h3 (about 0.6 µs a point); the study area is every
hexagon over the scope's grids, so quiet hexagons count as zeros.
"""

import math
from collections import Counter

import h3
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import Scope, like_pattern
from geo.analytics.hotspots import Spot, hotspots, inference_for
from geo.analytics.window import Window, window_filters
from geo.core.cache import cached
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.query import bbox_condition

MIN_RES, MAX_RES = 5, 12
HEX_EDGE_PIXELS = 30  # a hexagon about this wide on screen: big enough to read, small enough to show a street
MAX_CELLS = 60_000
PIXEL_M_AT_ZOOM_0 = 156_543.03  # Web Mercator metres per pixel at the equator, zoom 0


def resolution_for_zoom(zoom: int, lat: float = 35.0) -> int:
    """The H3 resolution whose hexagon edge is closest to HEX_EDGE_PIXELS screen pixels at `zoom` and `lat`."""
    if not 0 <= zoom <= 22:
        raise InvalidInput(msg("zoom must lie in 0..{max}", max=22))
    target = HEX_EDGE_PIXELS * PIXEL_M_AT_ZOOM_0 * math.cos(math.radians(lat)) / 2 ** zoom
    return min(range(MIN_RES, MAX_RES + 1),
               key=lambda r: abs(math.log(h3.average_hexagon_edge_length(r, unit="m") / target)))


def check_resolution(resolution: int) -> int:
    """InvalidInput unless MIN_RES <= resolution <= MAX_RES."""
    if not MIN_RES <= resolution <= MAX_RES:
        raise InvalidInput(msg("resolution must lie in {min}..{max}", min=MIN_RES, max=MAX_RES))
    return resolution


def study_cells(session: Session, scope: Scope, resolution: int, bbox=None) -> set[str]:
    """Every hexagon over the scope's grids (within `bbox`), cached until boundaries change."""
    def compute():
        params = {"grids": like_pattern(scope)}
        where = bbox_condition("geom", bbox, params) if bbox else "TRUE"
        wkb = session.execute(text(f"SELECT ST_AsBinary(ST_Union(geom)) FROM areas WHERE level = 'grid' "
                                   f"AND code LIKE :grids AND {where}"), params).scalar()
        if wkb is None:
            return frozenset()
        area = shapely.from_wkb(bytes(wkb))
        if bbox:
            area = area.intersection(shapely.box(*bbox))
        _refuse_too_many(session, area, resolution)
        cells = frozenset(h3.geo_to_cells(area, resolution))
        return cells | frozenset(_cells_of_points(session, scope, resolution, bbox))
    cells = cached(session, ("areas",), ("study_cells", scope.prefix, resolution, bbox), compute)
    if len(cells) > MAX_CELLS:
        raise InvalidInput(msg("more than {max} hexagons at resolution {res}; zoom in or choose a coarser one",
                               max=MAX_CELLS, res=resolution))
    return set(cells)


def _refuse_too_many(session: Session, area, resolution: int) -> None:
    """InvalidInput before listing hexagons when the area would hold more than MAX_CELLS of them."""
    km2 = session.execute(text("SELECT ST_Area(ST_GeomFromWKB(:wkb, 4326)::geography) / 1e6"),
                          {"wkb": shapely.to_wkb(area)}).scalar()
    if km2 / h3.average_hexagon_area(resolution, unit="km^2") > MAX_CELLS:
        raise InvalidInput(msg("more than {max} hexagons at resolution {res}; zoom in or choose a coarser one",
                               max=MAX_CELLS, res=resolution))


def _cells_of_points(session, scope, resolution, bbox) -> set[str]:
    # Grids narrower than a hexagon may hold no hexagon centre: their own centre's hexagon stands for them.
    params = {"grids": like_pattern(scope)}
    where = bbox_condition("geom", bbox, params) if bbox else "TRUE"
    rows = session.execute(text(f"SELECT ST_Y(p), ST_X(p) FROM (SELECT ST_PointOnSurface(geom) p FROM areas "
                                f"WHERE level = 'grid' AND code LIKE :grids AND {where}) x"), params)
    return {h3.latlng_to_cell(lat, lon, resolution) for lat, lon in rows}


def hex_counts(session: Session, actor: Actor, win: Window, resolution: int, bbox=None) -> Counter:
    """Cases of `win` that `actor` may see (within `bbox`), counted per H3 cell."""
    where, params = window_filters(actor, win)
    if bbox:
        where += " AND " + bbox_condition("c.geom", bbox, params)
    rows = session.execute(text(f"SELECT ST_Y(c.geom), ST_X(c.geom) FROM cases c WHERE {where}"), params)
    return Counter(h3.latlng_to_cell(lat, lon, resolution) for lat, lon in rows)


def hex_households(session: Session, scope: Scope, resolution: int) -> Counter:
    """Households per H3 cell, by their building's position; cached until people or boundaries change."""
    def compute():
        rows = session.execute(text("SELECT ST_Y(ST_PointOnSurface(b.geom)), ST_X(ST_PointOnSurface(b.geom)), "
                                    "count(h.id) FROM buildings b JOIN households h ON h.building_id = b.id "
                                    "WHERE b.grid_code LIKE :grids GROUP BY b.id"), {"grids": like_pattern(scope)})
        counts: Counter = Counter()
        for lat, lon, n in rows:
            counts[h3.latlng_to_cell(lat, lon, resolution)] += n
        return counts
    return cached(session, ("people", "areas"), ("hex_households", scope.prefix, resolution), compute)


def _feature(cell: str, properties: dict) -> dict:
    ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(cell)]
    return {"type": "Feature", "id": cell, "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]},
            "properties": {"cell": cell, **properties}}


def hexbins(session: Session, actor: Actor, win: Window, resolution: int, *, bbox=None, hot: bool = False,
            alpha: float = 0.05, permutations: int | None = None, inference: str = "auto") -> dict:
    """A FeatureCollection of hexagons with cases, households and cases per 100 households; with Gi*/Moran if `hot`."""
    check_resolution(resolution)

    def compute():
        cells = study_cells(session, actor.scope, resolution, bbox)
        counts = hex_counts(session, actor, win, resolution, bbox)
        cells |= set(counts)
        households = hex_households(session, actor.scope, resolution)
        spots: dict[str, Spot] = {}
        if hot:
            neighbours = {c: [n for n in h3.grid_ring(c, 1) if n in cells] for c in cells}
            spots = hotspots({c: float(counts[c]) for c in cells}, neighbours, alpha=alpha, permutations=permutations,
                             inference=inference_for(len(cells), inference))  # the choice the answer reports
        return [(c, counts[c], households[c], spots.get(c)) for c in sorted(cells)]

    key = ("hexbins", actor.scope.prefix, win, resolution, bbox, hot, alpha, permutations, inference)
    rows = cached(session, ("cases", "areas", "people"), key, compute)
    features = [_feature(cell, {"cases": n, "households": hh,
                                "per_100_households": round(n * 100 / hh, 3) if hh else None}
                         | (spot.as_dict() if spot else {}))
                for cell, n, hh, spot in rows]
    return {"type": "FeatureCollection", "features": features, "resolution": resolution,
            "inference": inference_for(len(rows), inference) if hot else None,
            "window": {"from": win.since.isoformat(), "to": win.until.isoformat()},
            "significant": sum(1 for *_, s in rows if s and s.significant)}
