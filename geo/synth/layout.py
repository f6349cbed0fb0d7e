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

The urban area and the street and community cells are cut in `regions`, the blocks and buildings in `blocks`;
this module holds the scales and builds the city, down to its grids.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon

from geo.synth.blocks import BLOCK_M, Block, lattice_blocks, snake_order
from geo.synth.regions import relaxed_cells, urban_area

# The source material's street: 20,864 households on 3.67 km².
HOUSEHOLDS_PER_KM2 = 20_864 / 3.67


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
    """Make the community's largest block a park, or cut an island for the purpose out of it (4 blocks at least)."""
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
    """A grid of the run's blocks, their islands cut out, with their households."""
    geom = shapely.union_all([b.geom for b in run])
    islands = [b.island for b in run if b.island is not None]
    if islands:
        geom = geom.difference(shapely.union_all(islands))
    return Grid(geom, run, None, sum(b.households for b in run))
