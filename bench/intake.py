"""Intake benchmark: cases/s with locating, duplicate check, routing and dispatch, under concurrent load.

Side by side on the street-scale demo city (64 grids, 580 staff, a year of cases already in):
- SQL: a bare INSERT of the same case row, no locating or routing (the floor).
- create_case(): the domain function in-process, one transaction per case.
- HTTP POST /api/v1/cases on one uvicorn worker, with a bearer token.

Run: `python bench/intake.py [--cases 600] [--clients 1,4,8]`.
"""

import sys
from pathlib import Path

import httpx
import numpy as np
import psycopg
import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import compare, console, stage  # noqa: E402
from geo.access.actor import SYSTEM  # noqa: E402
from geo.cases.intake import NewCase, create_case  # noqa: E402
from geo.core import db  # noqa: E402
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
    def load(engine, home):
        with console.status("seeding the street-scale demo…"), db.session_factory(engine).begin() as s:
            seed_demo(s, "620302", "street", 1, workdir=home / "demo")

    with stage(load, role="command_center", scope="620302") as st:
        with st.engine.connect() as conn:
            inside = np.array(conn.exec_driver_sql(
                "SELECT ST_X(p.geom), ST_Y(p.geom) FROM areas, ST_Dump(ST_GeneratePoints(geom, 20, 7)) p "
                "WHERE level = 'grid' ORDER BY code, p.path").all())
        points = inside[np.random.default_rng(seed).choice(len(inside), size=cases)]  # every one inside a grid
        counter = [0]
        ways = [("SQL bare INSERT (no routing)", lambda: sql_worker(st.dsn)),
                ("create_case() in-process", lambda: domain_worker(st.engine, counter)),
                ("HTTP POST /api/v1/cases", lambda: api_worker(st.base, st.token, counter))]
        compare(f"case intake, {cases} cases per run", "cases/s", ways, points, clients, warm=False)


if __name__ == "__main__":
    typer.run(main)
