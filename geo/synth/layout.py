"""The demo city's shape, in metres around its centre: streets, communities, blocks, grids and buildings.

- The urban area is the part of the real district outline around the configured centre, as big as
  the scale's households need at the source material's density (20,864 households on 3.67 km²).
- Streets (街道) and communities are Voronoi cells relaxed by Lloyd's algorithm: their borders are
  the main roads, straight but at every angle.
- Blocks (小区) are cells of a jittered lattice, rotated per street, clipped to the community; slivers
  left by the clipping join their neighbour. The lattice lines are the lanes.
- Grids are runs of whole blocks along the lattice rows (snake order keeps them contiguous), cut when
  the households reach the grid's target (300–500, a few deliberately out of balance).
- Dedicated grids are islands inside a block (school, hospital, market) or a whole block (park).
- Buildings are slabs in rows inside each block, set back from the lanes.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon, box

# The source material's street: 20,864 households on 3.67 km².
HOUSEHOLDS_PER_KM2 = 20_864 / 3.67
BLOCK_M = (130.0, 100.0)       # lattice cell: along and across the rows
LANE_SETBACK_M = 12.0          # buildings keep this far from the block edge
SLAB_M = (54.0, 13.0)          # a residential slab: 3 units of 18 m
ROW_GAP_M = 22.0
SLIVER_SHARE = 0.35            # clipped cells smaller than this share of a block join a neighbour


@dataclass
class Scale:
    """How big a demo city is."""

    name: str
    streets: int
    communities: int
    grids: int
    households: int
    residents: int
    people: bool = True


SCALES = {
    "street": Scale("street", 1, 12, 70, 20_864, 44_649),
    "district": Scale("district", 6, 33, 634, 219_600, 470_000),
    "city": Scale("city", 40, 500, 50_000, 50_000 * 350, 0, people=False),
}


@dataclass
class Block:
    """A lattice cell clipped to its community: one compound (小区)."""

    geom: object  # Polygon, or MultiPolygon after absorbing a detached sliver
    row: int
    col: int
    households: int = 0
    island: Polygon | None = None     # a dedicated grid cut out of it
    purpose: str | None = None        # "park" when the whole block is a dedicated grid
    buildings: list[Polygon] = field(default_factory=list)


@dataclass
class Grid:
    geom: object
    blocks: list[Block]
    purpose: str | None = None
    households: int = 0
    code: str = ""


@dataclass
class Community:
    geom: Polygon
    blocks: list[Block] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    code: str = ""


@dataclass
class Street:
    geom: Polygon
    angle: float  # of its block lattice, degrees
    communities: list[Community] = field(default_factory=list)
    code: str = ""


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
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=region)
    cells = [_largest(cell.intersection(region)) for cell in diagram.geoms]
    return [c for c in cells if not c.is_empty]


def _random_points(region: Polygon, n: int, rng: np.random.Generator) -> list[shapely.Point]:
    minx, miny, maxx, maxy = region.bounds
    points: list[shapely.Point] = []
    while len(points) < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(n * 4, 2))
        inside = shapely.contains_xy(region, xy[:, 0], xy[:, 1])
        points += [shapely.Point(p) for p in xy[inside][: n - len(points)]]
    return points


def split_counts(total: int, weights) -> list[int]:
    """`total` split in proportion to `weights`, each part at least 1, summing exactly to `total`."""
    weights = np.asarray(weights, dtype=float)
    raw = weights / weights.sum() * total
    counts = np.maximum(1, np.floor(raw)).astype(int)
    order = np.argsort(-(raw - np.floor(raw)))
    i = 0
    while counts.sum() < total:
        counts[order[i % len(order)]] += 1
        i += 1
    while counts.sum() > total:
        j = int(np.argmax(counts))
        counts[j] -= 1
    return counts.tolist()


def lattice_blocks(community: Polygon, angle: float, rng: np.random.Generator) -> list[Block]:
    """Jittered lattice cells (rotated by `angle` around the origin) clipped to the community."""
    local = affinity.rotate(community, -angle, origin=(0, 0))
    minx, miny, maxx, maxy = local.bounds
    w, h = BLOCK_M
    # One spare cell on every side, so jittered outer nodes never uncover the community.
    x0, y0 = np.floor(minx / w) * w - w, np.floor(miny / h) * h - h
    cols = int(np.ceil((maxx - x0) / w)) + 1
    rows = int(np.ceil((maxy - y0) / h)) + 1
    node = _node_jitter(x0, y0, cols + 1, rows + 1, w, h, rng)
    blocks = []
    for r in range(rows):
        for c in range(cols):
            ring = [node[r][c], node[r][c + 1], node[r + 1][c + 1], node[r + 1][c]]
            cell = affinity.rotate(Polygon(ring), angle, origin=(0, 0))
            clipped = cell.intersection(community)
            parts = [p for p in getattr(clipped, "geoms", [clipped]) if p.geom_type == "Polygon" and p.area > 0]
            blocks += [Block(part, rows - 1 - r, c) for part in parts]
    return _absorb_slivers(blocks)


def _node_jitter(x0, y0, cols, rows, w, h, rng):
    jx = rng.uniform(-0.12, 0.12, size=(rows, cols)) * w
    jy = rng.uniform(-0.12, 0.12, size=(rows, cols)) * h
    return [[(x0 + c * w + jx[r, c], y0 + r * h + jy[r, c]) for c in range(cols)] for r in range(rows)]


def _absorb_slivers(blocks: list[Block]) -> list[Block]:
    """Merge cells much smaller than a block into the neighbour they share most border with."""
    full = BLOCK_M[0] * BLOCK_M[1]
    keep = [b for b in blocks if b.geom.area >= SLIVER_SHARE * full]
    if not keep:
        return [Block(shapely.union_all([b.geom for b in blocks]), 0, 0)]
    tree = shapely.STRtree([k.geom for k in keep])
    for sliver in (b for b in blocks if b.geom.area < SLIVER_SHARE * full):
        near = tree.query(sliver.geom.buffer(1.0))
        if len(near) == 0:
            near = [int(tree.nearest(sliver.geom))]
        shared = [(keep[i].geom.boundary.intersection(sliver.geom.boundary).length, -keep[i].geom.distance(sliver.geom), i)
                  for i in near]
        best = max(shared)[2]
        keep[best].geom = shapely.union_all([keep[best].geom, sliver.geom])  # may be a MultiPolygon: no land is lost
    return keep


def snake_order(blocks: list[Block]) -> list[Block]:
    """Blocks row by row from the north, alternating direction, so consecutive blocks touch."""
    return sorted(blocks, key=lambda b: (-b.row, b.col if b.row % 2 == 0 else -b.col))


def place_buildings(block: Block, angle: float, forbidden=None) -> list[Polygon]:
    """Slabs in rows inside the block, set back from the lanes and clear of `forbidden`."""
    inner = block.geom.buffer(-LANE_SETBACK_M, join_style="mitre")
    if forbidden is not None:
        inner = inner.difference(forbidden.buffer(LANE_SETBACK_M, join_style="mitre"))
    if inner.is_empty:
        return []
    local = affinity.rotate(inner, -angle, origin=(0, 0))
    minx, miny, maxx, maxy = local.bounds
    sw, sh = SLAB_M
    slabs = []
    y = miny
    while y + sh <= maxy:
        x = minx
        while x + sw <= maxx:
            slab = box(x, y, x + sw, y + sh)
            if local.contains(slab):
                slabs.append(affinity.rotate(slab, angle, origin=(0, 0)))
                x += sw + 12
            else:
                x += 6
        y += sh + ROW_GAP_M
    return slabs


DEDICATED_CYCLE = ["school", None, "market", None, "hospital", "park", "school", None, "market", None]
# Communities (by index mod 12) with one grid deliberately out of balance, for the planners to fix.
SKEWED = {3: 1.8, 7: 0.45}


def build(district_m, scale: Scale, rng: np.random.Generator) -> list[Street]:
    """The whole city: streets → communities → blocks (with households) → grids."""
    urban = urban_area(district_m, scale.households / HOUSEHOLDS_PER_KM2)
    streets = [Street(g, float(rng.uniform(-35, 35))) for g in relaxed_cells(urban, scale.streets, rng)]
    for street, n in zip(streets, split_counts(scale.communities, [s.geom.area for s in streets])):
        street.communities = [Community(g) for g in relaxed_cells(street.geom, n, rng)]
    communities = [c for s in streets for c in s.communities]
    for street in streets:
        for community in street.communities:
            community.blocks = lattice_blocks(community.geom, street.angle, rng)
    for index, community in enumerate(communities):
        _mark_dedicated(community, DEDICATED_CYCLE[index % len(DEDICATED_CYCLE)])
    _households(communities, scale.households, rng)
    dedicated = sum(1 for c in communities for b in c.blocks if b.island is not None or b.purpose)
    mean_target = scale.households / max(1, scale.grids - dedicated)
    for index, community in enumerate(communities):
        community.grids = _grids(community, mean_target, SKEWED.get(index % 12, 1.0))
    return streets


def _mark_dedicated(community: Community, purpose: str | None) -> None:
    if purpose is None or len(community.blocks) < 4:
        return
    block = max(community.blocks, key=lambda b: b.geom.area)
    if purpose == "park":
        block.purpose = "park"
        return
    island = block.geom.buffer(-0.22 * min(BLOCK_M), join_style="mitre")
    if not island.is_empty and island.geom_type == "Polygon":
        block.island = island
        block.purpose = purpose


def _households(communities: list[Community], total: int, rng: np.random.Generator) -> None:
    """Spread `total` households over residential land, in proportion to area with lognormal noise."""
    blocks = [b for c in communities for b in c.blocks if b.purpose != "park"]
    land = np.array([b.geom.area - (b.island.area if b.island is not None else 0) for b in blocks])
    weights = land * rng.lognormal(0, 0.25, size=len(blocks))
    for block, count in zip(blocks, split_counts(total, weights)):
        block.households = count


def _partition(blocks: list[Block], mean: float, skew: float = 1.0) -> list[list[Block]]:
    """Cut the block sequence into runs near `mean` households: each cut aims at what is left ÷ runs left.

    The first run aims at `skew` × its share: 1.8 or 0.45 makes a grid deliberately out of balance.
    """
    total = sum(b.households for b in blocks)
    k = max(1, int(total // mean))  # rounding down keeps runs at or above the mean, i.e. above 300
    runs: list[list[Block]] = []
    rest = list(blocks)
    for i in range(k - 1):
        target = sum(b.households for b in rest) / (k - i) * (skew if i == 0 else 1.0)
        run, current = [], 0
        while len(rest) > k - i - 1 and (not run or abs(current + rest[0].households - target) <= abs(current - target)):
            current += rest[0].households
            run.append(rest.pop(0))
        runs.append(run)
    runs.append(rest)
    return [r for r in runs if r]


def _grids(community: Community, mean_target: float, skew: float) -> list[Grid]:
    """Runs of whole blocks close to their household target, plus the dedicated grids, numbered N→S, W→E."""
    residential = snake_order([b for b in community.blocks if b.purpose != "park"])
    grids = [_grid_of(run) for run in _partition(residential, mean_target, skew)]
    for block in community.blocks:
        if block.purpose == "park":
            grids.append(Grid(block.geom, [block], "park"))
        elif block.island is not None:
            grids.append(Grid(block.island, [], block.purpose))
    band = max(1.0, float(np.sqrt(community.geom.area / max(1, len(grids)))))
    return sorted(grids, key=lambda g: (-round(g.geom.centroid.y / band), g.geom.centroid.x))


def _grid_of(run: list[Block]) -> Grid:
    geom = shapely.union_all([b.geom for b in run])
    islands = [b.island for b in run if b.island is not None]
    if islands:
        geom = geom.difference(shapely.union_all(islands))
    return Grid(geom, run, None, sum(b.households for b in run))
