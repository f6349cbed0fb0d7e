"""Field work benchmark: a district's day of patrol positions through the API against a raw COPY, and the field
figures (GET /api/v1/analytics/field) on the demo against plain SQL computing the same counts.

1. Positions: `--workers` grid workers (one account and open patrol each, on bench/city.py's grids) walk `--hours`
   at one fix per WANGGE_PATROL_SECONDS; each phone sends `--batch` fixes a request (40 = every 10 minutes),
   batch by batch across all workers, from a pool of `--clients` threads through POST /api/v1/patrols/{id}/points
   on one uvicorn worker. The peer is one COPY of the same rows into patrol_points. Tokens are signed here with
   the server's key (600 logins would measure argon2, not the positions).
2. Figures: the demo (`--scale`, district by default) seeded with its year of field work; level=grid over the last
   30 days, median of `--runs`, against one hand-written statement for visit coverage and patrol hours; the table
   says whether both found the same numbers in every grid.

Run: `python bench/field.py [--quick]` (part of `make bench`). Everything runs on throwaway PostGIS clusters.
"""

import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import numpy as np
import typer
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import city  # noqa: E402
from bench.harness import PASSWORD, console, percentiles, report, stage  # noqa: E402
from geo.access.accounts import ALGORITHM, hash_password  # noqa: E402
from geo.core import db  # noqa: E402
from geo.core.bulk import copy_rows, raw_connection  # noqa: E402
from geo.core.time import CHINA  # noqa: E402
from geo.synth import seed_demo  # noqa: E402

EVERY_S = 15
KEY = "bench-" + "k" * 40  # bench/harness.py's WANGGE_SECRET_KEY for the server


def load_workers(engine, workers: int) -> None:
    """bench/city.py's grids (communities of 5×5), an account for each of the first `workers` full-time workers."""
    city.load(engine, max(workers, 25), side_grids=5)
    with db.session_factory(engine).begin() as s:
        s.execute(text("""
            WITH w AS (SELECT a.staff_id, a.area_code, row_number() OVER (ORDER BY a.area_code) AS n
                       FROM staff_assignments a WHERE a.duty = 'fulltime_worker' ORDER BY a.area_code LIMIT :n),
            u AS (INSERT INTO users (username, password_hash, role, scope_code)
                  SELECT 'gw' || n, :hash, 'grid_worker', area_code FROM w RETURNING id, username)
            UPDATE staff s SET user_id = u.id FROM w JOIN u ON u.username = 'gw' || w.n WHERE s.id = w.staff_id"""),
                  {"n": workers, "hash": hash_password(PASSWORD)})


def open_patrols(engine, started: datetime) -> list[tuple[int, str, float, float]]:
    """A new open patrol for every account's worker (the last ones finished): (patrol id, token, lon, lat)."""
    with db.session_factory(engine).begin() as s:
        s.execute(text("UPDATE patrols SET finished_at = now() WHERE finished_at IS NULL"))
        rows = s.execute(text("""
            INSERT INTO patrols (staff_id, grid_code, started_at, created_by)
            SELECT s.id, a.area_code, :started, u.id FROM users u JOIN staff s ON s.user_id = u.id
            JOIN staff_assignments a ON a.staff_id = s.id AND a.duty = 'fulltime_worker'
            RETURNING id, created_by, (SELECT ST_X(ST_PointOnSurface(geom)) FROM areas WHERE code = grid_code),
                      (SELECT ST_Y(ST_PointOnSurface(geom)) FROM areas WHERE code = grid_code)"""),
                         {"started": started}).all()
        users = dict(s.execute(text("SELECT id, username FROM users")).all())
        versions = dict(s.execute(text("SELECT id, token_version FROM users")).all())
    now = datetime.now(UTC)
    return [(pid, jwt.encode({"sub": users[uid], "uid": uid, "ver": versions[uid], "iat": now,
                              "exp": now + timedelta(hours=2)}, KEY, algorithm=ALGORITHM), lon, lat)
            for pid, uid, lon, lat in sorted(rows)]


def walks(patrols, started: datetime, n: int, rng) -> list[dict]:
    """Each patrol's `n` fixes: a walk of about a metre a second round its grid's middle."""
    out = []
    stamps = [(started + timedelta(seconds=EVERY_S * k)).isoformat() for k in range(n)]
    for _, _, lon, lat in patrols:
        steps = rng.normal(0, 1.1e-4, (n, 2))  # about 12 m a fix
        xy = np.cumsum(steps, axis=0) * 0.3 + [lon, lat]
        acc = np.round(rng.gamma(4.0, 2.5, n) + 3, 1)
        out.append({"t": stamps, "lon": xy[:, 0].tolist(), "lat": xy[:, 1].tolist(), "accuracy": acc.tolist()})
    return out


def through_api(base: str, patrols, tracks, batch: int, clients: int) -> tuple[float, list[float], int]:
    """Every batch of every patrol POSTed from `clients` threads, batch k of all workers before batch k+1:
    wall seconds, latencies, points accepted."""
    local = threading.local()
    n = len(tracks[0]["t"])
    jobs = [(i, k) for k in range(0, n, batch) for i in range(len(patrols))]

    def send(job):
        i, k = job
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=120)
        pid, token = patrols[i][0], patrols[i][1]
        tr = tracks[i]
        body = {"points": [{"t": tr["t"][j], "lon": tr["lon"][j], "lat": tr["lat"][j], "accuracy": tr["accuracy"][j]}
                           for j in range(k, min(k + batch, n))]}
        t0 = time.perf_counter()
        r = local.client.post(f"/api/v1/patrols/{pid}/points", json=body, headers={"Authorization": f"Bearer {token}"})
        r.raise_for_status()
        return time.perf_counter() - t0, r.json()["accepted"]

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(send, jobs))
    return time.perf_counter() - t0, [r[0] for r in results], sum(r[1] for r in results)


def by_copy(engine, patrols, tracks) -> tuple[float, int]:
    """The same rows in one COPY into patrol_points and a commit: seconds, rows."""
    rows = [(pid, t, f"SRID=4326;POINT({x} {y})", a) for (pid, *_), tr in zip(patrols, tracks)
            for t, x, y, a in zip(tr["t"], tr["lon"], tr["lat"], tr["accuracy"])]
    with db.session_factory(engine)() as s:
        raw_connection(s)  # connected before the clock starts
        t0 = time.perf_counter()
        copy_rows(s, "patrol_points", ["patrol_id", "t", "geom", "accuracy"], rows)
        s.commit()
        return time.perf_counter() - t0, len(rows)


def positions(workers: int, hours: float, batch: int, clients: int, runs: int) -> None:
    """Part 1: the day's positions through the API and by COPY, median of `runs` each."""
    n = int(hours * 3600 // EVERY_S)
    rng = np.random.default_rng(20)
    with stage(lambda engine, home: load_workers(engine, workers)) as st:
        api_runs, copy_runs = [], []
        for _ in range(runs):
            started = datetime.now(UTC) - timedelta(seconds=n * EVERY_S + 120)
            patrols = open_patrols(st.engine, started)
            tracks = walks(patrols, started, n, rng)
            wall, latencies, accepted = through_api(st.base, patrols, tracks, batch, clients)
            assert accepted == len(patrols) * n, (accepted, len(patrols) * n)
            api_runs.append((wall, latencies, accepted))
            patrols = open_patrols(st.engine, started)
            copy_runs.append(by_copy(st.engine, patrols, tracks))
        with st.engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM patrol_points")).scalar()
        assert stored == 2 * runs * workers * n, stored
    rates = [accepted / wall for wall, _, accepted in api_runs]
    api_rate = statistics.median(rates)
    p50, p99 = percentiles(api_runs[rates.index(api_rate)][1])
    copy_rate = statistics.median(rows / secs for secs, rows in copy_runs)
    total = workers * n
    table = Table(title=f"a day of patrol positions: {workers:,} workers × {hours:g} h at one fix per {EVERY_S} s = "
                        f"{total:,} points (median of {runs})")
    for col in ("path", "requests", "points/s", "p50 ms", "p99 ms", "seconds", "vs COPY"):
        table.add_column(col, justify="left" if col == "path" else "right")
    table.add_row(f"POST /patrols/{{id}}/points, {batch} a request, {clients} clients", f"{len(api_runs[0][1]):,}",
                  f"{api_rate:,.0f}", f"{p50:.1f}", f"{p99:.1f}", f"{total / api_rate:.1f}", f"{api_rate / copy_rate:.3f}×")
    table.add_row("COPY into patrol_points (one connection)", "1", f"{copy_rate:,.0f}", "", "",
                  f"{total / copy_rate:.1f}", "1.000×")
    report(table, "The API checks each fix (time, place, accuracy), stores it ON CONFLICT DO NOTHING and recomputes the "
                  "patrol's length from all its points on every batch; COPY only writes rows. One uvicorn worker; on "
                  "2 cores the server, PostGIS and the clients share the CPU.")


PEER_SQL = """
WITH hh AS (
    SELECT b.grid_code, count(*) AS households,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id
                                          AND v.visited_at >= :since AND v.visited_at < :until)) AS visited
    FROM households h JOIN buildings b ON b.id = h.building_id GROUP BY b.grid_code
), pt AS (
    SELECT grid_code, sum(seconds) AS seconds FROM (
        SELECT grid_code, extract(epoch FROM finished_at - started_at) AS seconds FROM patrols
        WHERE finished_at IS NOT NULL AND started_at >= :since AND started_at < :until
        UNION ALL
        SELECT grid_code, seconds FROM patrol_days WHERE day BETWEEN :first AND :last) p
    GROUP BY grid_code
)
SELECT a.code, coalesce(hh.households, 0), coalesce(hh.visited, 0), round(coalesce(pt.seconds, 0) / 3600.0, 2)
FROM areas a LEFT JOIN hh ON hh.grid_code = a.code LEFT JOIN pt ON pt.grid_code = a.code
WHERE a.level = 'grid' ORDER BY a.code
"""


def figures(scale: str, runs: int) -> None:
    """Part 2: GET /analytics/field?level=grid for 30 days on the demo against the plain SQL."""
    now = datetime.now(UTC).replace(microsecond=0)
    last = now.astimezone(CHINA).date()
    first = last - timedelta(days=29)
    seeded: dict = {}

    def load(engine, home):
        t0 = time.perf_counter()
        with console.status(f"seeding the {scale} demo with its year of field work…"), \
                db.session_factory(engine).begin() as s:
            seeded.update(seed_demo(s, "620302", scale, 1, workdir=Path(tempfile.mkdtemp(dir=home)), now=now).counts)
        seeded["seconds"] = time.perf_counter() - t0
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))

    with stage(load) as st, httpx.Client(base_url=st.base, timeout=300,
                                         headers={"Authorization": f"Bearer {st.token}"}) as client:
        console.print(f"seeded in {seeded['seconds']:.0f} s: {seeded}")
        params = {"level": "grid", "from": first.isoformat(), "to": last.isoformat()}

        def api():
            r = client.get("/api/v1/analytics/field", params=params)
            r.raise_for_status()
            return r.json()["rows"]

        since = datetime.combine(first, datetime.min.time(), CHINA)
        until = datetime.combine(last + timedelta(days=1), datetime.min.time(), CHINA)
        with db.session_factory(st.engine)() as session:
            def peer():
                rows = session.execute(text(PEER_SQL), {"since": since, "until": until, "first": first,
                                                        "last": last}).all()
                session.rollback()
                return rows
            api_s, ours = timed(api, runs)
            peer_s, theirs = timed(peer, runs)
    mine = [(r["code"], r["households"], r["households_visited"], round(float(r["patrol_hours"]), 2)) for r in ours]
    peer_rows = [(c, int(h), int(v), round(float(p), 2)) for c, h, v, p in theirs]
    # Counts exactly; hours to the hundredth both round to (Python's float rounding and SQL's numeric may differ by one)
    agree = len(mine) == len(peer_rows) and all(a[:3] == b[:3] and abs(a[3] - b[3]) <= 0.011
                                                for a, b in zip(mine, peer_rows))
    visited = sum(r[2] for r in peer_rows) / max(1, sum(r[1] for r in peer_rows))
    hours = sum(r[3] for r in peer_rows)
    table = Table(title=f"field figures per grid, {first} to {last}, on the {scale} demo ({len(peer_rows):,} grids, "
                        f"{seeded.get('visits', 0):,} visits, {seeded.get('patrols', 0):,} patrols; median of {runs})")
    for col in ("way", "seconds", "vs plain SQL", "same numbers"):
        table.add_column(col, justify="left" if col == "way" else "right")
    table.add_row("GET /api/v1/analytics/field?level=grid (all figures)", f"{api_s:.3f}", f"{api_s / peer_s:.2f}×",
                  "yes" if agree else "[red]NO[/red]")
    table.add_row("plain SQL: visit coverage and patrol hours", f"{peer_s:.3f}", "1.00×", "")
    report(table, f"Visit coverage in the period {visited:.1%}, {hours:,.0f} patrol hours. The endpoint also computes "
                  "care on time, proactive share, key points and workers, and answers JSON over HTTP; the peer asks "
                  f"two of its figures. The demo was seeded in {seeded['seconds']:.0f} s.")
    if not agree:
        diff = [(a, b) for a, b in zip(mine, peer_rows) if a[:3] != b[:3] or abs(a[3] - b[3]) > 0.011][:5]
        console.print(f"[red]first differences (api, sql): {diff}[/red]")


def timed(run, times: int) -> tuple[float, object]:
    """Median seconds of `times` runs after a warm-up, and the last result."""
    result = run()
    spent = []
    for _ in range(times):
        t0 = time.perf_counter()
        result = run()
        spent.append(time.perf_counter() - t0)
    return statistics.median(spent), result


def main(quick: bool = typer.Option(False, "--quick", help="Small sizes: 40 workers for half an hour, street demo"),
         workers: int = typer.Option(600, help="Grid workers sending positions"),
         hours: float = typer.Option(4.0, help="Hours of positions per worker"),
         batch: int = typer.Option(40, help="Positions a request"),
         clients: int = typer.Option(16, help="Client threads"),
         scale: str = typer.Option("district", help="Demo scale for the figures"),
         runs: int = typer.Option(3, help="Runs of each way"),
         part: str = typer.Option("both", help="positions, figures or both")) -> None:
    """Positions through the API against COPY, then the field figures against plain SQL."""
    if quick:
        workers, hours, scale = 40, 0.5, "street"
    if part in ("both", "positions"):
        positions(workers, hours, batch, clients, runs)
    if part in ("both", "figures"):
        figures(scale, max(runs, 5))


if __name__ == "__main__":
    typer.run(main)
