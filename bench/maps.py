"""Map-page budgets: page weight, first render of boundaries in headless Chromium, tile latency — next to a naive
folium page that inlines all boundaries and open cases as GeoJSON, in the same run.

Run: `python bench/maps.py [--scale district|street|city]` (needs Debian's chromium, as `make test` installs).
"""

import statistics
import sys
import time
from pathlib import Path

import folium
import httpx
import numpy as np
import typer
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import PASSWORD, ROOT, console, stage  # noqa: E402
from geo import db  # noqa: E402
from geo.synth import seed_demo  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


VENDOR = (ROOT / "maps" / "static" / "vendor").as_uri()


class LocalLeafletMap(folium.Map):
    """Folium's own Map, but with the same local Leaflet as ours (this machine, like a command center, is offline)."""

    default_js = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
    default_css = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]


def naive_page(engine, path: Path) -> int:
    """The page a quick folium script would make: every grid and open case inlined. Returns its size."""
    with engine.connect() as conn:
        grids = conn.execute(text("SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg("
                                  "json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(geom)::json, "
                                  "'properties', json_build_object('code', code, 'name', name)))) "
                                  "FROM areas WHERE level = 'grid'")).scalar()
        cases = conn.execute(text("SELECT json_agg(json_build_array(ST_Y(geom), ST_X(geom))) FROM cases "
                                  "WHERE status NOT IN ('closed', 'rated', 'merged')")).scalar() or []
    m = LocalLeafletMap(tiles=None)
    folium.GeoJson(grids, name="grids").add_to(m)
    for lat, lon in cases:
        folium.CircleMarker([lat, lon], radius=4).add_to(m)
    m.fit_bounds(folium.GeoJson(grids).get_bounds())
    m.save(str(path))
    return path.stat().st_size


def first_render(browser, url: str, ready: str, cookies=None, runs: int = 3) -> float:
    """Median seconds from navigation until `ready` holds in the page."""
    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(ready, timeout=120_000, polling=50)
        times.append(time.perf_counter() - t0)
        context.close()
    return statistics.median(times)


def tile_latencies(base: str, token: str, engine, z: int) -> list[float]:
    """Every grid tile at zoom `z` over the city, fetched once (cold) and once more (warm)."""
    with engine.connect() as conn:
        minx, miny, maxx, maxy = conn.execute(text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                                                   "(SELECT ST_Extent(geom) e FROM areas WHERE level = 'grid') x")).one()
    n = 2 ** z
    x0, x1 = int((minx + 180) / 360 * n), int((maxx + 180) / 360 * n)
    ys = [int((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n) for lat in (maxy, miny)]
    out = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for x in range(x0, x1 + 1):
            for y in range(ys[0], ys[1] + 1):
                t0 = time.perf_counter()
                client.get(f"/tiles/grids/{z}/{x}/{y}.mvt").raise_for_status()
                out.append(time.perf_counter() - t0)
    return out


def main(scale: str = typer.Option("district", help="Demo scale: street, district or city"),
         zoom: int = typer.Option(14, help="Zoom of the tile sweep")) -> None:
    """Measure the command center against a naive inlined folium page."""
    from playwright.sync_api import sync_playwright

    def load(engine, home):
        with console.status(f"seeding the {scale} demo…"), db.session_factory(engine).begin() as s:
            seed_demo(s, "620302", scale, 1, workdir=home / "demo")

    with stage(load) as st, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        login = httpx.post(st.base + "/maps/login", data={"username": "bench", "password": PASSWORD},
                           follow_redirects=False)
        cookie = [{"name": "wangge_token", "value": login.cookies["wangge_token"], "url": st.base}]
        page_bytes = len(httpx.get(st.base + "/maps/command-center", cookies=login.cookies).content)
        naive = st.home / "naive.html"
        naive_bytes = naive_page(st.engine, naive)
        ours = first_render(browser, st.base + "/maps/command-center",
                            "window.wangge && window.wangge.gridFeatures > 0", cookie)
        theirs = first_render(browser, naive.as_uri(), "document.querySelectorAll('path.leaflet-interactive').length > 0")
        cold = tile_latencies(st.base, st.token, st.engine, zoom)
        warm = tile_latencies(st.base, st.token, st.engine, zoom)
        version = browser.version
        browser.close()
        table = Table(title=f"command center on the {scale} demo (Chromium {version}, median of 3 loads)")
        for col in ("measure", "command center", "naive inlined folium page", "ratio"):
            table.add_column(col, justify="left" if col == "measure" else "right")
        table.add_row("HTML size", f"{page_bytes / 1024:,.0f} KB", f"{naive_bytes / 1024:,.0f} KB",
                      f"{naive_bytes / page_bytes:.1f}× (naive ÷ ours)")
        table.add_row("first render of boundaries", f"{ours:.2f} s", f"{theirs:.2f} s", f"{theirs / ours:.2f}× (naive ÷ ours)")
        table.add_row(f"grid tiles z{zoom}: p50 cold / warm", f"{np.median(cold) * 1000:.1f} / {np.median(warm) * 1000:.1f} ms",
                      "—", f"{len(cold)} tiles, p99 cold {np.percentile(cold, 99) * 1000:.1f} ms")
        console.print(table)


if __name__ == "__main__":
    typer.run(main)
