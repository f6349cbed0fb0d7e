"""Patrols and key points through the API: the phone's round trip, retries racing on a committed database, who
reads whose track (and that each read is audited), check-in distances, findings, and the key point endpoints."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.main import create_app
from geo.core import db, migrate
from geo.core.time import CHINA
from tests.api.test_openapi import conforms
from tests.city import A1, B1, COMM_B, PASSWORD
from tests.conftest import fresh_database
from tests.field_city import build_field_city
from tests.geo.field.test_patrols import TRACK, TRACK_M, near, person

START = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)


def track(coords=TRACK, start=START, step=15) -> list[dict]:
    """Positions as the phone sends them: ISO 8601 with its offset (Beijing)."""
    return [{"t": (start + timedelta(seconds=step * (i + 1))).astimezone(CHINA).isoformat(), "lon": x, "lat": y,
             "accuracy": 6}
            for i, (x, y) in enumerate(coords)]


@pytest.fixture
def field(session):
    ids = build_field_city(session)
    person(session, "commB", "community_staff", COMM_B, "community_staff")
    from geo.access.accounts import create_user
    create_user(session, username="police", password=PASSWORD, role="department", scope_code="110105", department="公安")
    return ids


def sign_in(client, name) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "en"}


@pytest.fixture
def as_user(client, field):
    tokens = {}

    def headers(name):
        if name not in tokens:
            tokens[name] = sign_in(client, name)
        return tokens[name]
    return headers


def start(client, headers, key=None, expect=201, **body) -> dict:
    r = client.post("/api/v1/patrols", json={"started_at": START.isoformat(), **body},
                    headers=headers | ({"Idempotency-Key": key} if key else {}))
    assert r.status_code == expect, r.text
    return r.json()


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").json()


def test_a_patrol_from_start_to_finish(client, as_user, field, spec):
    w1 = as_user("w1")
    first = client.post("/api/v1/patrols", json={"started_at": START.isoformat()}, headers=w1 | {"Idempotency-Key": "p1"})
    assert first.status_code == 201 and conforms(spec, "/api/v1/patrols", "post", first) == []
    patrol = first.json()
    assert (patrol["grid"], patrol["staff"]["name"]) == ({"code": A1, "name": "甲一网格"}, "w1")
    assert start(client, w1, "p1", expect=200)["id"] == patrol["id"]
    clash = client.post("/api/v1/patrols", json={}, headers=w1 | {"Idempotency-Key": "p2"})
    assert clash.status_code == 409 and clash.json()["patrol_id"] == patrol["id"], clash.text
    assert client.get("/api/v1/patrols/current", headers=w1).json()["id"] == patrol["id"]
    assert client.get("/api/v1/patrols/current", headers=as_user("w2")).json() is None
    sent = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": track()}, headers=w1)
    assert sent.status_code == 200 and conforms(spec, "/api/v1/patrols/{patrol_id}/points", "post", sent) == []
    assert (sent.json()["accepted"], sent.json()["duplicates"]) == (3, 0)
    assert sent.json()["patrol"]["length_m"] == pytest.approx(TRACK_M, abs=0.05)
    again = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": track()}, headers=w1).json()
    assert (again["accepted"], again["duplicates"], again["patrol"]["points"]) == (0, 3, 3)
    feature = client.get(f"/api/v1/patrols/{patrol['id']}", headers=w1)
    assert feature.headers["content-type"].startswith("application/geo+json")
    assert conforms(spec, "/api/v1/patrols/{patrol_id}", "get", feature) == []
    assert feature.json()["geometry"] == {"type": "LineString", "coordinates": [list(p) for p in TRACK]}
    done = client.post(f"/api/v1/patrols/{patrol['id']}/finish", headers=w1)
    assert done.status_code == 200 and done.json()["finished_at"] and conforms(
        spec, "/api/v1/patrols/{patrol_id}/finish", "post", done) == []
    twice = client.post(f"/api/v1/patrols/{patrol['id']}/finish", json={}, headers=w1)
    assert twice.json() == done.json()
    late = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": track(start=START + timedelta(1))},
                       headers=w1)
    assert late.status_code == 409 and "only while a patrol is open" in late.json()["detail"]
    listed = client.get("/api/v1/patrols", headers=w1)
    assert conforms(spec, "/api/v1/patrols", "get", listed) == [] and listed.json()["numberMatched"] == 1


@pytest.mark.parametrize("change, words", [
    ({"t": (START - timedelta(seconds=1)).isoformat()}, "point 1: .* is before the patrol's start"),
    # a day ahead, not six minutes: the parameters are made when the tests are collected, maybe minutes before this runs
    ({"t": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, "point 1: .* more than 5 minutes in the future"),
    ({"lon": 2.35, "lat": 48.85}, "point 1: .* outside the service area"),
    ({"accuracy": -3}, "point 1: accuracy -3.0 is negative"),
    ({"t": "2026-12-01T08:00:00"}, "point 1: .* no UTC offset"),
    ({"t": 1764547200}, "points.1.t"),
])
def test_bad_positions_are_refused_naming_the_point(client, as_user, change, words):
    import re
    patrol = start(client, as_user("w1"))
    points = track()
    points[1] |= change
    r = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": points}, headers=as_user("w1"))
    assert r.status_code == 422 and re.search(words, r.json()["detail"]), r.text


def test_batches_are_capped_by_the_setting(client, as_user, monkeypatch):
    from geo.core.settings import get_settings
    monkeypatch.setattr(get_settings(), "patrol_batch_points", 2)
    patrol = start(client, as_user("w1"))
    r = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": track()}, headers=as_user("w1"))
    assert r.status_code == 422 and "at most 2 positions" in r.json()["detail"]


def test_nobody_writes_to_anothers_patrol(client, as_user):
    patrol = start(client, as_user("w1"))
    for who in ("w2", "wb", "commB"):
        for path, body in (("points", {"points": track()}), ("finish", {}),
                           ("checkins", {"checkpoint_id": 1, "lon": 116.402, "lat": 39.935}),
                           ("cases", {"category": "env_garbage", "lon": 116.41, "lat": 39.95})):
            r = client.post(f"/api/v1/patrols/{patrol['id']}/{path}", json=body, headers=as_user(who))
            assert r.status_code == 404, (who, path, r.text)
    for who in ("police", "planner", "street"):  # street staff read tracks but do not patrol
        r = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": track()}, headers=as_user(who))
        assert r.status_code == 403 and r.json()["action"] == "record_field_work", who


def test_whose_tracks_each_reader_sees(client, as_user, session, field):
    mine, theirs = start(client, as_user("w1")), start(client, as_user("w2"))
    b1 = start(client, as_user("wb"))
    for patrol, who in ((mine, "w1"), (theirs, "w2")):
        client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": track()}, headers=as_user(who))

    def seen(who, **params) -> set[int]:
        r = client.get("/api/v1/patrols", params=params, headers=as_user(who))
        assert r.status_code == 200, r.text
        return {f["id"] for f in r.json()["features"]}
    assert seen("w1") == {mine["id"]} and seen("w1", staff=field["w2"]) == set()
    assert client.get(f"/api/v1/patrols/{theirs['id']}", headers=as_user("w1")).status_code == 404
    assert seen("comm") == {mine["id"], theirs["id"]} and seen("comm", staff=field["w2"]) == {theirs["id"]}
    assert seen("commB") == {b1["id"]} and seen("commB", grid=A1) == set()
    assert client.get(f"/api/v1/patrols/{mine['id']}", headers=as_user("commB")).status_code == 404
    assert seen("street") == seen("command") == {mine["id"], theirs["id"], b1["id"]}
    assert seen("street", grid=B1) == {b1["id"]}
    today = datetime.now(CHINA).date()
    assert seen("command", **{"from": (today + timedelta(days=2)).isoformat()}) == set()
    for who in ("police", "planner"):
        r = client.get("/api/v1/patrols", headers=as_user(who))
        assert r.status_code == 403 and r.json()["action"] == "read_tracks", who
        assert client.get(f"/api/v1/patrols/{mine['id']}", headers=as_user(who)).status_code == 403


def test_every_read_of_tracks_is_audited(client, as_user, session):
    patrol = start(client, as_user("w1"))
    client.get("/api/v1/patrols", headers=as_user("comm"))
    client.get(f"/api/v1/patrols/{patrol['id']}", headers=as_user("w1"))
    client.get("/api/v1/patrols", params={"grid": B1}, headers=as_user("comm"))  # nothing shown: nothing to record
    rows = session.execute(text("SELECT actor, role, object, detail FROM audit_log WHERE action = 'read_tracks' "
                                "ORDER BY id")).all()
    assert [(r.actor, r.role, r.object) for r in rows] == [("comm", "community_staff", f"patrols:{patrol['id']}"),
                                                           ("w1", "grid_worker", f"patrols:{patrol['id']}")]
    assert rows[0].detail["ids"] == [patrol["id"]] and rows[0].detail["count"] == 1
    assert rows[0].detail["staff"] == [patrol["staff"]["id"]]


def test_a_check_in_at_25_metres_is_taken_at_40_refused(client, as_user, field, spec):
    patrol, w1 = start(client, as_user("w1")), as_user("w1")
    url = f"/api/v1/patrols/{patrol['id']}/checkins"
    lon, lat = near("K1", 40)
    far = client.post(url, json={"checkpoint_id": field["K1"], "lon": lon, "lat": lat}, headers=w1)
    assert far.status_code == 422 and "消防通道 is 40 m away, farther than the 30 m" in far.json()["detail"], far.text
    assert far.json()["distance_m"] == pytest.approx(40, abs=0.1)
    lon, lat = near("K1", 25)
    made = client.post(url, json={"checkpoint_id": field["K1"], "lon": lon, "lat": lat, "accuracy": 5}, headers=w1)
    assert made.status_code == 201 and made.json()["distance_m"] == pytest.approx(25, abs=0.1)
    assert conforms(spec, "/api/v1/patrols/{patrol_id}/checkins", "post", made) == []
    again = client.post(url, json={"checkpoint_id": field["K1"], "lon": lon, "lat": lat}, headers=w1)
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    listed = client.get(f"/api/v1/patrols/{patrol['id']}", headers=w1).json()["properties"]["checkins"]
    assert [(c["checkpoint_id"], c["name"]) for c in listed] == [(field["K1"], "消防通道")]


def test_a_finding_on_a_patrol_is_a_patrol_case(client, as_user, spec):
    patrol, w1 = start(client, as_user("w1")), as_user("w1")
    body = {"category": "env_garbage", "lon": 116.41, "lat": 39.95, "description": "河堤垃圾", "urgency": "urgent",
            "address": "河堤路"}
    made = client.post(f"/api/v1/patrols/{patrol['id']}/cases", json=body, headers=w1 | {"Idempotency-Key": "f1"})
    assert made.status_code == 201 and conforms(spec, "/api/v1/patrols/{patrol_id}/cases", "post", made) == []
    case = made.json()
    assert (case["channel"], case["patrol_id"], case["urgency"], case["grid"]["code"]) == ("patrol", patrol["id"],
                                                                                            "urgent", A1)
    again = client.post(f"/api/v1/patrols/{patrol['id']}/cases", json=body, headers=w1 | {"Idempotency-Key": "f1"})
    assert again.status_code == 200 and again.json()["id"] == case["id"]
    hotline = client.post(f"/api/v1/patrols/{patrol['id']}/cases", json=body | {"channel": "hotline"}, headers=w1)
    assert hotline.status_code == 422  # the channel is the patrol's, not the caller's to choose


def test_key_points_through_the_api(client, as_user, field, spec):
    url = f"/api/v1/grids/{A1}/checkpoints"
    listed = client.get(url, headers=as_user("planner"))
    assert listed.status_code == 200 and conforms(spec, "/api/v1/grids/{code}/checkpoints", "get", listed) == []
    assert [f["properties"]["name"] for f in listed.json()["features"]] == ["消防通道", "河堤", "学校门口"]
    body = {"checkpoints": [{"id": field["K1"], "name": "消防通道", "lon": 116.402, "lat": 39.935},
                            {"name": "垃圾站", "lon": 116.415, "lat": 39.958}]}
    assert client.put(url, json=body, headers=as_user("w1")).status_code == 403
    assert client.put(f"/api/v1/grids/{B1}/checkpoints", json=body, headers=as_user("comm")).status_code == 404
    replaced = client.put(url, json=body, headers=as_user("comm"))
    assert replaced.status_code == 200 and conforms(spec, "/api/v1/grids/{code}/checkpoints", "put", replaced) == []
    assert [f["properties"]["name"] for f in replaced.json()["features"]] == ["消防通道", "垃圾站"]
    outside = client.put(url, json={"checkpoints": [{"name": "乙一", "lon": 116.45, "lat": 39.95}]},
                         headers=as_user("comm"))
    assert outside.status_code == 422 and "key point 0: (116.450000, 39.950000) lies outside grid" in \
        outside.json()["detail"]
    assert client.get(f"/api/v1/grids/{A1}/checkpoints", headers=as_user("wb")).status_code == 404
    # the boundaries' own routes under /grids are untouched
    assert client.get(f"/api/v1/grids/{A1}", headers=as_user("w1")).json()["properties"]["code"] == A1
    assert client.get(f"/api/v1/grids/{A1}/history", headers=as_user("w1")).status_code == 200


@pytest.fixture(scope="module")
def committed(cluster):
    """The field city committed in a database of its own, served by an app on it (retries must really race)."""
    if cluster is None:
        pytest.skip("needs the embedded test cluster")
    engine = db.make_engine(fresh_database(cluster, "wangge_patrols"))
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as s:
        build_field_city(s)
    with TestClient(create_app(engine)) as client:
        yield client, engine
    engine.dispose()


def at_once(count, work) -> list:
    barrier = threading.Barrier(count)

    def one(i):
        barrier.wait()
        return work(i)
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_concurrent_retries_land_once(committed):
    client, engine = committed
    w1 = sign_in(client, "w1")
    starts = at_once(8, lambda _: client.post("/api/v1/patrols", json={}, headers=w1 | {"Idempotency-Key": "race"}))
    assert sorted(r.status_code for r in starts) == [200] * 7 + [201], [r.text for r in starts]
    patrol = {r.json()["id"] for r in starts}
    assert len(patrol) == 1
    patrol_id = patrol.pop()
    coords = [(116.401 + 0.0005 * i, 39.95) for i in range(20)]
    batch = {"points": track(coords, start=datetime.now(UTC) - timedelta(seconds=1), step=1)}
    sent = at_once(8, lambda _: client.post(f"/api/v1/patrols/{patrol_id}/points", json=batch, headers=w1))
    assert all(r.status_code == 200 for r in sent), [r.text for r in sent]
    answers = [r.json() for r in sent]
    assert sum(a["accepted"] for a in answers) == 20 and all(a["accepted"] + a["duplicates"] == 20 for a in answers)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*), count(DISTINCT t) FROM patrol_points WHERE patrol_id = :p"),
                              {"p": patrol_id}).one()
        kept = conn.execute(text("SELECT points, length_m FROM patrols WHERE id = :p"), {"p": patrol_id}).one()
    from pyproj import Geod
    assert tuple(stored) == (20, 20) and kept.points == 20
    assert kept.length_m == pytest.approx(Geod(ellps="WGS84").line_length([x for x, _ in coords], [39.95] * 20),
                                          abs=0.01)


def test_concurrent_starts_with_different_keys_open_one_patrol(committed):
    client, engine = committed
    w2 = sign_in(client, "w2")
    starts = at_once(8, lambda i: client.post("/api/v1/patrols", json={}, headers=w2 | {"Idempotency-Key": f"k{i}"}))
    assert sorted(r.status_code for r in starts) == [201] + [409] * 7, [r.text for r in starts]
    made = next(r.json()["id"] for r in starts if r.status_code == 201)
    assert {r.json()["patrol_id"] for r in starts if r.status_code == 409} == {made}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patrols p JOIN staff s ON s.id = p.staff_id "
                                 "WHERE s.name = 'w2'")).scalar() == 1
