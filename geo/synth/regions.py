"""Regions of the demo city, in metres around its centre: the urban area (the part of the real district outline
around the centre, as big as the households need) and the Voronoi cells, relaxed by Lloyd's algorithm, that
divide a region into streets or communities of similar size, their borders the main roads.
"""

import numpy as np
import shapely
from shapely.geometry import Polygon


def urban_area(district_m, needed_km2: float) -> Polygon:
    """The part of the district around its centre (0, 0) with the needed area (or all of it)."""
    if district_m.area <= needed_km2 * 1e6:
        return _largest(district_m)
    lo, hi = 100.0, 200_000.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if district_m.intersection(shapely.Point(0, 0).buffer(mid, 64)).area < needed_km2 * 1e6:
            lo = mid
        else:
            hi = mid
    return _largest(district_m.intersection(shapely.Point(0, 0).buffer(hi, 64)))


def _largest(geom) -> Polygon:
    """The largest polygon of a geometry (itself when it is one)."""
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: g.area)


def relaxed_cells(region: Polygon, n: int, rng: np.random.Generator, rounds: int = 4) -> list[Polygon]:
    """`n` Voronoi cells of `region` of similar size (Lloyd relaxation), ordered north→south, west→east."""
    if n == 1:
        return [region]
    seeds = _random_points(region, n, rng)
    for _ in range(rounds):
        cells = _voronoi(region, seeds)
        seeds = [c.centroid for c in cells]
    cells = _voronoi(region, seeds)
    return sorted(cells, key=lambda c: (-round(c.centroid.y / 500), c.centroid.x))


def _voronoi(region: Polygon, seeds) -> list[Polygon]:
    """The Voronoi cells of the seeds, each clipped to the region (its largest part)."""
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=region)
    cells = [_largest(cell.intersection(region)) for cell in diagram.geoms]
    return [c for c in cells if not c.is_empty]


def _random_points(region: Polygon, n: int, rng: np.random.Generator) -> list[shapely.Point]:
    """`n` points drawn uniformly inside the region."""
    minx, miny, maxx, maxy = region.bounds
    points: list[shapely.Point] = []
    while len(points) < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(n * 4, 2))
        inside = shapely.contains_xy(region, xy[:, 0], xy[:, 1])
        points += [shapely.Point(p) for p in xy[inside][: n - len(points)]]
    return points
