"""Finding 3: acknowledged before committed.

`get_session` committed after `yield`, which FastAPI ran after the response was sent: 6 of 400 cases read right
after their 201 answered 404, and in a kill -9 run one acknowledged case was gone. Now the session commits when
the endpoint returns, before the response: these tests use real processes and a real PostgreSQL.
"""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from api.main import create_app
from geo.core import db, migrate
from geo.core.cluster import Cluster
from tests.city import PASSWORD, build_city, staff_the_city
from tests.conftest import committed_city, fresh_database
from tests.security.processes import Server, kill_postgres

WRITERS = 8
CASE = {"category": "env_garbage", "lon": 116.43, "lat": 39.95, "channel": "hotline", "description": "durability"}


def token(client: httpx.Client, username: str = "command") -> dict:
    """Bearer headers of one of the test city's accounts."""
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_case_is_readable_the_moment_its_201_arrives(cluster, tmp_path):
    """400 cases from 8 writers, each read back at once on another connection: none answers 404."""
    with committed_city(cluster, "wangge_ack") as engine:
        server = Server(engine.url.render_as_string(hide_password=False), tmp_path)
        server.start()
        try:
            with httpx.Client(base_url=server.base) as c:
                headers = token(c)

            def write_then_read(_) -> int:
                with httpx.Client(base_url=server.base, headers=headers) as writer, \
                        httpx.Client(base_url=server.base, headers=headers) as reader:
                    created = writer.post("/api/v1/cases", json=CASE)
                    assert created.status_code == 201, created.text
                    return reader.get(f"/api/v1/cases/{created.json()['id']}").status_code

            with ThreadPoolExecutor(WRITERS) as pool:
                statuses = list(pool.map(write_then_read, range(400)))
        finally:
            server.stop()
    assert statuses.count(200) == 400, {s: statuses.count(s) for s in set(statuses)}


def test_a_commit_that_fails_is_an_error_to_the_client_not_a_201(cluster):
    """The database refuses the commit: the client hears 503, and no case exists."""
    with committed_city(cluster, "wangge_failed_commit") as engine:
        with TestClient(create_app(engine)) as client:
            headers = token(client)
            refuse = {"on": True}

            def fail_commit(conn):
                if refuse["on"]:
                    raise OperationalError("COMMIT", {}, Exception("the server closed the connection"))

            event.listen(engine, "commit", fail_commit)
            try:
                r = client.post("/api/v1/cases", json=CASE | {"description": "never committed"}, headers=headers)
            finally:
                refuse["on"] = False
                event.remove(engine, "commit", fail_commit)
        assert r.status_code == 503, r.text
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cases WHERE description = 'never committed'")).scalar() == 0


def wait_for(condition, seconds: float) -> float | None:
    """Seconds until `condition()` held, or None after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.1)
    return None


@pytest.fixture
def durable_cluster(tmp_path):
    """A cluster of its own with PostgreSQL's durable defaults (the suite's shared one runs without fsync and
    synchronous commit, which a crash may rightly lose)."""
    c = Cluster(tmp_path / "durable")
    tmp_path.chmod(0o755)  # as root the server runs as `postgres`, which must reach the data under it
    c.start()
    yield c
    c.destroy()


def test_no_acknowledged_case_is_lost_when_the_server_and_postgres_are_killed(durable_cluster, tmp_path):
    """8 writers with idempotency keys while the API server and then the postmaster die by SIGKILL and come back:
    every acknowledged case is there, once, under the id it was acknowledged with; retries made no duplicates."""
    url = fresh_database(durable_cluster, "wangge")
    engine = db.make_engine(url)
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as s:
        build_city(s)
        staff_the_city(s)
    server = Server(url, tmp_path / "home")
    server.start()
    acknowledged: dict[str, int] = {}
    lock, stop = threading.Lock(), threading.Event()
    with httpx.Client(base_url=server.base) as c:
        headers = token(c)

    def writer(n: int) -> None:
        """Report cases one after another; retry each with its key until it is acknowledged."""
        with httpx.Client(base_url=server.base, headers=headers, timeout=10) as client:
            while not stop.is_set():
                key = f"w{n}-{uuid.uuid4()}"
                while True:
                    try:
                        r = client.post("/api/v1/cases", json=CASE | {"description": key},
                                        headers={"Idempotency-Key": key})
                        if r.status_code in (200, 201):
                            with lock:
                                acknowledged[key] = r.json()["id"]
                            break
                    except httpx.TransportError:
                        pass
                    if stop.is_set():
                        return  # an unacknowledged report may or may not exist: only acknowledged ones count
                    time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    try:
        time.sleep(3)
        server.kill()
        before_server_crash = len(acknowledged)
        server.start()
        time.sleep(3)
        kill_postgres(durable_cluster)
        before_db_crash = len(acknowledged)
        time.sleep(1)
        durable_cluster.start()
        assert wait_for(lambda: len(acknowledged) > before_db_crash + WRITERS, 60) is not None, "no recovery in 60 s"
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        server.stop()
    assert 0 < before_server_crash < before_db_crash < len(acknowledged), (before_server_crash, before_db_crash)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT description, array_agg(id) FROM cases WHERE description LIKE 'w%' "
                                 "GROUP BY description")).all()
    engine.dispose()
    stored = {key: ids for key, ids in rows}
    lost = [key for key in acknowledged if key not in stored]
    duplicated = {key: ids for key, ids in stored.items() if len(ids) > 1}
    moved = [key for key, case_id in acknowledged.items() if key in stored and stored[key] != [case_id]]
    assert not lost and not duplicated and not moved, (len(acknowledged), lost[:5], duplicated, moved[:5])
