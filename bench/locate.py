"""Locate benchmark: requests/s and p50/p99 latency on a generated city of 50,000 grids, three ways side by side.

- SQL: the covering-grid query alone, through psycopg with a prepared statement (the floor).
- geo.locate(): the domain function in-process (covering grid, hierarchy and staff on duty).
- HTTP API: GET /api/v1/locate on a uvicorn server, with a bearer token, over keep-alive connections.

Everything runs on a throwaway PostGIS cluster; nothing touches .wangge/. Run: `make bench`.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import psycopg
import typer
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import city  # noqa: E402
from geo import db, migrate  # noqa: E402
from geo.accounts import create_user  # noqa: E402
from geo.cluster import Cluster, free_port  # noqa: E402
from geo.locate import COVERING, locate  # noqa: E402
from geo.scope import EVERYTHING  # noqa: E402

console = Console(width=110)  # a readable table in logs and CI output too
PASSWORD = "bench-password-123"


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ms = np.array(latencies) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def run_clients(points: np.ndarray, clients: int, make_worker) -> tuple[float, list[float]]:
    """Split the points over `clients` threads, each with its own connection; wall time and every latency."""
    chunks = np.array_split(points, clients)

    def work(chunk):
        call, close = make_worker()
        out = []
        try:
            for lon, lat in chunk:
                t0 = time.perf_counter()
                call(float(lon), float(lat))
                out.append(time.perf_counter() - t0)
        finally:
            close()
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(work, chunks))
    return time.perf_counter() - t0, [x for r in results for x in r]


def sql_worker(dsn: str):
    conn = psycopg.connect(dsn)
    query = str(COVERING).replace(":lon", "%(lon)s").replace(":lat", "%(lat)s")

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


def start_api(url: str, env_home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "WANGGE_HOME": str(env_home), "WANGGE_SECRET_KEY": "bench-" + "k" * 40}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=Path(__file__).resolve().parents[1])
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(base + "/api/v1/health").status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the API did not come up")


def main(grids: int = typer.Option(50_000, help="How many grids to generate"),
         queries: int = typer.Option(2_000, help="Locate calls per measurement"),
         clients: str = typer.Option("1,4", help="Concurrent clients, comma-separated"),
         seed: int = typer.Option(11, help="Random seed of the query points")) -> None:
    """Measure locate through raw SQL, the domain function and the HTTP API."""
    home = Path(tempfile.mkdtemp(prefix="wangge-bench-"))
    home.chmod(0o755)  # as root the server runs as `postgres`, which must reach the data
    cluster = Cluster(home, fast=True)
    api = None
    try:
        with console.status("starting PostGIS…"):
            cluster.start()
            cluster.ensure_database("bench")
        url = cluster.url("bench")
        engine = db.make_engine(url)
        migrate.upgrade(engine)
        t0 = time.perf_counter()
        with console.status(f"generating and loading {grids:,} grids…"):
            info = city.load(engine, grids)
        console.print(f"city: {info['counts']} loaded in {time.perf_counter() - t0:.1f} s")
        with db.session_factory(engine).begin() as s:
            create_user(s, username="bench", password=PASSWORD, role="admin", scope_code=None)
        api, base = start_api(url, home)
        token = httpx.post(base + "/api/v1/auth/token", data={"username": "bench", "password": PASSWORD}).json()["access_token"]

        minx, miny, maxx, maxy = info["extent"]
        rng = np.random.default_rng(seed)
        points = np.column_stack([rng.uniform(minx, maxx, queries), rng.uniform(miny, maxy, queries)])
        dsn = url.replace("postgresql+psycopg", "postgresql")
        ways = [("SQL covering query (psycopg, prepared)", lambda: sql_worker(dsn)),
                ("geo.locate() in-process", lambda: domain_worker(engine)),
                ("HTTP GET /api/v1/locate", lambda: api_worker(base, token))]
        table = Table(title=f"locate on {info['counts'].get('grid', 0):,} grids, {queries:,} random points, "
                            f"{os.cpu_count()} cores (median of 3 runs)")
        for col in ("path", "clients", "req/s", "p50 ms", "p99 ms", "vs SQL"):
            table.add_column(col, justify="right" if col != "path" else "left")
        for n in (int(c) for c in clients.split(",")):
            base_rate = None
            for name, make in ways:
                run_clients(points[:100], n, make)  # warm caches and connections
                runs = [run_clients(points, n, make) for _ in range(3)]
                rates = [len(lat) / wall for wall, lat in runs]
                rate = statistics.median(rates)
                p50, p99 = percentiles(runs[rates.index(rate)][1])
                base_rate = base_rate or rate
                table.add_row(name, str(n), f"{rate:,.0f}", f"{p50:.2f}", f"{p99:.2f}", f"{rate / base_rate:.2f}×")
        console.print(table)
        console.print("The API runs as one uvicorn worker; on 2 cores the server, PostGIS and the client share the CPU.")
        engine.dispose()
    finally:
        if api:
            api.terminate()
            api.wait(10)
        cluster.destroy()


if __name__ == "__main__":
    typer.run(main)
