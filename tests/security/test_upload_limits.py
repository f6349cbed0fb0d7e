"""Security review, findings 1 and 4: every upload within limits of bytes, features, vertices, seconds and memory,
read off the event loop, so that one big plan no longer stalls every other client."""

import ast
import dataclasses
import statistics
import threading
import time

import httpx
import pytest

from geo.core.errors import InvalidInput
from geo.core.settings import PROJECT_ROOT, get_settings
from geo.core.uploads import sandbox
from geo.core.uploads.limits import Limits
from tests.city import DISTRICT, PASSWORD
from tests.e2e.conftest import fill_test_city, filled_database, serve
from tests.security.payloads import (
    geojson,
    geopackage_with,
    grids_frame,
    shapefile_parts,
    stubborn,
    whole_community,
    zipped,
)
from tests.security.test_uploads import assert_refused, upload


@pytest.fixture
def planner(login, city):
    return login("planner", DISTRICT)


@pytest.fixture
def limit(monkeypatch):
    """limit(NAME=value, …) lowers WANGGE_UPLOAD_<NAME> for this test."""
    def set_limits(**values):
        for name, value in values.items():
            monkeypatch.setenv(f"WANGGE_UPLOAD_MAX_{name.upper()}", str(value))
        get_settings.cache_clear()
    yield set_limits
    get_settings.cache_clear()


def csv_of(count: int) -> bytes:
    rows = ["code,name,wkt"] + [f"{code},{name},{geom.wkt}" for code, name, geom in
                                zip(*(grids_frame(count)[c] for c in ("code", "name", "geometry")))]
    return "\n".join(rows).encode()


def test_too_many_features_in_every_format(client, planner, limit, tmp_path):
    limit(features=2)
    shp = {f"g{k}": v for k, v in shapefile_parts(tmp_path / "shp", 3).items()}
    gpkg = tmp_path / "three.gpkg"
    grids_frame(3).to_file(gpkg, layer="grids", driver="GPKG")
    for filename, content in (("p.geojson", geojson(3)), ("p.csv", csv_of(3)), ("p.zip", zipped(shp)),
                              ("p.gpkg", gpkg.read_bytes())):
        assert_refused(upload(client, planner, filename, content), f"{filename}: more than 2 features")
    assert upload(client, planner, "p.geojson", geojson(2)).status_code == 201


def test_too_many_vertices_and_bytes(client, planner, limit):
    limit(vertices=100)
    dense = geojson(2, segment=0.0005)  # about 2 × 140 positions
    assert_refused(upload(client, planner, "p.geojson", dense), "vertices, at most 100")
    limit(vertices=5_000_000, bytes=1000)
    assert_refused(upload(client, planner, "p.geojson", dense), "larger than 1000 bytes")
    assert upload(client, planner, "p.geojson", geojson(2)).status_code == 201


def test_a_parse_over_the_time_limit_is_stopped_and_the_server_goes_on(client, planner, limit):
    big = geojson(60_000)  # several seconds of parsing on any machine
    limit(seconds=0.5)
    started = time.monotonic()
    assert_refused(upload(client, planner, "p.geojson", big), "took longer than 0.5 s")
    assert time.monotonic() - started < 15
    assert client.get("/api/v1/health").status_code == 200
    assert upload(client, planner, "p.geojson", geojson(2)).status_code == 201


def test_a_reader_that_ignores_sigterm_is_killed_at_the_deadline():
    limits = dataclasses.replace(Limits.from_settings(), seconds=1)
    started = time.monotonic()
    with pytest.raises(InvalidInput, match="took longer than 1 s"):
        sandbox.run(stubborn, name="stubborn", limits=limits)
    assert time.monotonic() - started < 1 + sandbox.GRACE_S
    assert sandbox.run(len, "still reading", name="len", limits=limits) == 13


def test_a_reader_beyond_the_memory_limit_is_refused():
    limits = dataclasses.replace(Limits.from_settings(), memory_bytes=1024 * 2**20)
    with pytest.raises(InvalidInput, match="too large to read within 1024 MiB"):
        sandbox.run(bytearray, 2 * 2**30, name="huge", limits=limits)


def test_a_reader_that_crashes_answers_a_message_not_a_traceback(tmp_path):
    from pathlib import Path
    with pytest.raises(InvalidInput, match="unexpected content") as refused:
        sandbox.run(Path.read_text, tmp_path / "missing", name="gone", limits=Limits.from_settings())
    assert "Traceback" not in str(refused.value)


def test_a_plain_geopackage_within_limits(client, planner, tmp_path):
    assert upload(client, planner, "p.gpkg", geopackage_with(tmp_path / "p.gpkg").read_bytes()).status_code == 201


# Every `async def` in the service, each checked to do no blocking work (no file, GDAL or database work): a new
# one fails this test until someone has looked at it and added it here.
NON_BLOCKING = {
    "api/main.py:deadline_watch",  # sleeps, then runs the round in the threadpool
    "api/main.py:lifespan",
    "api/errors.py:_domain", "api/errors.py:_validation", "api/errors.py:_http", "api/errors.py:_bad_value",
    "api/errors.py:_database_down", "api/errors.py:_busy", "api/errors.py:_unexpected",  # exception handlers: render a message
    "api/body_limit.py:__call__", "api/body_limit.py:_read", "api/body_limit.py:replay",  # ASGI middleware: the body
    "api/body_limit.py:_refuse",
    "api/security_headers.py:__call__", "api/security_headers.py:send_with_headers",  # ASGI middleware: headers
    "api/routers/plans.py:plan_source",  # awaits Starlette's form parser (spools to disk) or the body
}


def test_no_blocking_async_def():
    found = set()
    for package in ("api", "geo", "maps", "cli"):
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.AsyncFunctionDef):
                    found.add(f"{path.relative_to(PROJECT_ROOT)}:{node.name}")
    assert found == NON_BLOCKING


@pytest.fixture(scope="module")
def server(cluster, tmp_path_factory):
    url = filled_database(cluster, "wangge_uploads", fill_test_city)
    with serve(url, tmp_path_factory.mktemp("uploads-home")) as base:
        yield base


def health_during(base: str, send) -> tuple[list[float], float]:
    """Health latencies (s) polled from a second client while `send()` runs in a thread; and how long it ran."""
    done = threading.Event()
    took = []

    def run():
        started = time.monotonic()
        send()
        took.append(time.monotonic() - started)
        done.set()

    worker = threading.Thread(target=run)
    latencies = []
    with httpx.Client(base_url=base, timeout=60) as other:
        worker.start()
        while not done.is_set():
            started = time.monotonic()
            assert other.get("/api/v1/health").status_code == 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.1)
    worker.join()
    return latencies, took[0]


def test_health_answers_while_a_big_plan_is_read(server):
    with httpx.Client(base_url=server, timeout=300) as client:
        token = client.post("/api/v1/auth/token", data={"username": "planner", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        big = whole_community(990, segment=0.00028)  # a valid plan of 990 grids, 17.6 MB: parsed, checked, stored

        def send():
            r = client.post("/api/v1/plans", headers=headers, files={"file": ("big.geojson", big, "application/json")})
            assert r.status_code == 201, r.text

        latencies, took = health_during(server, send)
    print(f"\nplan of {len(big) / 1e6:.1f} MB took {took:.1f} s; health during it: median "
          f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, n={len(latencies)}")
    # On the event loop, a health check waited for the whole upload (10.6 s for the review's 14 MB plan).
    assert len(latencies) >= 5 and max(latencies) < 2.0 and max(latencies) < took / 2


def test_the_demo_reads_its_own_files_past_the_limits_meant_for_others(tmp_path, limit):
    from geo.territory.boundary_files import read_boundary_file
    path = tmp_path / "demo-grid.geojson"
    path.write_bytes(geojson(3))
    limit(features=2)
    with pytest.raises(InvalidInput, match="more than 2 features"):
        read_boundary_file(path)
    assert len(read_boundary_file(path, limits=Limits.own_files()).features) == 3
