"""Map-page budgets: page weight, first render in headless Chromium, tile latency — next to a naive folium page
that inlines every grid, open case and the period's incidents, in the same run.

Run: `python bench/maps.py [--scale district] [--scale city]` (needs Debian's chromium, as `make test` installs).
Budgets (issue 6): HTML under 300 KB, boundaries drawn within 2 s, tile p50 under 50 ms.
"""

import statistics
import sys
import time
from pathlib import Path

import folium
import httpx
import numpy as np
import typer
from folium.plugins import HeatMap
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import PASSWORD, ROOT, console, report, stage  # noqa: E402
from geo.core import db  # noqa: E402
from geo.synth import seed_demo  # noqa: E402
from maps.command_center import MIN_ZOOM  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VENDOR = (ROOT / "maps" / "static" / "vendor").as_uri()
HEAT_DAYS = 365
TILE_SAMPLE = 200
BUDGET = {"html_kb": 300, "first_render_s": 2.0, "tile_p50_ms": 50}


class LocalLeafletMap(folium.Map):
    """Folium's own Map, but with the same local Leaflet as ours (this machine, like a command center, is offline)."""

    default_js = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
    default_css = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]


class LocalHeatMap(HeatMap):
    """Folium's HeatMap with the same local leaflet.heat as ours."""

    default_js = [("leaflet-heat.js", f"{VENDOR}/heat/leaflet-heat.js")]


def naive_page(engine, path: Path) -> dict:
    """The page a quick folium script would make: every grid, open case and the year's incidents inlined."""
    with engine.connect() as conn:
        grids = conn.execute(text("SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg("
                                  "json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(geom)::json, "
                                  "'properties', json_build_object('code', code, 'name', name)))) "
                                  "FROM areas WHERE level = 'grid'")).scalar()
        open_cases = conn.execute(text("SELECT coalesce(json_agg(json_build_array(ST_Y(geom), ST_X(geom))), '[]') "
                                       "FROM cases WHERE status NOT IN ('closed', 'rated', 'merged')")).scalar()
        recent = conn.execute(text("SELECT coalesce(json_agg(json_build_array(ST_Y(geom), ST_X(geom))), '[]') FROM cases "
                                   "WHERE status <> 'merged' AND reported_at >= now() - make_interval(days => :d)"),
                              {"d": HEAT_DAYS}).scalar()
    m = LocalLeafletMap(tiles=None)
    folium.GeoJson(grids, name="grids").add_to(m)
    for lat, lon in open_cases:
        folium.CircleMarker([lat, lon], radius=4).add_to(m)
    if recent:
        LocalHeatMap(recent).add_to(m)
    m.fit_bounds(folium.GeoJson(grids).get_bounds())
    m.save(str(path))
    return {"bytes": path.stat().st_size, "grids": len(grids["features"]), "open": len(open_cases), "recent": len(recent)}


def render_times(browser, url: str, first: str, done: str, cookies=None, runs: int = 3) -> dict:
    """Median seconds from navigation until `first` and until `done` hold, and the bytes the page fetched."""
    firsts, dones, transferred = [], [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(f"() => ({first})", timeout=600_000, polling=50)
        firsts.append(time.perf_counter() - t0)
        page.wait_for_function(f"() => ({done})", timeout=600_000, polling=50)
        dones.append(time.perf_counter() - t0)
        transferred.append(page.evaluate("performance.getEntriesByType('navigation').concat("
                                         "performance.getEntriesByType('resource'))"
                                         ".reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)"))
        context.close()
    return {"first": statistics.median(firsts), "done": statistics.median(dones),
            "bytes": statistics.median(transferred), "runs": runs}


def heat_time(browser, base: str, cookies) -> tuple[float, int, int]:
    """Seconds from choosing the year's heat layer until it is drawn; its cells and cases."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(base + "/maps/command-center")
    page.wait_for_function("() => window.wangge && window.wangge.settled()", timeout=600_000, polling=50)
    t0 = time.perf_counter()
    page.select_option("#heat-days", str(HEAT_DAYS))
    page.wait_for_function("() => window.wangge.heatTotal > 0", timeout=600_000, polling=20)
    seconds = time.perf_counter() - t0
    cells, total = page.evaluate("[window.wangge.heatPoints, window.wangge.heatTotal]")
    context.close()
    return seconds, cells, total


def sample_tiles(engine, z: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Up to TILE_SAMPLE distinct tiles at zoom `z` that hold a grid."""
    with engine.connect() as conn:
        points = conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM areas "
                                   "WHERE level = 'grid') x")).all()
    n = 2 ** z
    tiles = sorted({(int((lon + 180) / 360 * n), int((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n))
                    for lon, lat in points})
    picked = rng.choice(len(tiles), size=min(TILE_SAMPLE, len(tiles)), replace=False)
    return [tiles[i] for i in sorted(picked)]


def tile_latencies(base: str, token: str, z: int, tiles: list[tuple[int, int]]) -> tuple[list[float], int]:
    """Each tile of the grid layer fetched once; latencies and total bytes."""
    out, size = [], 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        for x, y in tiles:
            t0 = time.perf_counter()
            r = client.get(f"/tiles/grids/{z}/{x}/{y}.mvt")
            r.raise_for_status()
            out.append(time.perf_counter() - t0)
            size += len(r.content)
    return out, size


def measure(scale: str, browser, naive_runs: int) -> None:
    """Seed the `scale` demo and print the command center's figures next to the naive page's."""
    def load(engine, home):
        with console.status(f"seeding the {scale} demo…"), db.session_factory(engine).begin() as s:
            seed_demo(s, "620302", scale, 1, workdir=home / "demo")

    with stage(load) as st:
        login = httpx.post(st.base + "/maps/login", data={"username": "bench", "password": PASSWORD},
                           follow_redirects=False)
        cookie = [{"name": "wangge_token", "value": login.cookies["wangge_token"], "url": st.base}]
        page_bytes = len(httpx.get(st.base + "/maps/command-center", cookies=login.cookies).content)
        with console.status("building the naive page…"):
            naive = naive_page(st.engine, st.home / "naive.html")
        with console.status("loading the command center…"):
            ours = render_times(browser, st.base + "/maps/command-center",
                                "window.wangge && window.wangge.boundaryFeatures > 0",
                                "window.wangge && window.wangge.settled()", cookie)
        with console.status(f"loading the naive page ({naive['bytes'] / 1e6:.0f} MB)…"):
            theirs = render_times(browser, (st.home / "naive.html").as_uri(),
                                  "document.querySelectorAll('path.leaflet-interactive').length > 0",
                                  "document.querySelectorAll('path.leaflet-interactive').length > 0",
                                  runs=naive_runs)
        heat = heat_time(browser, st.base, cookie) if naive["recent"] else None
        rng = np.random.default_rng(1)
        sweeps = {}
        for z in (MIN_ZOOM["grids"], 14):
            tiles = sample_tiles(st.engine, z, rng)
            cold, size = tile_latencies(st.base, st.token, z, tiles)
            warm, _ = tile_latencies(st.base, st.token, z, tiles)
            sweeps[z] = (cold, warm, size / len(tiles))
    print_table(scale, browser.version, page_bytes, naive, ours, theirs, heat, sweeps)


def print_table(scale, version, page_bytes, naive, ours, theirs, heat, sweeps) -> None:
    """One table per scale: our page, the naive page, their ratio, and our budget."""
    table = Table(title=f"command center, {scale} demo: {naive['grids']:,} grids, {naive['open']:,} open cases, "
                        f"{naive['recent']:,} cases in the last {HEAT_DAYS} days (Chromium {version})")
    for col in ("measure", "command center", "naive inlined folium page", "naive ÷ ours", "budget"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    ok = lambda good: "[green]met[/]" if good else "[red]MISSED[/]"  # noqa: E731
    table.add_row("HTML size", f"{page_bytes / 1024:,.0f} KB", f"{naive['bytes'] / 1024:,.0f} KB",
                  f"{naive['bytes'] / page_bytes:,.0f}×", ok(page_bytes < BUDGET["html_kb"] * 1024))
    table.add_row("bytes fetched for the whole view", f"{ours['bytes'] / 1024:,.0f} KB",
                  f"{theirs['bytes'] / 1024:,.0f} KB", f"{theirs['bytes'] / max(ours['bytes'], 1):,.1f}×", "")
    table.add_row(f"first boundaries drawn (median of {ours['runs']}/{theirs['runs']})", f"{ours['first']:.2f} s",
                  f"{theirs['first']:.2f} s", f"{theirs['first'] / ours['first']:.2f}×",
                  ok(ours["first"] < BUDGET["first_render_s"]))
    table.add_row("whole view drawn", f"{ours['done']:.2f} s", f"{theirs['done']:.2f} s",
                  f"{theirs['done'] / ours['done']:.2f}×", "")
    if heat:
        table.add_row(f"heat of {HEAT_DAYS} days, after choosing it", f"{heat[0]:.2f} s, {heat[1]:,} cells",
                      "inlined", "—", "")
    for z, (cold, warm, mean_bytes) in sweeps.items():
        p50 = np.median(cold) * 1000
        table.add_row(f"{len(cold)} grid tiles z{z}: p50 cold/warm (p99)",
                      f"{p50:.1f}/{np.median(warm) * 1000:.1f} ms ({np.percentile(cold, 99) * 1000:.0f})",
                      "—", f"{mean_bytes / 1024:.0f} KB/tile", ok(p50 < BUDGET["tile_p50_ms"]))
    report(table)


def main(scale: list[str] = typer.Option(["district", "city"], help="Demo scales to measure: street, district, city"),
         naive_runs: int = typer.Option(1, help="Loads of the naive page per scale (it takes long at city scale)")) -> None:
    """Measure the command center against a naive inlined folium page on each demo scale."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for one in scale:
            measure(one, browser, naive_runs)
        browser.close()


if __name__ == "__main__":
    typer.run(main)
