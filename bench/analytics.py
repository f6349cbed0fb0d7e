"""Analytics benchmark: heat-map aggregation of 1,000,000 cases per grid and per hexagon next to a plain SQL
GROUP BY and in-memory NumPy binning of the same points, and Gi* / local Moran on 50,000 grids.

Run: `python bench/analytics.py` (part of `make bench`). Everything runs on a throwaway PostGIS cluster.
"""

import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import h3
import numpy as np
import typer
from esda import G_Local
from libpysal.weights import W, fill_diagonal
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import city  # noqa: E402
from bench.harness import console, report, stage  # noqa: E402
from geo.access.actor import SYSTEM  # noqa: E402
from geo.access.scope import EVERYTHING  # noqa: E402
from geo.core import cache  # noqa: E402
from geo.analytics.adjacency import grid_neighbours  # noqa: E402
from geo.analytics.grid_counts import grid_counts  # noqa: E402
from geo.analytics.hexbins import hex_counts  # noqa: E402
from geo.analytics.hotspots import hotspots  # noqa: E402
from geo.analytics.window import window  # noqa: E402
from geo.core import db  # noqa: E402
from geo.core.time import CHINA  # noqa: E402

CATEGORIES = ["env_garbage", "dispute_property", "order_parking", "facility_road", "dispute_neighbour"]
RESOLUTION = 9  # about 0.1 km², half a grid: the hexagons a district view shows


def load_cases(engine, per_grid: int) -> int:
    """About `per_grid` random points inside every grid (1 to 2·per_grid), reported over the last year, and
    three times as many in the first community, a planted hot spot of 100 grids."""
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO cases (category, status, geom, grid_code, reported_at)
            SELECT (CAST(:cats AS text[]))[1 + floor(random() * 5)::int], 'closed', p.geom, a.code,
                   now() - random() * interval '365 days'
            FROM areas a CROSS JOIN LATERAL (SELECT (ST_Dump(ST_GeneratePoints(a.geom,
                (1 + floor(random() * (2 * :n - 1)) + CASE WHEN a.parent_code = :hot THEN 2 * :n ELSE 0 END)::int
            ))).geom) p
            WHERE a.level = 'grid'"""), {"cats": CATEGORIES, "n": per_grid, "hot": f"{city.DISTRICT}001001"})
        conn.execute(text("ANALYZE cases"))
        return conn.execute(text("SELECT count(*) FROM cases")).scalar()


def timed(fn, runs: int = 3) -> tuple[float, object]:
    """Median seconds of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(grids: int = typer.Option(50_000, help="Grids in the generated city"),
         per_grid: int = typer.Option(20, help="Cases per grid (20 × 50,000 = 1,000,000)")) -> None:
    """Time heat-map aggregation and hot-spot statistics at city scale."""
    loaded = {}

    def load(engine, home):
        t0 = time.perf_counter()
        with console.status(f"generating {grids:,} grids and {grids * per_grid:,} cases…"):
            loaded.update(city.load(engine, grids))
            loaded["cases"] = load_cases(engine, per_grid)
        console.print(f"loaded {loaded['counts'].get('grid', 0):,} grids and {loaded['cases']:,} cases "
                      f"in {time.perf_counter() - t0:.0f} s")

    with stage(load) as st, db.session_factory(st.engine)() as session:
        end = datetime.now(CHINA) + timedelta(minutes=1)
        win = window(end - timedelta(days=366), end)
        aggregation(session, win, loaded["cases"])
        statistics_table(session, loaded["counts"].get("grid", 0))


def aggregation(session, win, n_cases: int) -> None:
    """Per grid and per hexagon, ours against plain SQL and NumPy on the same points."""
    cache.clear()
    rows = session.execute(text("SELECT ST_X(geom), ST_Y(geom), grid_code FROM cases")).all()
    lon, lat = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
    _, grid_index = np.unique(np.array([r[2] for r in rows]), return_inverse=True)
    rows = [
        ("per grid", "geo.analytics.grid_counts (SQL, every grid, population joined)",
         timed(lambda: len(grid_counts(session, SYSTEM, win)))),
        ("per grid", "plain SQL: SELECT grid_code, count(*) … GROUP BY 1",
         timed(lambda: len(session.execute(text("SELECT grid_code, count(*) FROM cases GROUP BY 1")).all()))),
        ("per grid", "NumPy: bincount of the points' grid index, in memory",
         timed(lambda: int(np.count_nonzero(np.bincount(grid_index))))),
        ("per hexagon", f"geo.analytics.hex_counts (fetch points, h3 res {RESOLUTION} in Python)",
         timed(lambda: len(hex_counts(session, SYSTEM, win, RESOLUTION)))),
        ("per hexagon", "h3 alone on the points in memory",
         timed(lambda: len(set(map(h3.latlng_to_cell, lat.tolist(), lon.tolist(), [RESOLUTION] * len(lat))))),),
        ("per square", "plain SQL: GROUP BY ST_SnapToGrid(geom, 0.003°) (the heat layer's binning)",
         timed(lambda: len(session.execute(text("SELECT ST_SnapToGrid(geom, 0.003), count(*) FROM cases "
                                                "GROUP BY 1")).all()))),
        ("per square", "NumPy: histogram2d on 0.003° squares, points in memory",
         timed(lambda: int(np.count_nonzero(np.histogram2d(
             lon, lat, bins=[int(np.ptp(lon) / 0.003) + 1, int(np.ptp(lat) / 0.003) + 1])[0])))),
        ("fetch", "1,000,000 points from PostGIS into NumPy",
         timed(lambda: len(session.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM cases")).all()))),
    ]
    table = Table(title=f"heat-map aggregation of {n_cases:,} cases (median of 3)")
    for col in ("bins", "way", "seconds", "cells", "vs plain SQL"):
        table.add_column(col, justify="left" if col in ("bins", "way") else "right")
    base = {"per grid": rows[1][2][0], "per hexagon": rows[1][2][0], "per square": rows[5][2][0], "fetch": rows[1][2][0]}
    for bins, way, (seconds, cells) in rows:
        table.add_row(bins, way, f"{seconds:.2f}", f"{cells:,}", f"{seconds / base[bins]:.2f}×")
    report(table)


def statistics_table(session, n_grids: int) -> None:
    """Adjacency from PostGIS, Gi* alone, and Gi* with local Moran as the API computes them."""
    cache.clear()
    t_adj, neighbours = timed(lambda: (cache.clear(), grid_neighbours(session, EVERYTHING))[1], runs=1)
    counts = dict(session.execute(text("SELECT grid_code, count(*)::float FROM cases GROUP BY 1")).all())
    values = {code: counts.get(code, 0.0) for code in neighbours}
    ids = list(values)
    w = W({c: neighbours[c] for c in ids}, id_order=ids, silence_warnings=True)
    y = np.array([values[c] for c in ids])
    table = Table(title=f"hot-spot statistics on {n_grids:,} grids (one run each)")
    for col in ("step", "seconds"):
        table.add_column(col, justify="left" if col == "step" else "right")
    table.add_row("queen adjacency in PostGIS (ST_DWithin self-join), cached afterwards", f"{t_adj:.1f}")
    for perms in (999, 9999):
        seconds, _ = timed(lambda: G_Local(y, fill_diagonal(w, 1.0), transform="B", star=None, permutations=perms,
                                           n_jobs=1, seed=1, keep_simulations=False), runs=1)
        table.add_row(f"esda Gi* alone, {perms} permutations", f"{seconds:.1f}")
    planted = sum(1 for code in values if code.startswith(f"{city.DISTRICT}001001"))
    for inference, label in (("permutation", "9999 permutations"), ("auto", "auto = Gi*'s normal law here")):
        seconds, spots = timed(lambda: hotspots(values, neighbours, inference=inference), runs=1)
        hot = [c for c, s in spots.items() if s.kind == "hot"]
        inside = sum(1 for c in hot if c.startswith(f"{city.DISTRICT}001001"))
        table.add_row(f"geo.analytics.hotspots, Gi* + local Moran + FDR 5 %, {label}: {len(hot)} hot grids, "
                      f"{inside} of the {planted} planted", f"{seconds:.1f}")
    report(table)


if __name__ == "__main__":
    typer.run(main)
