"""Blocks (小区) and buildings of the demo city: a jittered lattice, rotated per street and clipped to the
community, whose cells are the blocks (slivers left by the clipping join their neighbour) and whose lines are
the lanes; the snake order that keeps consecutive blocks touching; and residential slabs in rows inside a
block, set back from the lanes.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon, box

BLOCK_M = (130.0, 100.0)       # lattice cell: along and across the rows
LANE_SETBACK_M = 12.0          # buildings keep this far from the block edge
SLAB_M = (54.0, 13.0)          # a residential slab: 3 units of 18 m
ROW_GAP_M = 22.0
SLIVER_SHARE = 0.35            # clipped cells smaller than this share of a block join a neighbour


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
    """The lattice's nodes, rows × cols, each moved up to 12 % of a cell from its place."""
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
