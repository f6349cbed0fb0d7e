"""Red team of the field-work API (patrols, key points, visits, care, households, field figures): each attack as
an account of tests/field_city.py would try it, with the answer the service must give. Server errors come back as
500 here (not raised), so "never a 500" is asserted, not assumed."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from geo.access.accounts import create_user
from geo.core.time import CHINA
from tests.city import A1, B1, COMM_A, COMM_B, DISTRICT, PASSWORD
from tests.conftest import savepoint_client
from tests.field_city import build_field_city
from tests.geo.field.test_patrols import person
from tests.security.hostile import PNG

START = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
K1_AT = (116.402, 39.935)


@pytest.fixture
def client(engine, session):
    """The API on the test session, a savepoint per request (a refused statement spoils nothing after it)."""
    with savepoint_client(engine, session) as c:
        yield c


@pytest.fixture
def field(session):
    ids = build_field_city(session)
    person(session, "commB", "community_staff", COMM_B, "community_staff")
    create_user(session, username="police", password=PASSWORD, role="department", scope_code=DISTRICT,
                department="公安")
    create_user(session, username="party", password=PASSWORD, role="party_staff", scope_code=DISTRICT)
    create_user(session, username="root", password=PASSWORD, role="admin", scope_code=None)
    return ids


@pytest.fixture
def h(client, field):
    tokens = {}

    def headers(name):
        if name not in tokens:
            r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[name] = {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "en"}
        return tokens[name]
    return headers


def start(client, headers, key=None, expect=201) -> dict:
    r = client.post("/api/v1/patrols", json={"started_at": START.isoformat()},
                    headers=headers | ({"Idempotency-Key": key} if key else {}))
    assert r.status_code == expect, r.text
    return r.json()


def fixes(n=3, start=START, step=15) -> list[dict]:
    return [{"t": (start + timedelta(seconds=step * (i + 1))).isoformat(), "lon": 116.401 + 0.0005 * i, "lat": 39.95,
             "accuracy": 5} for i in range(n)]


def visit(client, headers, key=None, expect=201, **body) -> dict:
    r = client.post("/api/v1/visits", json=body, headers=headers | ({"Idempotency-Key": key} if key else {}))
    assert r.status_code == expect, r.text
    return r.json()


# --- patrols: IDOR, whose tracks, audit -------------------------------------------------------------------------

def test_no_write_reaches_anothers_patrol_by_its_id(client, h, field):
    patrol = start(client, h("w1"))
    writes = (("points", {"points": fixes()}), ("finish", {}),
              ("checkins", {"checkpoint_id": field["K1"], "lon": K1_AT[0], "lat": K1_AT[1]}),
              ("cases", {"category": "env_garbage", "lon": 116.41, "lat": 39.95}))
    for who in ("w2", "comm", "wb", "commB"):  # the same grid, the supervisor, another grid, another community
        for path, body in writes:
            r = client.post(f"/api/v1/patrols/{patrol['id']}/{path}", json=body, headers=h(who))
            assert r.status_code == 404 and "you have no patrol" in r.json()["detail"], (who, path, r.text)
    for who in ("root", "command", "street", "police", "planner", "party"):  # no staff record, or not field staff
        r = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": fixes()}, headers=h(who))
        assert r.status_code == 403, (who, r.text)
    gone = client.post("/api/v1/patrols/987654321/points", json={"points": fixes()}, headers=h("w1"))
    assert gone.status_code == 404
    huge = client.post("/api/v1/patrols/99999999999999999999/finish", json={}, headers=h("w1"))
    assert huge.status_code in (404, 422), huge.text
    r = session_points(client, h, patrol)
    assert r == 0  # none of the attempts stored a position


def session_points(client, h, patrol) -> int:
    return client.get(f"/api/v1/patrols/{patrol['id']}", headers=h("w1")).json()["properties"]["points"]


def test_tracks_are_refused_to_departments_planners_and_party_staff(client, h, field):
    patrol = start(client, h("w1"))
    for who in ("police", "planner", "party"):
        for url in ("/api/v1/patrols", f"/api/v1/patrols/{patrol['id']}", f"/api/v1/patrols?staff={field['w1']}"):
            r = client.get(url, headers=h(who))
            assert r.status_code == 403 and r.json()["action"] == "read_tracks", (who, url, r.text)


def test_other_grids_and_communities_see_no_track(client, h, field):
    mine = start(client, h("w1"))
    client.post(f"/api/v1/patrols/{mine['id']}/points", json={"points": fixes()}, headers=h("w1"))
    for who, params in (("commB", {}), ("commB", {"staff": field["w1"]}), ("commB", {"grid": A1}),
                        ("wb", {"staff": field["w1"]}), ("w2", {"staff": field["w1"]}), ("w2", {"grid": A1})):
        r = client.get("/api/v1/patrols", params=params, headers=h(who))
        assert r.status_code == 200 and r.json()["features"] == [] and r.json()["numberMatched"] == 0, (who, params)
    for who in ("commB", "wb", "w2"):
        r = client.get(f"/api/v1/patrols/{mine['id']}", headers=h(who))
        assert r.status_code == 404 and "116.40" not in r.text, who
    assert client.get(f"/api/v1/patrols/{mine['id']}", headers=h("comm")).status_code == 200


def test_reads_of_tracks_and_of_the_care_list_are_audited(client, h, field, session):
    patrol = start(client, h("w1"))
    assert client.get(f"/api/v1/patrols/{patrol['id']}", headers=h("street")).status_code == 200
    assert client.get("/api/v1/patrols", params={"staff": field["w1"]}, headers=h("command")).status_code == 200
    rows = session.execute(text("SELECT actor, object, detail FROM audit_log WHERE action = 'read_tracks' "
                                "ORDER BY id")).all()
    assert [(r.actor, r.object) for r in rows] == [("street", f"patrols:{patrol['id']}"),
                                                  ("command", f"patrols:{patrol['id']}")]
    assert rows[1].detail["staff"] == [field["w1"]] and rows[1].detail["staff"] == [field["w1"]]
    care = client.get("/api/v1/care/due", headers=h("comm")).json()
    assert care["items"]
    logged = session.execute(text("SELECT actor, detail FROM audit_log WHERE action = 'read_care_list'")).all()
    assert [r.actor for r in logged] == ["comm"]
    assert sorted(logged[0].detail["ids"]) == sorted(i["resident"]["id"] for i in care["items"])
    client.get("/api/v1/care/due", headers=h("command"))  # counts only: nobody's membership shown, nothing to log
    assert session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'read_care_list'")).scalar() == 1


# --- key points ----------------------------------------------------------------------------------------------

def test_a_check_in_at_a_key_point_of_another_grid_is_refused(client, h, field):
    patrol = start(client, h("w1"))
    url = f"/api/v1/patrols/{patrol['id']}/checkins"
    r = client.post(url, json={"checkpoint_id": field["K4"], "lon": 116.450, "lat": 39.920}, headers=h("w1"))
    assert r.status_code == 404 and "no key point" in r.json()["detail"]
    assert client.post(url, json={"checkpoint_id": 2**62, "lon": 116.45, "lat": 39.92},
                       headers=h("w1")).status_code == 404


@pytest.mark.parametrize("where", [(116.402, 91.0), (1e308, 39.935), (-1e308, -1e308), (116.402, -1e308)])
def test_check_ins_at_absurd_positions_are_refused_not_500(client, h, field, where):
    patrol = start(client, h("w1"))
    r = client.post(f"/api/v1/patrols/{patrol['id']}/checkins",
                    json={"checkpoint_id": field["K1"], "lon": where[0], "lat": where[1]}, headers=h("w1"))
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("raw", ['{"checkpoint_id": %d, "lon": NaN, "lat": 39.935}',
                                 '{"checkpoint_id": %d, "lon": Infinity, "lat": 39.935}',
                                 '{"checkpoint_id": %d, "lon": 116.402, "lat": -Infinity}'])
def test_nan_and_infinity_are_refused(client, h, field, raw):
    patrol = start(client, h("w1"))
    r = client.post(f"/api/v1/patrols/{patrol['id']}/checkins", content=raw % field["K1"],
                    headers=h("w1") | {"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    points = '{"points": [{"t": "%s", "lon": NaN, "lat": 39.95}]}' % START.isoformat()
    r = client.post(f"/api/v1/patrols/{patrol['id']}/points", content=points,
                    headers=h("w1") | {"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    body = '{"kind": "home", "household_id": %d, "lon": NaN, "lat": 39.9}' % field["b1_households"][0]
    r = client.post("/api/v1/visits", content=body, headers=h("w1") | {"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    put = '{"checkpoints": [{"name": "x", "lon": NaN, "lat": 39.94}]}'
    r = client.put(f"/api/v1/grids/{A1}/checkpoints", content=put,
                   headers=h("comm") | {"Content-Type": "application/json"})
    assert r.status_code == 422, r.text


def test_key_points_of_a_grid_outside_scope_or_points_outside_the_grid(client, h, field):
    k4 = {"id": field["K4"], "name": "菜市场", "lon": 116.450, "lat": 39.920}
    assert client.put(f"/api/v1/grids/{B1}/checkpoints", json={"checkpoints": [k4]},
                      headers=h("comm")).status_code == 404
    stolen = client.put(f"/api/v1/grids/{A1}/checkpoints", json={"checkpoints": [k4 | {"lon": 116.402,
                                                                                       "lat": 39.935}]},
                        headers=h("comm"))  # another grid's key point, moved into A1, would be A1's
    assert stolen.status_code == 422 and "is not one of grid" in stolen.json()["detail"]
    outside = client.put(f"/api/v1/grids/{A1}/checkpoints",
                         json={"checkpoints": [{"name": "远处", "lon": 1e300, "lat": -1e300}]}, headers=h("comm"))
    assert outside.status_code == 422, outside.text
    for code in (COMM_A, "11010500100100%", "../" + A1, A1 + "9"):
        r = client.put(f"/api/v1/grids/{code}/checkpoints", json={"checkpoints": []}, headers=h("comm"))
        assert r.status_code in (404, 422), (code, r.text)
    for who in ("w1", "command", "police", "planner", "party"):
        r = client.put(f"/api/v1/grids/{A1}/checkpoints", json={"checkpoints": []}, headers=h(who))
        assert r.status_code == 403, who
    assert client.put(f"/api/v1/grids/{A1}/checkpoints", json={"checkpoints": []},
                      headers=h("commB")).status_code == 404
    listed = client.get(f"/api/v1/grids/{A1}/checkpoints", headers=h("w1")).json()["features"]
    assert len(listed) == 3  # every attempt left the key points as they were


# --- visits, care, households --------------------------------------------------------------------------------

def test_visits_outside_scope_say_nothing_about_who_lives_where(client, h, field):
    a_household, a_resident = field["b1_households"][0], field["r_b1_1"]
    b_household = field["b6_households"][0]
    attempts = [{"kind": "home", "household_id": a_household}, {"kind": "return", "resident_id": a_resident},
                {"kind": "care", "resident_id": a_resident}, {"kind": "safety", "building_id": field["b1"]},
                # a wrong pairing of out-of-scope ids must not tell which household is in which building
                {"kind": "home", "household_id": a_household, "building_id": field["b2"]},
                {"kind": "home", "household_id": field["b3_households"][1], "resident_id": a_resident},
                {"kind": "care", "household_id": field["b1_households"][2], "resident_id": field["r_b1_2"]}]
    for body in attempts:
        r = client.post("/api/v1/visits", json=body, headers=h("wb"))
        assert r.status_code == 403 and "outside your area" in r.json()["detail"], (body, r.text)
    mismatch = client.post("/api/v1/visits", json={"kind": "home", "household_id": b_household,
                                                   "resident_id": a_resident}, headers=h("wb"))
    # refused naming only the ids sent, never the household the resident really lives in
    assert mismatch.status_code == 422 and re.findall(r"household (\d+)", mismatch.json()["detail"]) == [
        str(b_household)], mismatch.text


def test_care_visits_only_for_the_care_list_and_the_household_given(client, h, field):
    not_cared = client.post("/api/v1/visits", json={"kind": "care", "resident_id": field["b2_households"][0] and
                                                     _resident_of(client, h, field["b2"])}, headers=h("w1"))
    assert not_cared.status_code == 422 and "not on the care list" in not_cared.json()["detail"]
    elsewhere = client.post("/api/v1/visits", json={"kind": "care", "household_id": field["b1_households"][1],
                                                    "resident_id": field["r_b1_1"]}, headers=h("w1"))
    assert elsewhere.status_code == 422 and "does not live in household" in elsewhere.json()["detail"]


def _resident_of(client, h, building) -> int:
    return client.get(f"/api/v1/buildings/{building}/households", headers=h("w1")).json()["items"][0]["members"][0]["id"]


def test_visits_and_households_mask_names_and_care_for_supervisors(client, h, field):
    care = visit(client, h("w1"), kind="care", resident_id=field["r_b1_1"], findings="按时服药，情绪稳定",
                 need="复诊陪同")
    home = visit(client, h("w1"), kind="home", resident_id=field["r_b1_2"])
    full_name = f"住户{field['b1']}-2"
    for who in ("command", "street"):
        listed = client.get("/api/v1/visits", headers=h(who))
        assert listed.status_code == 200
        items = {i["id"]: i for i in listed.json()["items"]}
        assert items[home["id"]]["resident"]["name"] == "住" + "*" * (len(full_name) - 1)
        shown = items[care["id"]]
        # a care visit says someone of the household is in a special group: not whom, nor which door, nor why
        assert shown["resident"] is None and shown["household"] is None, shown
        assert shown["findings"] is None and shown["need"] is None
        assert full_name not in listed.text and f"住户{field['b1']}-1" not in listed.text
        by_door = client.get("/api/v1/visits", params={"household": field["b1_households"][0]}, headers=h(who))
        assert by_door.json()["total"] == 0, by_door.text
        households = client.get(f"/api/v1/buildings/{field['b1']}/households", headers=h(who)).json()
        first = households["items"][0]
        assert first["visits"] == 0 and first["last_visit_at"] is None  # the care visit is not counted for them
        assert all("*" in m["name"] for i in households["items"] for m in i["members"])
        due = client.get("/api/v1/care/due", headers=h(who)).json()
        assert due["items"] == [] and due["masked"] is True
        assert not re.search(r"1[3-9]\d{9}", listed.text + str(households) + str(due))  # no phone number anywhere
    near = client.get("/api/v1/visits", params={"household": field["b1_households"][0]}, headers=h("comm")).json()
    assert near["total"] == 1 and near["items"][0]["resident"]["name"] == f"住户{field['b1']}-1"
    assert client.get(f"/api/v1/buildings/{field['b1']}/households",
                      headers=h("comm")).json()["items"][0]["visits"] == 1
    for who in ("police", "planner", "party"):
        assert client.get("/api/v1/visits", headers=h(who)).status_code == 403
        assert client.get("/api/v1/care/due", headers=h(who)).status_code == 403
        assert client.get(f"/api/v1/buildings/{field['b1']}/households", headers=h(who)).status_code == 403


def test_care_list_of_an_area_outside_scope(client, h, field):
    for grid in (B1, COMM_B, DISTRICT, "", "%", "1101050010010_1"):
        r = client.get("/api/v1/care/due", params={"grid": grid}, headers=h("comm"))
        if r.status_code == 200:
            assert all(i["grid"]["code"].startswith(COMM_A) for i in r.json()["items"]), grid
        else:
            assert r.status_code in (403, 422), (grid, r.text)
    assert client.get("/api/v1/care/due", params={"grid": B1}, headers=h("comm")).status_code == 403


# --- attachments ----------------------------------------------------------------------------------------------

def test_photos_only_on_ones_own_visit_and_only_real_photos(client, h, field, monkeypatch):
    made = visit(client, h("w1"), kind="home", household_id=field["b1_households"][0])
    url = f"/api/v1/visits/{made['id']}/attachments"
    for who, code in (("w2", 403), ("comm", 403), ("wb", 404), ("commB", 404), ("command", 403), ("police", 403)):
        r = client.post(url, files={"file": ("a.png", PNG, "image/png")}, headers=h(who))
        assert r.status_code == code, (who, r.text)
    for name, content, kind in (("x.png", b"<html><script>alert(1)</script>", "image/png"),  # wrong magic
                                ("x.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
                                ("x.html", PNG + b"<script>alert(1)</script>", "text/html"),  # polyglot, as html
                                ("x.pdf", b"%PDF-1.4\n", "application/pdf"),
                                ("x.webp", b"RIFF\x00\x00\x00\x00WEBX", "image/webp"),
                                ("x.jpg", b"", "image/jpeg")):
        r = client.post(url, files={"file": (name, content, kind)}, headers=h("w1"))
        assert r.status_code == 422, (name, r.text)
    from geo.core.settings import get_settings
    monkeypatch.setattr(get_settings(), "attachments_max_bytes", 1000)
    big = client.post(url, files={"file": ("big.png", PNG + b"0" * 2000, "image/png")}, headers=h("w1"))
    assert big.status_code == 422 and "larger than 1000 bytes" in big.json()["detail"]
    assert client.post("/api/v1/visits/99999999999999999999/attachments", files={"file": ("a.png", PNG, "image/png")},
                       headers=h("w1")).status_code in (404, 422)
    listed = client.get("/api/v1/visits", headers=h("w1")).json()["items"][0]
    assert listed["photos"] == []


# --- idempotency keys -----------------------------------------------------------------------------------------

def test_anothers_idempotency_key_replays_nothing_of_theirs(client, h, field):
    a = start(client, h("w1"), key="shared-key")
    b = start(client, h("w2"), key="shared-key")  # a new patrol of w2's, not w1's
    assert b["id"] != a["id"] and b["staff"]["name"] == "w2"
    va = visit(client, h("w1"), key="visit-key", kind="home", household_id=field["b1_households"][0],
               case={"category": "env_garbage"})
    vb = visit(client, h("w2"), key="visit-key", kind="home", household_id=field["b2_households"][0],
               case={"category": "env_garbage"})
    assert vb["id"] != va["id"] and vb["staff"]["name"] == "w2" and vb["case_ids"] != va["case_ids"]
    ca = client.post(f"/api/v1/patrols/{a['id']}/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95},
                     headers=h("w1") | {"Idempotency-Key": "case-key"}).json()
    cb = client.post(f"/api/v1/patrols/{b['id']}/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95},
                     headers=h("w2") | {"Idempotency-Key": "case-key"})
    assert cb.status_code == 201 and cb.json()["id"] != ca["id"] and cb.json()["patrol_id"] == b["id"]


def test_a_visits_case_never_collides_with_a_case_key_of_the_client(client, h, field):
    """The visit's case used the key 'visit:<key>': a case reported with that key first stole the finding."""
    own = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95},
                      headers=h("w1") | {"Idempotency-Key": "visit:v7"})
    assert own.status_code == 201
    made = visit(client, h("w1"), key="v7", kind="home", household_id=field["b1_households"][0],
                 case={"category": "env_garbage", "description": "楼道堆物"})
    assert len(made["case_ids"]) == 1 and made["case_ids"] != [own.json()["id"]]
    again = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95},
                        headers=h("w1") | {"Idempotency-Key": "visit:v8"})
    visit(client, h("w1"), key="v8", kind="help", household_id=field["b1_households"][1],
          case={"category": "env_garbage"})
    replay = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95},
                         headers=h("w1") | {"Idempotency-Key": "visit:v8"})
    assert replay.json()["id"] == again.json()["id"] and replay.json()["visit_id"] is None


def test_a_patrol_case_key_does_not_answer_with_another_case(client, h, field):
    """One key for two reports (another patrol's, or a case reported directly) must not hand back the other case
    as if this patrol's finding had been made."""
    body = {"category": "env_garbage", "lon": 116.41, "lat": 39.95}
    direct = client.post("/api/v1/cases", json=body, headers=h("w1") | {"Idempotency-Key": "k-9"}).json()
    patrol = start(client, h("w1"))
    r = client.post(f"/api/v1/patrols/{patrol['id']}/cases", json=body, headers=h("w1") | {"Idempotency-Key": "k-9"})
    assert r.status_code == 409 and str(direct["id"]) in r.json()["detail"], r.text
    made = client.post(f"/api/v1/patrols/{patrol['id']}/cases", json=body, headers=h("w1") | {"Idempotency-Key": "k-10"})
    assert made.status_code == 201
    replay = client.post(f"/api/v1/patrols/{patrol['id']}/cases", json=body,
                         headers=h("w1") | {"Idempotency-Key": "k-10"})
    assert replay.status_code == 200 and replay.json()["id"] == made.json()["id"]


# --- bad input is never a 500 ---------------------------------------------------------------------------------

def test_bad_positions_and_times_are_refused_not_500(client, h, field):
    patrol = start(client, h("w1"))
    url = f"/api/v1/patrols/{patrol['id']}/points"
    bad = [{"t": "9999-12-31T23:59:59+14:00"}, {"t": "1900-01-01T00:00:00-12:00"}, {"t": "2026-12-01T08:00:00"},
           {"t": "0001-01-01T00:00:00+00:00"}, {"t": "2026-13-45T00:00:00+08:00"}, {"lon": 1e308}, {"lat": -1e308},
           {"accuracy": 1e308}, {"accuracy": -1e-300}, {"t": "2026-12-01T08:00:00+25:00"}, {"lon": "116.4"}]
    for change in bad:
        point = fixes(1)[0] | change
        r = client.post(url, json={"points": [point]}, headers=h("w1"))
        assert r.status_code in (200, 422), (change, r.text)
    many = fixes(10_000, step=0.1)
    r = client.post(url, json={"points": many}, headers=h("w1"))
    assert r.status_code == 422 and "at most" in r.json()["detail"]
    for params in ({"limit": -1}, {"limit": 0}, {"offset": -5}, {"offset": 10**30}, {"staff": 10**30},
                   {"from": "2026-12-02", "to": "2026-01-01"}, {"from": "0001-01-01"}, {"grid": "x" * 200},
                   {"staff": "abc"}, {"limit": 10**6}):
        r = client.get("/api/v1/patrols", params=params, headers=h("comm"))
        assert r.status_code in (200, 422), (params, r.text)
        r = client.get("/api/v1/visits", params=params, headers=h("comm"))
        assert r.status_code in (200, 422), (params, r.text)
    for params in ({"within": -1}, {"within": 10**9}, {"grid": "\x00"}):
        assert client.get("/api/v1/care/due", params=params, headers=h("comm")).status_code in (403, 422)
    for body in ({"kind": "home", "household_id": 10**30}, {"kind": "home", "resident_id": -1},
                 {"kind": "safety", "building_id": 2**63}, {"kind": "home", "household_id": field["b1_households"][0],
                                                           "visited_at": "9999-01-01T00:00:00+08:00"},
                 {"kind": "home", "household_id": field["b1_households"][0], "findings": "a\x00b"},
                 {"kind": "nope"}, {"kind": "care"}):
        r = client.post("/api/v1/visits", json=body, headers=h("w1"))
        assert r.status_code in (201, 403, 404, 422), (body, r.text)
    r = client.post("/api/v1/patrols", json={"started_at": "2026-12-01T08:00:00"}, headers=h("w2"))
    assert r.status_code == 422
    r = client.post(f"/api/v1/patrols/{patrol['id']}/finish", json={"finished_at": "9999-01-01T00:00:00+08:00"},
                    headers=h("w1"))
    assert r.status_code == 422
    for building in (10**30, -1, 0):
        r = client.get(f"/api/v1/buildings/{building}/households", headers=h("comm"))
        assert r.status_code in (404, 422), (building, r.text)


def test_raw_bodies_with_surrogates_or_junk_are_refused_not_500(client, h, field):
    patrol = start(client, h("w1"))
    for raw in (b'{"points": [{"t": "\\ud800", "lon": 116.4, "lat": 39.9}]}', b"\xff\xfe", b"[]", b"null",
                b'{"points": null}', b'{"points": [' + b'{},' * 5000 + b'{}]}'):
        r = client.post(f"/api/v1/patrols/{patrol['id']}/points", content=raw,
                        headers=h("w1") | {"Content-Type": "application/json"})
        assert r.status_code in (400, 413, 422), (raw[:40], r.text)
    r = client.post("/api/v1/visits", content='{"kind": "home", "household_id": %d, "findings": "\\udc00x"}'
                    % field["b1_households"][0], headers=h("w1") | {"Content-Type": "application/json"})
    assert r.status_code in (201, 422), r.text


# --- field figures --------------------------------------------------------------------------------------------

def test_field_figures_stay_inside_the_scope(client, h, field):
    today = datetime.now(CHINA).date().isoformat()
    for area in (B1, COMM_B, DISTRICT, "1", "%", "11010500100_%", COMM_A + "%"):
        r = client.get("/api/v1/analytics/field", params={"level": "grid", "area": area, "to": today},
                       headers=h("comm"))
        if r.status_code == 200:
            assert all(row["code"].startswith(COMM_A) for row in r.json()["rows"]), (area, r.text)
        else:
            assert r.status_code in (403, 422), (area, r.text)
    own = client.get("/api/v1/analytics/field", params={"level": "grid"}, headers=h("comm")).json()
    assert own["rows"] and all(row["code"].startswith(COMM_A) for row in own["rows"])
    assert client.get("/api/v1/analytics/field", params={"level": "grid", "area": A1},
                      headers=h("wb")).status_code == 403
    for params in ({"level": "household"}, {"level": "grid", "from": "2030-01-01", "to": "2020-01-01"},
                   {"level": "grid", "from": "1900-01-01", "to": "2200-01-01"}):
        assert client.get("/api/v1/analytics/field", params=params, headers=h("command")).status_code == 422


def test_league_and_worker_tables_with_field_columns_stay_inside_the_scope(client, h, field):
    patrol = start(client, h("wb"))
    client.post(f"/api/v1/patrols/{patrol['id']}/finish", json={}, headers=h("wb"))
    visit(client, h("wb"), kind="home", household_id=field["b6_households"][0])
    league = client.get("/api/v1/analytics/league", params={"level": "grid"}, headers=h("comm"))
    assert league.status_code == 200, league.text
    assert A1 in league.text and B1 not in league.text and COMM_B not in league.text
    workers = client.get("/api/v1/analytics/workers", headers=h("comm"))
    assert workers.status_code == 200, workers.text
    assert '"wb"' not in workers.text and B1 not in workers.text
    assert client.get("/api/v1/analytics/workers", headers=h("w1")).status_code == 403


@pytest.mark.parametrize("where", [{"lon": 0.0, "lat": 0.0}, {"lon": 116.4}, {"lat": 39.94}, {"lon": 180, "lat": 90}])
def test_a_visit_is_not_placed_off_the_map(client, h, field, where):
    """A visit's position was stored wherever the phone said (null island, one coordinate silently dropped)."""
    r = client.post("/api/v1/visits", json={"kind": "home", "household_id": field["b1_households"][0]} | where,
                    headers=h("w1"))
    assert r.status_code == 422, r.text


# --- red team of issue 20, second round ------------------------------------------------------------------------

def test_a_refused_visit_outside_scope_names_only_the_id_sent(client, h, field):
    """The refusal named the building found for a household or resident sent: where someone of another grid lives."""
    for body, named in (({"kind": "home", "household_id": field["b1_households"][0]}, "household"),
                        ({"kind": "return", "resident_id": field["r_b1_1"]}, "resident"),
                        ({"kind": "care", "resident_id": field["r_b1_2"]}, "resident")):
        r = client.post("/api/v1/visits", json=body, headers=h("wb"))
        detail = r.json()["detail"]
        assert r.status_code == 403 and detail == f"{named} {body[named + '_id']} lies outside your area", r.text
        assert str(field["b1"]) not in detail
    zh = client.post("/api/v1/visits", json={"kind": "home", "household_id": field["b1_households"][0]},
                     headers=h("wb") | {"Accept-Language": "zh-CN"})
    assert zh.json()["detail"] == f"住户 {field['b1_households'][0]} 不在您的辖区内", zh.text


def test_one_idempotency_key_for_two_different_visits_is_refused(client, h, field):
    """A key reused with another body answered 200 with the first visit: the phone took the second visit for sent."""
    first = visit(client, h("w1"), key="reused", kind="home", household_id=field["b1_households"][0], findings="甲")
    for change in ({"findings": "乙"}, {"kind": "help"}, {"household_id": field["b2_households"][0]},
                   {"findings": None}, {"need": "送药"}):
        body = {"kind": "home", "household_id": field["b1_households"][0], "findings": "甲"} | change
        r = client.post("/api/v1/visits", json=body, headers=h("w1") | {"Idempotency-Key": "reused"})
        assert r.status_code == 409 and r.json()["visit_id"] == first["id"], (change, r.text)
        assert f"visit {first['id']}" in r.json()["detail"] and next(iter(change)) in r.json()["detail"]
    same = client.post("/api/v1/visits", json={"kind": "home", "household_id": field["b1_households"][0],
                                               "findings": "甲", "visited_at": START.isoformat()},
                       headers=h("w1") | {"Idempotency-Key": "reused"})
    assert same.status_code == 200 and same.json()["id"] == first["id"], same.text  # a true retry still replays
    zh = client.post("/api/v1/visits", json={"kind": "help", "household_id": field["b1_households"][0]},
                     headers=h("w1") | {"Idempotency-Key": "reused", "Accept-Language": "zh-CN"})
    assert zh.status_code == 409 and f"幂等键 reused 已用于走访 {first['id']}" in zh.json()["detail"]
    assert client.get("/api/v1/visits", headers=h("w1")).json()["total"] == 1


def test_a_care_visit_shows_no_photo_names_nor_cases_to_roles_without_special_groups(client, h, field):
    """Findings were hidden, but the photos' names and the cases found on a care visit were listed to everyone."""
    care = visit(client, h("w1"), kind="care", resident_id=field["r_b1_1"],
                 case={"category": "env_garbage", "description": "未按时服药"})
    r = client.post(f"/api/v1/visits/{care['id']}/attachments",
                    files={"file": ("住户服药记录.png", PNG, "image/png")}, headers=h("w1"))
    assert r.status_code == 201, r.text
    for who in ("street", "command"):
        shown = {i["id"]: i for i in client.get("/api/v1/visits", headers=h(who)).json()["items"]}[care["id"]]
        assert shown["photos"] == [] and shown["case_ids"] == [], (who, shown)
    own = {i["id"]: i for i in client.get("/api/v1/visits", headers=h("comm")).json()["items"]}[care["id"]]
    assert [p["filename"] for p in own["photos"]] == ["住户服药记录.png"] and len(own["case_ids"]) == 1


def test_a_backdated_start_cannot_overlap_a_finished_patrol(client, h, field):
    """A start backdated up to a day was taken even over one's finished patrol: its hours counted twice."""
    first = start(client, h("w1"))
    done = client.post(f"/api/v1/patrols/{first['id']}/finish", json={}, headers=h("w1")).json()
    r = client.post("/api/v1/patrols", json={"started_at": (START - timedelta(hours=2)).isoformat()}, headers=h("w1"))
    assert r.status_code == 422 and f"before the end of your patrol {first['id']}" in r.json()["detail"], r.text
    zh = client.post("/api/v1/patrols", json={"started_at": START.isoformat()},
                     headers=h("w1") | {"Accept-Language": "zh-CN"})
    assert zh.status_code == 422 and f"早于您的巡查 {first['id']} 的结束时间" in zh.json()["detail"], zh.text
    assert client.get("/api/v1/patrols/current", headers=h("w1")).json() is None
    after = client.post("/api/v1/patrols", json={"started_at": done["finished_at"]}, headers=h("w1"))
    assert after.status_code == 201, after.text  # from the end of the last one on, a start is taken


def test_the_app_login_and_logout_refuse_forms_from_another_site(client, field):
    """/m/login took a form posted from any page: a sibling site could sign the worker's phone in as its own
    account (login CSRF), and everything recorded after went to that account."""
    form = {"username": "w1", "password": PASSWORD}
    for origin in ("https://evil.example", "http://testserver.evil.example", "http://testserver:8443", "null"):
        for url in ("/m/login", "/maps/login"):
            r = client.post(url, data=form, headers={"Origin": origin}, follow_redirects=False)
            assert r.status_code == 403 and "set-cookie" not in r.headers, (url, origin, r.text)
        out = client.post("/m/logout", headers={"Origin": origin}, follow_redirects=False)
        assert out.status_code == 403 and "set-cookie" not in out.headers, (origin, out.text)
    for headers in ({"Origin": "http://testserver"}, {}):  # our own page, or no browser at all
        r = client.post("/m/login", data=form, headers=headers, follow_redirects=False)
        assert r.status_code == 303 and "wangge_token=" in r.headers["set-cookie"], r.text


def test_the_care_list_names_the_resident_in_the_fragment_never_in_the_query():
    """The care list opened /m/visit?kind=care&resident=…&name=…: the full name of someone on the care list went to
    the server's access log, proxies and the service worker's cache keys. After '#' it stays on the phone."""
    from pathlib import Path
    static = Path(__file__).parents[2] / "maps" / "static" / "m"
    care, form = (static / "care.js").read_text(), (static / "visit.js").read_text()
    link = re.search(r"const link = (.*?)\.toString\(\);", care, re.DOTALL).group(1)
    assert "'#' + new URLSearchParams({kind: 'care'" in link and "name: item.resident.name" in link, link
    assert "'?'" not in link and "'&'" not in link
    assert "location.hash" in form  # the form reads them back from there


def test_attacks_that_fail_a_grid_worker_asking_wider_figures_and_writes_outside_the_patrol_time(client, h, field):
    """Refused already (kept so they stay refused): a grid worker's street or community figures are empty, not the
    street's; positions, check-ins and a finish before the patrol's start are 422 naming the point and the start."""
    for level in ("street", "community"):
        r = client.get("/api/v1/analytics/field", params={"level": level}, headers=h("w1"))
        assert r.status_code == 200 and r.json()["rows"] == [], (level, r.text)
    layer = client.get("/api/v1/analytics/building-visits", params={"bbox": "116.3,39.8,116.6,40.1"}, headers=h("wb"))
    assert layer.status_code == 200 and field["b1"] not in [f["id"] for f in layer.json()["features"]]
    own = client.get("/api/v1/analytics/building-visits", params={"bbox": "116.3,39.8,116.6,40.1"}, headers=h("w1"))
    assert field["b1"] in [f["id"] for f in own.json()["features"]]  # the view does hold b1
    patrol = start(client, h("w1"))
    early = (START - timedelta(minutes=10)).isoformat()
    r = client.post(f"/api/v1/patrols/{patrol['id']}/points", json={"points": fixes(1, start=START - timedelta(hours=1))},
                    headers=h("w1"))
    assert r.status_code == 422 and "point 0" in r.json()["detail"] and "before the patrol's start" in r.json()["detail"]
    r = client.post(f"/api/v1/patrols/{patrol['id']}/checkins", headers=h("w1"),
                    json={"checkpoint_id": field["K1"], "lon": K1_AT[0], "lat": K1_AT[1], "t": early})
    assert r.status_code == 422 and "before the patrol's start" in r.json()["detail"], r.text
    r = client.post(f"/api/v1/patrols/{patrol['id']}/finish", json={"finished_at": early}, headers=h("w1"))
    assert r.status_code == 422 and "before the patrol's start" in r.json()["detail"], r.text
