"""A generated city of irregular grids for benchmarks, bulk-loaded with COPY (not a demo: no residents, no names).

A jittered lattice: neighbouring cells share their jittered corners and edge midpoints, so the
grids tile the plane without gaps or overlaps, yet none is a rectangle. 10×10 grids make a
community, 5×5 communities a street, everything one district.
"""

import numpy as np
import shapely
from sqlalchemy import Engine, text

DISTRICT = "110199"
ORIGIN = (116.10, 39.60)
CELL_DEG = (0.0024, 0.0018)  # about 205 m × 200 m
GRIDS_PER_COMMUNITY = 10     # per side
COMMUNITIES_PER_STREET = 5   # per side


def lattice(cols: int, rows: int, seed: int) -> np.ndarray:
    """Jittered lattice points (2*rows+1, 2*cols+1, 2): corners and edge midpoints of every cell."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:2 * rows + 1, 0:2 * cols + 1].astype(float)
    jitter = rng.uniform(-0.18, 0.18, size=(*xs.shape, 2))
    jitter[0, :, 1] = jitter[-1, :, 1] = jitter[:, 0, 0] = jitter[:, -1, 0] = 0  # straight outer edge
    x = ORIGIN[0] + (xs + jitter[..., 0]) * CELL_DEG[0] / 2
    y = ORIGIN[1] + (ys + jitter[..., 1]) * CELL_DEG[1] / 2
    return np.stack([x, y], axis=-1)


def cell_polygons(points: np.ndarray, cols: int, rows: int) -> np.ndarray:
    """One 8-vertex polygon per cell, row 0 in the north (grids are numbered north→south)."""
    ring_offsets = [(0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0), (0, 0)]
    polys = np.empty(cols * rows, dtype=object)
    rings = np.empty((cols * rows, len(ring_offsets), 2))
    for k, (dy, dx) in enumerate(ring_offsets):
        r = np.arange(rows)[:, None]
        c = np.arange(cols)[None, :]
        row_from_north = rows - 1 - r
        rings[:, k, :] = points[2 * row_from_north + dy, 2 * c + dx].reshape(-1, 2)
    polys[:] = shapely.polygons(rings)
    return polys


def build(n_grids: int, seed: int = 7, side_grids: int = GRIDS_PER_COMMUNITY) -> list[tuple[str, str, str | None, object]]:
    """(code, level, parent, geometry) for a district of about `n_grids` grids, communities of side_grids² grids."""
    per_street = side_grids * COMMUNITIES_PER_STREET
    side = max(1, round((n_grids / per_street ** 2) ** 0.5))
    street_cols, street_rows = side, max(1, round(n_grids / (per_street ** 2 * side)))
    cols, rows = street_cols * per_street, street_rows * per_street
    cells = cell_polygons(lattice(cols, rows, seed), cols, rows).reshape(rows, cols)
    grids, communities, streets = [], [], []
    for s_index in range(street_rows * street_cols):
        sr, sc = divmod(s_index, street_cols)
        street = f"{DISTRICT}{s_index + 1:03d}000"
        street_parts = []
        for c_index in range(COMMUNITIES_PER_STREET ** 2):
            cr, cc = divmod(c_index, COMMUNITIES_PER_STREET)
            community = f"{street[:9]}{c_index + 1:03d}"
            r0 = sr * per_street + cr * side_grids
            c0 = sc * per_street + cc * side_grids
            block = cells[r0:r0 + side_grids, c0:c0 + side_grids].ravel()
            grids += [(f"{community}{g + 1:03d}", "grid", community, poly) for g, poly in enumerate(block)]
            shape = shapely.coverage_union_all(block)
            communities.append((community, "community", street, shape))
            street_parts.append(shape)
        streets.append((street, "street", DISTRICT, shapely.coverage_union_all(street_parts)))
    district = (DISTRICT, "district", None, shapely.coverage_union_all([s[3] for s in streets]))
    return [district, *streets, *communities, *grids]


def load(engine: Engine, n_grids: int, seed: int = 7, side_grids: int = GRIDS_PER_COMMUNITY) -> dict:
    """Bulk-load the generated city, two staff per grid and one building with its head; returns extent and counts."""
    areas = build(n_grids, seed, side_grids)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("CREATE TEMP TABLE staging (code text, level text, parent text, wkb bytea)")
        with cur.copy("COPY staging FROM STDIN") as copy:
            for code, level, parent, geom in areas:
                copy.write_row((code, level, parent, shapely.to_wkb(shapely.multipolygons([geom]) if geom.geom_type == "Polygon" else geom)))
        cur.execute("""
            INSERT INTO areas (code, level, parent_code, name, kind, geom, area_m2)
            SELECT code, level, parent, level || ' ' || code, CASE WHEN level = 'grid' THEN 'ordinary' END,
                   ST_Multi(ST_SetSRID(ST_GeomFromWKB(wkb), 4326)),
                   ST_Area(ST_SetSRID(ST_GeomFromWKB(wkb), 4326)::geography)
            FROM staging ORDER BY length(code), code""")
        cur.execute("""
            INSERT INTO staff (name) SELECT 'worker ' || g
            FROM generate_series(1, (SELECT 2 * count(*) FROM areas WHERE level = 'grid')) AS g""")
        cur.execute("""
            INSERT INTO staff_assignments (staff_id, duty, area_code)
            SELECT s.id, CASE WHEN s.id % 2 = 0 THEN 'grid_leader' ELSE 'fulltime_worker' END, g.code
            FROM (SELECT code, row_number() OVER (ORDER BY code) AS n FROM areas WHERE level = 'grid') g
            JOIN staff s ON (s.id + 1) / 2 = g.n""")
        cur.execute("ANALYZE areas")  # the building trigger's grid lookup needs the index, hence fresh statistics
        # One building per grid, with a building head: locate also lists the heads of the grid's buildings.
        cur.execute("""
            INSERT INTO buildings (name, geom)
            SELECT 'building ' || code, ST_PointOnSurface(geom) FROM areas WHERE level = 'grid'""")
        cur.execute("""
            WITH heads AS (
                INSERT INTO staff (name) SELECT 'head ' || id FROM buildings ORDER BY id RETURNING id, name)
            INSERT INTO staff_assignments (staff_id, duty, building_id)
            SELECT heads.id, 'building_head', substr(heads.name, 6)::bigint FROM heads""")
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        extent = conn.execute(text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                                   "FROM (SELECT ST_Extent(geom) AS e FROM areas WHERE level = 'grid') x")).one()
        counts = dict(conn.execute(text("SELECT level, count(*) FROM areas GROUP BY level")).all())
    return {"extent": tuple(extent), "counts": counts}
