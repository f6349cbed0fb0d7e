"""A real server on a committed test database, and pages in Debian's Chromium (tests/chromium.py's `browser`)."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from geo.access.accounts import create_user
from geo.core import db, migrate
from geo.core.cluster import free_port
from geo.synth import seed_demo
from tests.city import PASSWORD, build_city, staff_the_city
from tests.conftest import fresh_database

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def server(cluster, tmp_path_factory):
    """uvicorn serving the test city with a few open cases; yields its base URL."""
    url = filled_database(cluster, "wangge_e2e", fill_test_city)
    with serve(url, tmp_path_factory.mktemp("e2e-home")) as base:
        yield base


def filled_database(cluster, name: str, fill) -> str:
    """The URL of a fresh, migrated database `name` after fill(session) committed."""
    if cluster is None:
        pytest.skip("needs the embedded test cluster")
    url = fresh_database(cluster, name)
    engine = db.make_engine(url)
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as session:
        fill(session)
    engine.dispose()
    return url


def fill_test_city(s) -> None:
    """The test city, its staff, an admin `boss`, three open cases and two buildings in 甲二."""
    build_city(s)
    staff_the_city(s)
    create_user(s, username="boss", password=PASSWORD, role="admin", scope_code=None)
    for lon, lat, grid, status, overdue in ((116.41, 39.95, "110105001001001", "handling", True),
                                            (116.43, 39.95, "110105001001002", "dispatched", False),
                                            (116.45, 39.95, "110105001002001", "registered", False)):
        s.execute(text("INSERT INTO cases (category, status, overdue, geom, grid_code, reported_at) VALUES "
                       "('env_garbage', :s, :o, ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, now())"),
                  {"s": status, "o": overdue, "x": lon, "y": lat, "g": grid})
    for name, lat in (("甲二北楼", 39.957), ("甲二南楼", 39.935)):
        s.execute(text("INSERT INTO buildings (name, geom) VALUES (:n, ST_SetSRID(ST_MakePoint(116.43, :y), 4326))"),
                  {"n": name, "y": lat})


@pytest.fixture(scope="session")
def amap_server(server, cluster, tmp_path_factory):
    """The same city served with the AMap basemap (GCJ-02), which this offline machine cannot reach."""
    with serve(cluster.url("wangge_e2e"), tmp_path_factory.mktemp("amap-home"), WANGGE_BASEMAP="amap") as base:
        yield base


@contextmanager
def serve(url: str, home: Path, app: str = "api.main:app", **env):
    """uvicorn serving `app` on a free port over the database at `url`; yields the base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "WANGGE_HOME": str(home), "WANGGE_TICK_SECONDS": "0", **env}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=Path(__file__).resolve().parents[2])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    p = context.new_page()
    yield p
    context.close()


def login(page, base: str, username: str = "boss", path: str = "/maps/command-center", password: str = PASSWORD) -> None:
    page.goto(base + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**" + path)


@pytest.fixture(scope="session")
def demo_server(cluster, tmp_path_factory):
    """uvicorn serving the `street` demo city (64 grids, ~2,600 cases) as `make demo` seeds it."""
    workdir = tmp_path_factory.mktemp("demo")
    url = filled_database(cluster, "wangge_e2e_demo", lambda s: seed_demo(s, "620302", "street", 1, workdir=workdir))
    with serve(url, tmp_path_factory.mktemp("demo-home")) as base:
        yield base


def screen_point(page, lat, lon):
    """Page coordinates of a WGS84 point on the page's map (through the map's own CRS)."""
    return page.evaluate(f"(() => {{ const p = window.wangge.map.latLngToContainerPoint([{lat}, {lon}]);"
                         f" const r = window.wangge.map.getContainer().getBoundingClientRect();"
                         f" return [r.left + p.x, r.top + p.y]; }})()")


def visible_marker(page):
    """The page coordinates of the centre of a case marker inside the view (waits for one)."""
    return page.wait_for_function("""() => {
        const box = [...document.querySelectorAll('.case-marker')].map(e => e.getBoundingClientRect())
            .find(r => r.width > 0 && r.left > 0 && r.top > 0 && r.right < innerWidth && r.bottom < innerHeight);
        return box ? [box.left + box.width / 2, box.top + box.height / 2] : null;
    }""", timeout=10_000).json_value()
