"""Locate benchmark: requests/s and p50/p99 latency on a generated city of 50,000 grids, three ways side by side.

- SQL: the covering-grid query alone, through psycopg with a prepared statement (the floor).
- geo.territory.locate(): the domain function in-process (covering grid, hierarchy and staff on duty).
- HTTP API: GET /api/v1/locate on a uvicorn server, with a bearer token, over keep-alive connections.

Everything runs on a throwaway PostGIS cluster; nothing touches .wangge/. Run: `make bench`.
"""

import sys
import time
from pathlib import Path

import httpx
import numpy as np
import psycopg
import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import city  # noqa: E402
from bench.harness import compare, console, stage  # noqa: E402
from geo.access.scope import EVERYTHING  # noqa: E402
from geo.core import db  # noqa: E402
from geo.territory.locate import COVERING, locate  # noqa: E402


def sql_worker(dsn: str):
    conn = psycopg.connect(dsn)
    query = COVERING.format(areas="areas").replace(":lon", "%(lon)s").replace(":lat", "%(lat)s")

    def call(lon, lat):
        rows = conn.execute(query, {"lon": lon, "lat": lat}, prepare=True).fetchall()
        assert rows, (lon, lat)
    return call, conn.close


def domain_worker(engine):
    session = db.session_factory(engine)()

    def call(lon, lat):
        locate(session, lon, lat, scope=EVERYTHING)
        session.rollback()
    return call, session.close


def api_worker(base: str, token: str):
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})

    def call(lon, lat):
        r = client.get("/api/v1/locate", params={"lon": lon, "lat": lat})
        assert r.status_code == 200, r.text
    return call, client.close


def main(grids: int = typer.Option(50_000, help="How many grids to generate"),
         queries: int = typer.Option(2_000, help="Locate calls per measurement"),
         clients: str = typer.Option("1,4", help="Concurrent clients, comma-separated"),
         seed: int = typer.Option(11, help="Random seed of the query points")) -> None:
    """Measure locate through raw SQL, the domain function and the HTTP API."""
    loaded = {}

    def load(engine, home):
        t0 = time.perf_counter()
        with console.status(f"generating and loading {grids:,} grids…"):
            loaded.update(city.load(engine, grids))
        console.print(f"city: {loaded['counts']} loaded in {time.perf_counter() - t0:.1f} s")

    with stage(load) as st:
        minx, miny, maxx, maxy = loaded["extent"]
        rng = np.random.default_rng(seed)
        points = np.column_stack([rng.uniform(minx, maxx, queries), rng.uniform(miny, maxy, queries)])
        ways = [("SQL covering query (psycopg, prepared)", lambda: sql_worker(st.dsn)),
                ("geo.territory.locate() in-process", lambda: domain_worker(st.engine)),
                ("HTTP GET /api/v1/locate", lambda: api_worker(st.base, st.token))]
        compare(f"locate on {loaded['counts'].get('grid', 0):,} grids, {queries:,} random points", "req/s", ways, points,
                clients)


if __name__ == "__main__":
    typer.run(main)
