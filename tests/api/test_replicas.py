"""Read replicas for real: a primary and a streaming replica as two local PostGIS clusters.

Screens, tiles, heat maps and locate read from the replica; a caller who just wrote reads the primary until
the replica has their write; a lagging or stopped replica is passed over for the primary.
"""

import tempfile
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.main import create_app
from geo.access.accounts import create_user
from geo.core import db, migrate
from geo.core.cluster import Cluster
from tests.city import A1, COMM_A, build_city
from tests.conftest import PASSWORD

NEW_GRID = {"type": "Feature", "properties": {"code": f"{COMM_A}009", "name": "新网格"},
            "geometry": {"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.401, 39.90], [116.401, 39.901],
                                                             [116.40, 39.901], [116.40, 39.90]]]}}


@pytest.fixture(scope="module")
def pair():
    """A primary with the test city and two accounts, and its streaming replica (caught up)."""
    home = Path(tempfile.mkdtemp(prefix="wangge-replication-"))
    home.chmod(0o755)
    primary, replica = Cluster(home / "primary"), Cluster(home / "replica")
    primary.start()
    primary.ensure_database("wangge")
    engine = db.make_engine(primary.url("wangge"))
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as session:
        build_city(session)
        for name in ("writer", "reader"):
            create_user(session, username=name, password=PASSWORD, role="admin", scope_code=None)
    replica.init_replica(primary)
    replica.start()
    replica_engine = db.make_engine(replica.url("wangge"))
    yield primary, replica, engine, replica_engine
    replica_engine.dispose()
    engine.dispose()
    replica.destroy()
    primary.destroy()


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


def replayed_everything(engine, replica_engine) -> bool:
    """A fresh write on the primary, and whether the replica has replayed up to it."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET display_name = 'checked' WHERE username = 'reader'"))
        lsn = conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar()
    with replica_engine.connect() as conn:
        return conn.execute(text("SELECT pg_last_wal_replay_lsn() >= CAST(:l AS pg_lsn)"), {"l": lsn}).scalar()


def token(client, name):
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def grids_seen(client, headers) -> int:
    r = client.get("/api/v1/grids", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["numberMatched"]


def test_reads_go_to_the_replica_and_writers_read_their_writes(pair):
    primary, replica, engine, replica_engine = pair
    wait_for(lambda: replayed_everything(engine, replica_engine))
    app = create_app(engine, replica_urls=[replica.url("wangge")])
    with TestClient(app) as client:
        writer, reader = token(client, "writer"), token(client, "reader")
        before = grids_seen(client, reader)
        pausing = db.make_engine(replica.admin_url("wangge"))  # only a superuser may pause replay
        with pausing.connect() as conn:  # hold the replica back: what it serves is now visibly stale
            conn.execute(text("SELECT pg_wal_replay_pause()"))
        app.state.reads.max_lag_s = 3600
        r = client.post("/api/v1/cases", headers=writer, json={"category": "env_garbage", "lon": 116.41, "lat": 39.95})
        assert r.status_code == 201, r.text
        with engine.begin() as conn:  # another writer's change the reader cannot see yet
            conn.execute(text("UPDATE area_records SET name = 'renamed' WHERE code = :c"), {"c": A1})
        heat = client.get("/api/v1/cases/heat", headers=writer, params={"zoom": 14}).json()
        assert heat["total"] == 1  # the writer reads the primary: their case is there
        assert client.get(f"/api/v1/grids/{A1}", headers=reader).json()["properties"]["name"] == "甲一网格"  # replica
        app.state.reads.max_lag_s = 0.2  # now the paused replica is too far behind for anyone
        time.sleep(0.5)
        assert client.get(f"/api/v1/grids/{A1}", headers=reader).json()["properties"]["name"] == "renamed"
        with pausing.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
        pausing.dispose()
        app.state.reads.max_lag_s = 5
        wait_for(lambda: client.get(f"/api/v1/grids/{A1}", headers=reader).json()["properties"]["name"] == "renamed")
        assert app.state.reads.engine_for("user:reader") is app.state.reads.replicas[0]
        assert grids_seen(client, reader) == before


def test_a_stopped_replica_is_passed_over(pair):
    primary, replica, engine, replica_engine = pair
    app = create_app(engine, replica_urls=[replica.url("wangge")])
    with TestClient(app) as client:
        reader = token(client, "reader")
        assert app.state.reads.engine_for(None) is app.state.reads.replicas[0]
        replica.stop()
        try:
            assert grids_seen(client, reader) >= 7
            assert app.state.reads.engine_for(None) is engine
            assert client.get("/api/v1/locate", headers=reader, params={"lon": 116.41, "lat": 39.95}).json()[
                "grid"]["code"] == A1
        finally:
            replica.start()
