"""A test district laid out as an N×N lattice of square grids, and cases planted on it.

District 110106 = street 110106001000 = community 110106001001 = box(116.30, 39.80, 116.30 + N·S, 39.80 + N·S),
grid (row i from the north, column j from the west) = 110106001001 + 3-digit sequence i·N + j + 1, side S = 0.002°.
"""

from datetime import datetime, timedelta
from pathlib import Path
from tempfile import mkdtemp

import numpy as np
from shapely.geometry import box
from sqlalchemy import text

from geo.core.models import Level
from geo.territory.boundary_import import import_boundaries
from tests.city import collection, feature, write

N = 12
SIDE = 0.002
WEST, SOUTH = 116.30, 39.80
DISTRICT, STREET, COMMUNITY = "110106", "110106001000", "110106001001"


def code(i: int, j: int) -> str:
    """The grid code of row i (from the north), column j (from the west)."""
    return f"{COMMUNITY}{i * N + j + 1:03d}"


def cell(i: int, j: int):
    north = SOUTH + (N - i) * SIDE
    return box(WEST + j * SIDE, north - SIDE, WEST + (j + 1) * SIDE, north)


def build_lattice(session) -> None:
    """Import the lattice through the real importer."""
    folder = Path(mkdtemp(prefix="lattice-"))
    whole = box(WEST, SOUTH, WEST + N * SIDE, SOUTH + N * SIDE)
    layers = {Level.district: [feature(DISTRICT, "格子区", whole)], Level.street: [feature(STREET, "格子街道", whole)],
              Level.community: [feature(COMMUNITY, "格子社区", whole)],
              Level.grid: [feature(code(i, j), f"格{i}-{j}", cell(i, j)) for i in range(N) for j in range(N)]}
    for level, features in layers.items():
        import_boundaries(session, write(folder, f"{level}.geojson", collection(*features)), level)


def plant(session, counts: dict[tuple[int, int], int], *, end: datetime, days: int = 28, category: str = "env_garbage",
          rng: np.random.Generator | None = None) -> None:
    """counts[(i, j)] cases at random points of each cell, reported at random times in the `days` before `end`."""
    rng = rng or np.random.default_rng(0)
    rows = []
    for (i, j), n in counts.items():
        minx, miny, maxx, maxy = cell(i, j).bounds
        for _ in range(n):
            rows.append({"x": rng.uniform(minx + 1e-5, maxx - 1e-5), "y": rng.uniform(miny + 1e-5, maxy - 1e-5),
                         "g": code(i, j), "c": category, "r": end - timedelta(seconds=float(rng.uniform(1, days * 86400)))})
    if rows:
        session.execute(text("INSERT INTO cases (category, status, geom, grid_code, reported_at) VALUES "
                             "(:c, 'closed', ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, :r)"), rows)
