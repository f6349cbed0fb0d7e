"""What every benchmark needs: a throwaway PostGIS, the API on a port, concurrent clients, a side-by-side table."""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.access.accounts import create_user  # noqa: E402
from geo.core import db, migrate  # noqa: E402
from geo.core.cluster import Cluster, free_port  # noqa: E402

console = Console(width=110)  # a readable table in logs and CI output too
PASSWORD = "bench-password-123"


@dataclass
class Stage:
    home: Path
    url: str
    engine: object
    base: str = ""
    token: str = ""
    admin_url: str = ""  # the cluster's superuser, for chores the service role may not do (CHECKPOINT)

    @property
    def dsn(self) -> str:
        return self.url.replace("postgresql+psycopg", "postgresql")


@contextmanager
def stage(load, role: str = "admin", scope: str | None = None) -> Iterator[Stage]:
    """A throwaway cluster with `load(engine, home)` applied, a bench account, and the API serving it."""
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
        load(engine, home)
        with db.session_factory(engine).begin() as s:
            create_user(s, username="bench", password=PASSWORD, role=role, scope_code=scope)
        api, base = start_api(url, home)
        token = httpx.post(base + "/api/v1/auth/token", data={"username": "bench", "password": PASSWORD}).json()
        yield Stage(home, url, engine, base, token["access_token"], cluster.admin_url("bench"))
        engine.dispose()
    finally:
        try:
            if api:
                stop(api)
        finally:
            cluster.destroy()  # even when the server had to be killed: no cluster is left behind
            shutil.rmtree(home, ignore_errors=True)  # the generated files too (a 1M-case CSV is 80 MB)


def stop(server: subprocess.Popen) -> None:
    """Ask a server to stop, and kill it if it has not within 10 s (a stuck one would keep its cluster alive)."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def start_api(url: str, home: Path) -> tuple[subprocess.Popen, str]:
    """One uvicorn worker on a free port against `url`."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "WANGGE_HOME": str(home), "WANGGE_SECRET_KEY": "bench-" + "k" * 40,
           "WANGGE_TICK_SECONDS": "0", "WANGGE_RATE_LIMIT": "1000000/minute"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=ROOT)
    return proc, _wait_for(proc, f"http://127.0.0.1:{port}", "/api/v1/health")


def start_tipg(dsn: str, home: Path) -> tuple[subprocess.Popen, str]:
    """tipg (developmentseed's OGC API Features and Tiles server) on a free port, serving the `areas` and `cases` tables.

    One uvicorn worker like ours; gzip is left on (it is tipg's default middleware) but clients ask for identity.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": dsn, "TIPG_DB_SCHEMAS": '["public"]', "TIPG_DB_TABLES": '["public.areas", "public.cases"]',
           "TIPG_TABLE_CONFIG__public_areas__PK": "code", "TIPG_TABLE_CONFIG__public_areas__GEOMCOL": "geom",
           "TIPG_DB_SPATIAL_EXTENT": "false", "TIPG_DB_DATETIME_EXTENT": "false", "TIPG_CATALOG_TTL": "3600"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "tipg.main:app", "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=home)
    return proc, _wait_for(proc, f"http://127.0.0.1:{port}", "/collections")


def _wait_for(proc: subprocess.Popen, base: str, path: str) -> str:
    """`base` once `path` answers 200; the process is killed if it never does."""
    for _ in range(150):
        try:
            if httpx.get(base + path, timeout=30).status_code == 200:
                return base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{base} did not come up")


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


RESULTS: list[tuple[Table, str]] = []  # every table reported in this process, for bench/RESULTS.md


def report(table: Table, note: str = "") -> None:
    """Print a result table (and its note), and keep it for RESULTS.md."""
    console.print(table)
    if note:
        console.print(note)
    RESULTS.append((table, note))


def markdown(table: Table) -> str:
    """A rich table as a Markdown table (markup such as [green] stripped)."""
    from rich.text import Text

    cells = [[Text.from_markup(str(c)).plain for c in col._cells] for col in table.columns]
    lines = [f"**{Text.from_markup(str(table.title)).plain}**", "",
             "| " + " | ".join(str(col.header) for col in table.columns) + " |",
             "|" + "|".join("---" if col.justify == "left" else "---:" for col in table.columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in zip(*cells)]
    return "\n".join(lines)


def compare(title: str, unit: str, ways, points: np.ndarray, clients: str, warm: bool = True) -> None:
    """Median of 3 runs of each way at each client count, side by side with the first way as the baseline."""
    table = Table(title=f"{title}, {os.cpu_count()} cores (median of 3 runs)")
    for col in ("path", "clients", unit, "p50 ms", "p99 ms", "vs first"):
        table.add_column(col, justify="left" if col == "path" else "right")
    for n in (int(c) for c in clients.split(",")):
        base_rate = None
        for name, make in ways:
            if warm:
                run_clients(points[:100], n, make)  # warm caches and connections
            runs = [run_clients(points, n, make) for _ in range(3)]
            rates = [len(lat) / wall for wall, lat in runs]
            rate = statistics.median(rates)
            p50, p99 = percentiles(runs[rates.index(rate)][1])
            base_rate = base_rate or rate
            table.add_row(name, str(n), f"{rate:,.0f}", f"{p50:.2f}", f"{p99:.2f}", f"{rate / base_rate:.2f}×")
    report(table, "Each server runs as one uvicorn worker; on 2 cores the server, PostGIS and the client share the CPU.")
