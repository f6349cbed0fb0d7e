"""Intake benchmark: cases/s with locating, duplicate check, routing and dispatch, under concurrent load.

Side by side on the street-scale demo city (64 grids, 580 staff, a year of cases already in):
- SQL: a bare INSERT of the same case row, no locating or routing (the floor).
- create_case(): the domain function in-process, one transaction per case.
- HTTP POST /api/v1/cases on one uvicorn worker, with a bearer token.

Run: `python bench/intake.py [--cases 600] [--clients 1,4,8]`.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psycopg
import typer
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.locate import PASSWORD, console, percentiles, run_clients, start_api  # noqa: E402
from geo import db, migrate  # noqa: E402
from geo.accounts import create_user  # noqa: E402
from geo.cases.intake import NewCase, create_case  # noqa: E402
from geo.cases.workflow import SYSTEM  # noqa: E402
from geo.cluster import Cluster  # noqa: E402
from geo.synth import seed_demo  # noqa: E402

CATEGORIES = ["env_garbage", "order_parking", "noise", "dispute_property", "facility_streetlight", "order_illegal_building"]


def sql_worker(dsn: str):
    conn = psycopg.connect(dsn, autocommit=True)

    def call(lon, lat):
        conn.execute("INSERT INTO cases (category, status, geom) VALUES ('env_garbage', 'registered', "
                     "ST_SetSRID(ST_MakePoint(%s, %s), 4326))", (lon, lat))
    return call, conn.close


def domain_worker(engine, counter):
    sessions = db.session_factory(engine)

    def call(lon, lat):
        counter[0] += 1
        with sessions.begin() as s:
            create_case(s, NewCase(CATEGORIES[counter[0] % len(CATEGORIES)], lon=lon, lat=lat), SYSTEM)
    return call, lambda: None


def api_worker(base: str, token: str, counter):
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})

    def call(lon, lat):
        counter[0] += 1
        r = client.post("/api/v1/cases", json={"category": CATEGORIES[counter[0] % len(CATEGORIES)], "lon": lon, "lat": lat})
        assert r.status_code == 201, r.text
    return call, client.close


def main(cases: int = typer.Option(600, help="Cases per measurement"),
         clients: str = typer.Option("1,4,8", help="Concurrent clients, comma-separated"),
         seed: int = typer.Option(3, help="Random seed of the case positions")) -> None:
    """Measure intake through bare SQL, the domain function and the HTTP API."""
    home = Path(tempfile.mkdtemp(prefix="wangge-bench-"))
    home.chmod(0o755)  # as root the server runs as `postgres`, which must reach the data
    cluster = Cluster(home, fast=True)
    api = None
    try:
        with console.status("starting PostGIS and seeding the street-scale demo…"):
            cluster.start()
            cluster.ensure_database("bench")
            url = cluster.url("bench")
            engine = db.make_engine(url)
            migrate.upgrade(engine)
            with db.session_factory(engine).begin() as s:
                seed_demo(s, "620302", "street", 1, workdir=home / "demo")
                create_user(s, username="bench", password=PASSWORD, role="command_center", scope_code="620302")
        with engine.connect() as conn:
            inside = np.array(conn.exec_driver_sql(
                "SELECT ST_X(p.geom), ST_Y(p.geom) FROM areas, ST_Dump(ST_GeneratePoints(geom, 20, 7)) p "
                "WHERE level = 'grid' ORDER BY code, p.path").all())
        api, base = start_api(url, home)
        token = httpx.post(base + "/api/v1/auth/token", data={"username": "bench", "password": PASSWORD}).json()["access_token"]
        points = inside[np.random.default_rng(seed).choice(len(inside), size=cases)]  # every one inside a grid
        counter = [0]
        ways = [("SQL bare INSERT (no routing)", lambda: sql_worker(url.replace("postgresql+psycopg", "postgresql"))),
                ("create_case() in-process", lambda: domain_worker(engine, counter)),
                ("HTTP POST /api/v1/cases", lambda: api_worker(base, token, counter))]
        table = Table(title=f"case intake, {cases} cases per run, median of 3 runs")
        for col in ("path", "clients", "cases/s", "p50 ms", "p99 ms", "vs SQL"):
            table.add_column(col, justify="left" if col == "path" else "right")
        for n in (int(c) for c in clients.split(",")):
            base_rate = None
            for name, make in ways:
                runs = [run_clients(points, n, make) for _ in range(3)]
                rates = [len(lat) / wall for wall, lat in runs]
                rate = statistics.median(rates)
                p50, p99 = percentiles(runs[rates.index(rate)][1])
                base_rate = base_rate or rate
                table.add_row(name, str(n), f"{rate:,.0f}", f"{p50:.2f}", f"{p99:.2f}", f"{rate / base_rate:.2f}×")
        console.print(table)
        engine.dispose()
    finally:
        if api:
            api.terminate()
            api.wait(10)
        cluster.destroy()


if __name__ == "__main__":
    typer.run(main)
