"""Scale benchmark against the peers, on the generated 50,000-grid city with 1,000,000 historical cases.

1. Bulk import of a year of cases with grid assignment, from the same CSV file:
   ours (`geo.cases.backfill`, i.e. `wangge import cases`) against a raw PostGIS COPY + INSERT … SELECT
   spatial join into the same partitioned table, and the grid assignment alone against shapely 2's
   STRtree.query(predicate="within") over the current grids.
2. Locate at 1, 16 and 64 concurrent clients: GET /api/v1/locate against the same point lookup as an
   OGC API Features query (bbox of the point, grids only, no geometry) served by tipg on the same table.
3. Grid vector tiles, cold (first request of each tile) and warm (the same tiles again): ours against
   tipg's MVT tiles of the same layer.

Run: `python bench/scale.py [--grids 50000] [--cases 1000000]` (tipg comes with `make bench`).
"""

import csv
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import numpy as np
import psycopg
import shapely
import typer
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import city  # noqa: E402
from bench.harness import PASSWORD, compare, console, report, stage, start_tipg, stop  # noqa: E402
from bench.locate import api_worker  # noqa: E402
from bench.maps import BUDGET, CHROMIUM_ARGS, heat_time, render_times, sample_tiles  # noqa: E402
from geo.access.actor import SYSTEM  # noqa: E402
from geo.cases.backfill import backfill  # noqa: E402
from geo.cases.categories import categories  # noqa: E402
from geo.core import db  # noqa: E402
from geo.planning.plans import create_from_current  # noqa: E402

RAW_SQL = """
INSERT INTO cases (category, channel, status, reported_at, closed_at, geom, grid_code, located_match, handler_level,
                   handler_area)
SELECT s.category, s.channel, s.status, s.reported_at, s.closed_at, p.geom, g.code, 'inside', 'grid', g.code
FROM staging s CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) AS geom) p
JOIN areas g ON g.level = 'grid' AND ST_Within(p.geom, g.geom)
"""


def write_cases(path: Path, extent, n: int, seed: int = 5) -> None:
    """The past year's closed cases at uniform random points of the city, as a CSV file."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = extent
    lon, lat = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    start = np.datetime64(date.today() - timedelta(days=366), "s")
    reported = start + rng.integers(0, 365 * 86400, n).astype("timedelta64[s]")
    closed = reported + rng.integers(3600, 5 * 86400, n).astype("timedelta64[s]")
    cats = np.array(list(categories()))[rng.integers(0, len(categories()), n)]
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["category", "lon", "lat", "reported_at", "closed_at", "channel", "status"])
        out.writerows(zip(cats, lon.round(6), lat.round(6), reported.astype(str), closed.astype(str),
                          ["hotline"] * n, ["closed"] * n))


def reset_cases(engine, admin_url: str) -> None:
    """Back to no cases and no partitions but the migration's, so every import run starts alike (the checkpoint
    needs the superuser: the service role is none)."""
    with engine.begin() as conn:
        for (name,) in conn.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                         "WHERE i.inhparent = 'cases'::regclass AND c.relname < :keep AND c.relname <> 'cases_other'"),
                                    {"keep": f"cases_{date.today():%Y_%m}"}):
            conn.execute(text(f'DROP TABLE "{name}"'))
        conn.execute(text("TRUNCATE cases"))
    admin = db.make_engine(admin_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CHECKPOINT"))
    admin.dispose()


def import_ours(engine, path: Path) -> float:
    """Seconds for `wangge import cases` from the file, committed."""
    t0 = time.perf_counter()
    with db.session_factory(engine).begin() as s:
        backfill(s, path)
    return time.perf_counter() - t0


def import_raw_sql(engine, dsn: str, path: Path) -> float:
    """Seconds for the DBA's way: months made first, COPY to a staging table, INSERT … SELECT with ST_Within."""
    with engine.begin() as conn:
        conn.execute(text("SELECT wangge_case_partition(m::date) FROM generate_series(CAST(:first AS date), "
                          "CURRENT_DATE, interval '1 month') m"), {"first": date.today() - timedelta(days=366)})
    t0 = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TEMP TABLE staging (category text, lon float8, lat float8, reported_at timestamp, "
                     "closed_at timestamp, channel text, status text)")
        with conn.cursor().copy("COPY staging FROM STDIN (FORMAT csv, HEADER true)") as copy, path.open("rb") as f:
            while block := f.read(1 << 20):
                copy.write(block)
        conn.execute("SET timezone = 'Asia/Shanghai'")
        conn.execute(RAW_SQL)
    return time.perf_counter() - t0


def strtree_only(engine, path: Path) -> tuple[float, float]:
    """Seconds from lon/lat arrays to a grid per point: shapely's STRtree within-query over the current grids
    (its tree built from geometries already in memory), and ours (grid versions read from the database, valid
    on each case's day)."""
    from geo.cases.backfill import _beijing_days, _points, assign_grids
    from geo.cases.backfill_input import prepare, read_table

    with engine.connect() as conn:
        grids = shapely.from_wkb([bytes(r[0]) for r in conn.execute(text("SELECT ST_AsBinary(geom) FROM areas "
                                                                         "WHERE level = 'grid'"))])
    table, _ = prepare(path, read_table(path))
    lon, lat = table["lon"].to_numpy(), table["lat"].to_numpy()
    days = _beijing_days(table["reported_at"])
    t0 = time.perf_counter()
    shapely.STRtree(grids).query(shapely.points(lon, lat), predicate="within")
    peer = time.perf_counter() - t0
    with db.session_factory(engine)() as s:
        t0 = time.perf_counter()
        assign_grids(s, _points(lon, lat), days)
        ours = time.perf_counter() - t0
    return peer, ours


def bench_import(st, extent, cases: int) -> None:
    """Ours against raw SQL and STRtree, same file, same start."""
    path = st.home / "cases.csv"
    with console.status(f"writing {cases:,} cases to CSV…"):
        write_cases(path, extent, cases)
    rows = {}
    with console.status("importing with wangge…"):
        reset_cases(st.engine, st.admin_url)
        rows["ours"] = import_ours(st.engine, path)
    with console.status("importing with COPY + INSERT … SELECT…"):
        reset_cases(st.engine, st.admin_url)
        rows["sql"] = import_raw_sql(st.engine, st.dsn, path)
    reset_cases(st.engine, st.admin_url)
    with console.status("importing with wangge again (the cases stay for what follows)…"):
        rows["ours"] = min(rows["ours"], import_ours(st.engine, path))
    with st.engine.begin() as conn:  # as in a live city, the last days' cases are still open, some overdue
        conn.execute(text("UPDATE cases SET status = 'handling', closed_at = NULL, overdue = random() < 0.2 "
                          "WHERE reported_at > now() - interval '4 days'"))
    with console.status("grid assignment alone…"):
        assign = [strtree_only(st.engine, path) for _ in range(3)]
    peer, ours = statistics.median(a[0] for a in assign), statistics.median(a[1] for a in assign)
    table = Table(title=f"bulk import of {cases:,} historical cases into {len(sample_grids(st.engine)):,} grids")
    for col in ("path", "seconds", "cases/s", "ours ÷ peer (time)"):
        table.add_column(col, justify="left" if col == "path" else "right")
    table.add_row("wangge import cases (CSV → checked, located, monthly partitions, indexed; best of 2)",
                  f"{rows['ours']:.1f}", f"{cases / rows['ours']:,.0f}", "1.00×")
    table.add_row("PostGIS COPY to staging + INSERT … SELECT … ST_Within join (1 run)", f"{rows['sql']:.1f}",
                  f"{cases / rows['sql']:,.0f}", f"{rows['sql'] / rows['ours']:.2f}× slower")
    table.add_row("grid assignment: ours (grid versions valid on each day; median of 3)", f"{ours:.2f}",
                  f"{cases / ours:,.0f}", "1.00×")
    table.add_row("grid assignment: shapely STRtree.query(predicate='within'), current grids", f"{peer:.2f}",
                  f"{cases / peer:,.0f}", f"{peer / ours:.2f}×")
    report(table, "Target: import ≥ 100,000 cases/s end to end.")


def sample_grids(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT code FROM areas WHERE level = 'grid'")).all()


def tipg_worker(base: str):
    client = httpx.Client(base_url=base, headers={"Accept-Encoding": "identity"})

    def call(lon, lat):  # a bbox of ±1e-9° (0.1 mm): tipg misses points with a zero-size one
        r = client.get("/collections/public.areas/items", params={
            "bbox": f"{lon - 1e-9},{lat - 1e-9},{lon + 1e-9},{lat + 1e-9}", "level": "grid", "properties": "code,name,parent_code",
            "skipGeometry": "true", "limit": 1})
        assert r.status_code == 200 and r.json()["numberReturned"] == 1, r.text
    return call, client.close


def tile_sweep(base: str, url: str, tiles: list, headers: dict) -> list[float]:
    """Each tile once, one client; latencies."""
    out = []
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        for x, y in tiles:
            t0 = time.perf_counter()
            r = client.get(url.format(x=x, y=y))
            assert r.status_code in (200, 204), r.text
            out.append(time.perf_counter() - t0)
    return out


def bench_tiles(st, tipg_base: str, z: int = 14) -> None:
    """Grid tiles at zoom z: ours and tipg's, cold then warm."""
    tiles = sample_tiles(st.engine, z, np.random.default_rng(3))
    ways = {"ours": (st.base, f"/tiles/grids/{z}/{{x}}/{{y}}.mvt", {"Authorization": f"Bearer {st.token}"}),
            "tipg": (tipg_base, f"/collections/public.areas/tiles/WebMercatorQuad/{z}/{{x}}/{{y}}?level=grid",
                     {"Accept-Encoding": "identity"})}
    table = Table(title=f"{len(tiles)} grid vector tiles at z{z}, one client")
    for col in ("server", "pass", "tiles/s", "p50 ms", "p99 ms", "ours ÷ tipg (tiles/s)"):
        table.add_column(col, justify="left" if col in ("server", "pass") else "right")
    rates = {}
    for name, (base, url, headers) in ways.items():
        for sweep in ("cold", "warm"):
            lat = tile_sweep(base, url, tiles, headers)
            rates[name, sweep] = len(lat) / sum(lat), np.percentile(lat, 50) * 1000, np.percentile(lat, 99) * 1000
    for (name, sweep), (rate, p50, p99) in rates.items():
        ratio = rate / rates["tipg", sweep][0]
        table.add_row(name, sweep, f"{rate:,.0f}", f"{p50:.1f}", f"{p99:.1f}", f"{ratio:.2f}×")
    report(table, "Targets: cold at least tipg's speed, warm ≥ 10× tipg's.")


# The other screens, each with what its page says when it is ready (as the end-to-end tests wait for it).
PAGES = {
    "grid page": ("/maps/grids/{grid}", "window.wangge && window.wangge.staff !== null && window.wangge.neighbours > 0"),
    "case page": ("/maps/cases/{case}", "window.wangge && window.wangge.grid && window.wangge.staff !== null"),
    "dispatch page": ("/maps/dispatch", "document.querySelectorAll('#category option').length > 20"),
    "plan page (a community's 100 grids)": ("/maps/plans/{plan}", "window.wangge && window.wangge.grids > 0 "
                                                                "&& window.wangge.valid !== null"),
}


def bench_screens(st, cases: int) -> None:
    """Every screen on the city with its year of cases, in headless Chromium, against the maps budgets."""
    from playwright.sync_api import sync_playwright

    login = httpx.post(st.base + "/maps/login", data={"username": "bench", "password": PASSWORD})
    cookie = [{"name": "wangge_token", "value": login.cookies["wangge_token"], "url": st.base}]
    with st.engine.connect() as conn:
        case, grid = conn.execute(text("SELECT id, grid_code FROM cases WHERE status = 'handling' LIMIT 1")).one()
    with db.session_factory(st.engine).begin() as s:
        plan = create_from_current(s, SYSTEM, [grid[:12]])
    pages = {name: (path.format(grid=grid, case=case, plan=plan), ready) for name, (path, ready) in PAGES.items()}
    html = {name: len(httpx.get(st.base + path, cookies=login.cookies).content)
            for name, (path, _) in {"command center": ("/maps/command-center", None), **pages}.items()}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        shown = render_times(browser, st.base + "/maps/command-center",
                             "window.wangge && window.wangge.boundaryFeatures > 0", "window.wangge && window.wangge.settled()",
                             cookie)
        heat = heat_time(browser, st.base, cookie)
        ready = {name: render_times(browser, st.base + path, check, check, cookie) for name, (path, check) in pages.items()}
        browser.close()
    table = Table(title=f"screens on the {len(sample_grids(st.engine)):,}-grid city with {cases:,} cases "
                        f"(median of {shown['runs']} loads)")
    for col in ("screen", "measure", "value", "budget"):
        table.add_column(col, justify="left" if col in ("screen", "measure") else "right")
    budget_html, budget_s = f"< {BUDGET['html_kb']} KB", f"< {BUDGET['first_render_s']:.0f} s"
    table.add_row("command center", "HTML", f"{html['command center'] / 1024:.0f} KB", budget_html)
    table.add_row("", "first boundaries drawn", f"{shown['first']:.2f} s", budget_s)
    table.add_row("", "whole view drawn (tiles, KPIs, cases)", f"{shown['done']:.2f} s", "")
    table.add_row("", "bytes fetched for the whole view", f"{shown['bytes'] / 1024:,.0f} KB", "")
    table.add_row("", "heat map of 365 days, after choosing it",
                  f"{heat[0]:.2f} s ({heat[1]:,} cells, {heat[2]:,} cases)", "")
    for name, times in ready.items():
        table.add_row(name, "HTML; ready (map, panel and data drawn)",
                      f"{html[name] / 1024:.0f} KB; {times['done']:.2f} s", f"{budget_html}; {budget_s}")
    report(table)


MONTHLY = "SELECT {district}, date_trunc('month', reported_at) AS month, category, count(*) FROM {source} GROUP BY 1, 2, 3"


def bench_geoparquet(st, cases: int) -> None:
    """The year exported as GeoParquet, and one multi-month question asked of PostGIS and of DuckDB on the file."""
    import duckdb

    from geo.analytics.geoparquet import export_cases
    from geo.analytics.window import window

    path = st.home / "cases.parquet"
    t0 = time.perf_counter()
    with db.session_factory(st.engine)() as s:
        written = export_cases(s, SYSTEM, window(default_days=400), path)
    export_s = time.perf_counter() - t0
    timings = {}
    with st.engine.connect() as conn:
        sql = text(MONTHLY.format(district="left(grid_code, 6)", source="cases"))
        timings["PostGIS"] = _median_of_3(lambda: conn.execute(sql).all())
    con = duckdb.connect()
    question = MONTHLY.format(district="district_code", source=f"read_parquet('{path}')")
    timings["DuckDB on the GeoParquet file"] = _median_of_3(lambda: con.execute(question).fetchall())
    table = Table(title=f"GeoParquet: {written:,} cases exported; cases per district, month and category (median of 3)")
    for col in ("step", "seconds", "vs PostGIS"):
        table.add_column(col, justify="left" if col == "step" else "right")
    table.add_row(f"wangge export cases → {path.stat().st_size / 2 ** 20:.0f} MB", f"{export_s:.1f}", "")
    for name, seconds in timings.items():
        table.add_row(name, f"{seconds:.2f}", f"{seconds / timings['PostGIS']:.2f}×")
    report(table)


def _median_of_3(run) -> float:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(grids: int = typer.Option(50_000, help="How many grids to generate"),
         cases: int = typer.Option(1_000_000, help="Historical cases to import"),
         queries: int = typer.Option(2_000, help="Locate calls per measurement"),
         clients: str = typer.Option("1,16,64", help="Concurrent locate clients, comma-separated")) -> None:
    """Import, locate and tiles at city scale, against raw PostGIS, shapely and tipg."""
    loaded = {}

    def load(engine, home):
        with console.status(f"generating and loading {grids:,} grids…"):
            loaded.update(city.load(engine, grids))

    with stage(load) as st:
        bench_import(st, loaded["extent"], cases)
        bench_screens(st, cases)
        bench_geoparquet(st, cases)
        tipg, tipg_base = start_tipg(st.dsn, st.home)
        try:
            minx, miny, maxx, maxy = loaded["extent"]
            rng = np.random.default_rng(11)
            points = np.column_stack([rng.uniform(minx, maxx, queries), rng.uniform(miny, maxy, queries)])
            compare(f"locate on {grids:,} grids, {queries:,} random points", "req/s",
                    [("wangge GET /api/v1/locate (grid, hierarchy, staff)", lambda: api_worker(st.base, st.token)),
                     ("tipg OGC API Features: grid at the point, no geometry", lambda: tipg_worker(tipg_base))],
                    points, clients)
            bench_tiles(st, tipg_base)
        finally:
            stop(tipg)


if __name__ == "__main__":
    typer.run(main)
