"""Cases through the API: intake, routing, every transition and every illegal one, scope, Open311, attachments."""

import pytest
from sqlalchemy import text

from geo.core.crs import wgs84_to_gcj02
from tests.city import (
    A1,
    A2,
    B1,
    C1,
    COMM_A,
    PASSWORD,
    STREET,
    build_neighbour,
    staff_the_city,
)
from tests.security.hostile import open311_client_key


@pytest.fixture
def staffed(session, city):
    return staff_the_city(session)


@pytest.fixture
def as_user(client, staffed):
    tokens = {}

    def headers(name):
        if name not in tokens:
            r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[name] = {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "en"}
        return tokens[name]
    return headers


def report(client, headers, **body):
    payload = {"category": "env_garbage", "lon": 116.41, "lat": 39.95, "description": "垃圾堆放", "channel": "patrol"}
    r = client.post("/api/v1/cases", json={**payload, **body}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def act(client, headers, case, action, expect=200, **body):
    r = client.post(f"/api/v1/cases/{case['id']}/transitions", json={"action": action, "version": case["version"], **body},
                    headers=headers)
    assert r.status_code == expect, r.text
    return r.json()


def test_intake_locates_routes_and_dispatches(client, as_user, staffed):
    case = report(client, as_user("command"))
    assert case["status"] == "dispatched" and case["grid"]["code"] == A1
    assert case["handler_level"] == "grid" and case["assignee"]["id"] in (staffed["w1"], staffed["w2"])
    assert case["due_at"] and case["version"] == 1 and "verify" not in case["allowed_actions"]
    assert [h["action"] for h in case["history"]] == ["intake", "register", "dispatch"]


def test_routing_balances_open_workload(client, as_user, staffed):
    first = report(client, as_user("command"))
    second = report(client, as_user("command"), lon=116.405, lat=39.935)
    assert {first["assignee"]["id"], second["assignee"]["id"]} == {staffed["w1"], staffed["w2"]}


def test_category_levels_and_departments(client, as_user):
    community = report(client, as_user("command"), category="dispute_property")
    assert (community["handler_level"], community["handler_area"], community["assignee"]["name"]) == ("community", COMM_A, "comm")
    department = report(client, as_user("command"), category="order_illegal_building")
    assert (department["handler_level"], department["department"], department["handler_area"]) == ("department", "城管", STREET)
    assert department["status"] == "dispatched"


def test_gcj02_location_and_building(client, as_user, session):
    x, y = (float(v) for v in wgs84_to_gcj02(116.43, 39.95))
    assert report(client, as_user("command"), lon=x, lat=y, crs="gcj02")["grid"]["code"] == A2
    building = session.execute(text("INSERT INTO buildings (name, geom) VALUES ('楼', ST_SetSRID(ST_MakePoint(116.45, "
                                    "39.95), 4326)) RETURNING id")).scalar()
    via_building = report(client, as_user("command"), lon=None, lat=None, building_id=building)
    assert via_building["grid"]["code"] == B1


def test_full_closed_loop(client, as_user, staffed):
    case = report(client, as_user("command"))
    worker = "w1" if case["assignee"]["id"] == staffed["w1"] else "w2"
    case = act(client, as_user(worker), case, "accept")
    case = act(client, as_user(worker), case, "report", note="已清理")
    case = act(client, as_user("comm"), case, "rework", note="还有残留")
    assert case["status"] == "handling" and case["rework_count"] == 1
    case = act(client, as_user(worker), case, "report", note="已彻底清理")
    case = act(client, as_user("comm"), case, "verify")
    case = act(client, as_user("comm"), case, "close")
    assert case["closed_at"]
    case = act(client, as_user("command"), case, "rate", rating="basically_satisfied")
    assert case["status"] == "rated" and case["allowed_actions"] == []
    steps = [(h["action"], h["from_status"], h["to_status"]) for h in case["history"]]
    assert steps[-3:] == [("verify", "reported", "verified"), ("close", "verified", "closed"), ("rate", "closed", "rated")]


def test_return_extension_suspend_resume(client, as_user, staffed):
    case = report(client, as_user("command"))
    worker = "w1" if case["assignee"]["id"] == staffed["w1"] else "w2"
    case = act(client, as_user(worker), case, "return", note="不在本网格")
    assert case["status"] == "returned" and case["assignee"] is None and case["return_count"] == 1
    case = act(client, as_user("command"), case, "dispatch", assignee_id=staffed["w1"])
    case = act(client, as_user("w1"), case, "accept")
    due = case["due_at"]
    case = act(client, as_user("w1"), case, "request_extension", note="需要协调物业")
    assert "approve_extension" not in case["allowed_actions"]
    case = act(client, as_user("street"), case, "approve_extension")
    assert case["due_at"] > due and not case["extension_requested"]
    case = act(client, as_user("street"), case, "suspend", note="等待拆迁")
    case = act(client, as_user("street"), case, "resume")
    assert case["status"] == "handling"


def test_illegal_transitions_are_409_with_what_is_allowed(client, as_user):
    case = report(client, as_user("command"))
    r = client.post(f"/api/v1/cases/{case['id']}/transitions", json={"action": "close", "version": 1},
                    headers=as_user("command"))
    assert r.status_code == 409 and "allowed now" in r.json()["detail"]
    assert set(r.json()["allowed_actions"]) >= {"suspend", "merge"}


def test_stale_version_is_409(client, as_user):
    case = report(client, as_user("command"))
    act(client, as_user("street"), case, "suspend", note="x")
    stale = act(client, as_user("street"), case, "suspend", expect=409, note="again")
    assert "changed since version 1" in stale["detail"] or "cannot suspend" in stale["detail"]


def test_role_and_assignee_rules(client, as_user, staffed):
    case = report(client, as_user("command"))
    other = "w2" if case["assignee"]["id"] == staffed["w1"] else "w1"
    assert act(client, as_user(other), case, "accept", expect=403)["code"] == "forbidden"
    assert act(client, as_user("comm"), case, "approve_extension", expect=403)["code"] == "forbidden"
    assert act(client, as_user("street"), case, "approve_extension", expect=409)["code"] == "conflict"  # none requested
    r = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95},
                    headers=as_user("planner"))
    assert r.status_code == 403 and r.json()["action"] == "create_case"  # the permission matrix


def test_missing_fields_and_unknown_action(client, as_user):
    case = report(client, as_user("command"))
    assert act(client, as_user("street"), case, "suspend", expect=422)["detail"] == "suspend needs note"
    assert act(client, as_user("street"), case, "fly", expect=422)["code"] == "invalid_input"


@pytest.mark.parametrize("body,message", [
    ({"category": "no_such"}, "unknown category"),
    ({"lon": 200}, "±180"),
    ({"lon": 116.6, "lat": 39.93}, "outside every grid"),
    ({"lon": None, "lat": None}, "needs a location"),
    ({"channel": "fax"}, "channel"),
    ({"colour": "red"}, "colour"),
])
def test_bad_intake_is_422(client, as_user, body, message):
    payload = {"category": "env_garbage", "lon": 116.41, "lat": 39.95, **body}
    r = client.post("/api/v1/cases", json=payload, headers=as_user("command"))
    assert r.status_code == 422 and message in r.json()["detail"], r.text


def test_idempotency_key_returns_the_same_case(client, as_user):
    headers = {**as_user("command"), "Idempotency-Key": "abc-1"}
    body = {"category": "env_garbage", "lon": 116.41, "lat": 39.95}
    first = client.post("/api/v1/cases", json=body, headers=headers)
    again = client.post("/api/v1/cases", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]


def test_self_reports_wait_at_intake(client, as_user):
    case = report(client, as_user("command"), channel="self_report", reporter={"name": "刘", "phone": "13912345678"})
    assert case["status"] == "intake" and case["reporters"][0]["phone"] == "139****5678"
    case = act(client, as_user("command"), case, "register")
    case = act(client, as_user("command"), case, "dispatch")
    assert case["status"] == "dispatched" and case["assignee"] and case["due_at"]


def test_duplicates_are_flagged_and_merged(client, as_user):
    first = report(client, as_user("command"), channel="self_report", reporter={"name": "甲", "phone": "13900000001"})
    second = report(client, as_user("command"), lon=116.4102, lat=39.9501, channel="self_report",
                    reporter={"name": "乙", "phone": "13900000002"})
    assert second["duplicate_of"] == first["id"]
    far = report(client, as_user("command"), lon=116.415, lat=39.955)
    assert far["duplicate_of"] is None
    merged = act(client, as_user("command"), second, "merge", target_id=first["id"])
    assert merged["status"] == "merged" and merged["merged_into"] == first["id"]
    survivor = client.get(f"/api/v1/cases/{first['id']}", headers=as_user("command")).json()
    assert sorted(r["name"] for r in survivor["reporters"]) == ["乙*", "甲*"]  # the command center sees surnames


def test_scope_a_grid_worker_sees_only_their_grid(client, as_user):
    mine = report(client, as_user("command"))
    theirs = report(client, as_user("command"), lon=116.45, lat=39.95)
    listed = client.get("/api/v1/cases", headers=as_user("w1")).json()
    assert [c["id"] for c in listed["items"]] == [mine["id"]]
    assert client.get(f"/api/v1/cases/{theirs['id']}", headers=as_user("w1")).status_code == 404
    assert client.get(f"/api/v1/cases/{theirs['id']}", headers=as_user("wb")).status_code == 200
    assert {c["id"] for c in client.get("/api/v1/cases", headers=as_user("command")).json()["items"]} == {mine["id"], theirs["id"]}


def test_filters_and_my_cases(client, as_user, staffed):
    case = report(client, as_user("command"))
    report(client, as_user("command"), category="noise", lon=116.43, lat=39.95)
    h = as_user("command")
    assert client.get("/api/v1/cases", params={"category": "noise"}, headers=h).json()["total"] == 1
    assert client.get("/api/v1/cases", params={"bbox": "116.40,39.94,116.42,39.96"}, headers=h).json()["total"] == 1
    polygon = '{"type": "Polygon", "coordinates": [[[116.42,39.93],[116.44,39.93],[116.44,39.96],[116.42,39.96],[116.42,39.93]]]}'
    assert client.get("/api/v1/cases", params={"polygon": polygon}, headers=h).json()["total"] == 1
    assert client.get("/api/v1/cases", params={"polygon": "nonsense"}, headers=h).status_code == 422
    worker = "w1" if case["assignee"]["id"] == staffed["w1"] else "w2"
    assert [c["id"] for c in client.get("/api/v1/cases/mine", headers=as_user(worker)).json()["items"]] == [case["id"]]


def test_categories_and_kpis(client, as_user, staffed):
    cats = client.get("/api/v1/categories", headers=as_user("command")).json()
    assert any(c["code"] == "env_garbage" and c["deadline"] == {"value": 4, "unit": "working_hours"} for c in cats)
    case = report(client, as_user("command"))
    worker = "w1" if case["assignee"]["id"] == staffed["w1"] else "w2"
    for who, action, extra in ((worker, "accept", {}), (worker, "report", {"note": "ok"}), ("comm", "verify", {}),
                               ("comm", "close", {}), ("command", "rate", {"rating": "satisfied"})):
        case = act(client, as_user(who), case, action, **extra)
    report(client, as_user("command"), lon=116.415, lat=39.955)  # dispatched, not yet accepted
    k = client.get("/api/v1/kpis", params={"area": COMM_A}, headers=as_user("command")).json()
    assert (k["cases"], k["resolution_rate"], k["satisfaction_rate"], k["on_time_rate"]) == (2, 0.5, 1.0, 1.0)
    assert k["response_rate"] == 0.5 and k["rework_rate"] == 0.0
    assert client.get("/api/v1/kpis", params={"area": B1}, headers=as_user("w1")).status_code == 403


def test_open311_round_trip(client, session, as_user):
    token = as_user("command")["Authorization"].split()[1]
    services = client.get("/open311/v2/services.json").json()  # public: clients list them before signing up
    assert any(s["service_code"] == "noise" for s in services)
    created = client.post("/open311/v2/requests.json", params={"api_key": open311_client_key(session)},
                          data={"service_code": "noise", "lat": 39.95, "long": 116.43, "description": "夜间施工"})
    assert created.status_code == 201, created.text
    request_id = created.json()[0]["service_request_id"]
    one = client.get(f"/open311/v2/requests/{request_id}.json", params={"api_key": token}).json()[0]
    assert (one["service_code"], one["status"], one["lat"]) == ("noise", "open", 39.95)
    listed = client.get("/open311/v2/requests.json", params={"api_key": token, "status": "open"}).json()
    assert request_id in [r["service_request_id"] for r in listed]
    bogus = client.get("/open311/v2/requests.json", params={"api_key": token, "status": "bogus"})
    assert bogus.status_code == 422 and "open" in bogus.json()["detail"]  # GeoReport knows open and closed only
    # the services are public; without a credential requests are the public ones, not there while WANGGE_PUBLIC is off
    assert client.get("/open311/v2/requests.json").status_code == 404


def test_attachments(client, as_user):
    case = report(client, as_user("command"))
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    r = client.post(f"/api/v1/cases/{case['id']}/attachments", files={"file": ("现场.png", png, "image/png")},
                    headers=as_user("command"))
    assert r.status_code == 201 and r.json()["size"] == 108
    fake = client.post(f"/api/v1/cases/{case['id']}/attachments", files={"file": ("x.png", b"GIF89a", "image/png")},
                       headers=as_user("command"))
    exe = client.post(f"/api/v1/cases/{case['id']}/attachments", files={"file": ("x.exe", b"MZ", "application/x-msdownload")},
                      headers=as_user("command"))
    assert (fake.status_code, exe.status_code) == (422, 422)
    assert len(client.get(f"/api/v1/cases/{case['id']}", headers=as_user("command")).json()["attachments"]) == 1


def test_events_are_append_only(session, client, as_user):
    report(client, as_user("command"))
    from sqlalchemy.exc import DBAPIError
    with pytest.raises(DBAPIError, match="append-only"):
        with session.begin_nested():
            session.execute(text("UPDATE case_events SET note = 'rewritten'"))


def test_routing_preview_writes_nothing(client, as_user, session, staffed):
    before = session.execute(text("SELECT count(*) FROM cases")).scalar()
    p = client.get("/api/v1/cases/preview", params={"category": "dispute_property", "lon": 116.41, "lat": 39.95},
                   headers=as_user("command")).json()
    assert (p["grid"]["code"], p["handler_level"], p["assignee"]["name"]) == (A1, "community", "comm") and p["due_at"]
    assert session.execute(text("SELECT count(*) FROM cases")).scalar() == before
    far = client.get("/api/v1/cases/preview", params={"category": "noise", "lon": 116.7, "lat": 39.95},
                     headers=as_user("command"))
    assert far.status_code == 422 and "outside every grid" in far.json()["detail"]


OUTSIDE = {"category": "env_garbage", "lon": 116.53, "lat": 39.93}  # grid 丙一 of the neighbouring street


def test_a_place_in_another_street_is_refused_alike_by_preview_and_intake(client, as_user, session):
    """A street's staff clicking in the next street: 403 "outside your area" from both, naming neither the grid nor
    its worker, and nothing written; that street's own staff get the preview."""
    build_neighbour(session)
    before = session.execute(text("SELECT count(*) FROM cases")).scalar()
    street = {**as_user("street"), "Accept-Language": "zh-CN"}
    preview = client.get("/api/v1/cases/preview", params=OUTSIDE, headers=street)
    created = client.post("/api/v1/cases", json=OUTSIDE | {"channel": "hotline"},
                          headers=street | {"Idempotency-Key": "k-outside"})
    for r in (preview, created):
        assert r.status_code == 403 and r.json() == {"detail": "此位置不在您的管辖范围内", "code": "forbidden"}, r.text
        assert "丙一" not in r.text and "wc" not in r.text and C1 not in r.text
    english = client.get("/api/v1/cases/preview", params=OUTSIDE, headers=as_user("street"))
    assert english.json()["detail"] == "this location is outside your area"
    assert session.execute(text("SELECT count(*) FROM cases")).scalar() == before
    assert session.execute(text("SELECT count(*) FROM case_keys WHERE key = 'k-outside'")).scalar() == 0
    theirs = client.get("/api/v1/cases/preview", params=OUTSIDE, headers=as_user("street2")).json()
    assert (theirs["grid"]["code"], theirs["assignee"]["name"]) == (C1, "wc")
    far = client.get("/api/v1/cases/preview", params=OUTSIDE | {"lon": 116.7}, headers=street)
    assert far.status_code == 422 and "不在任何网格内" in far.json()["detail"]  # outside the whole service: as before


@pytest.mark.parametrize("param,value,allowed", [
    ("status", "dispached", ["intake", "dispatched", "merged"]),
    ("category", "garbage", ["env_garbage", "noise", "public_order"]),
])
def test_an_unknown_filter_value_is_422_naming_it_and_the_allowed_ones(client, as_user, param, value, allowed):
    report(client, as_user("command"))
    h = as_user("command")
    r = client.get("/api/v1/cases", params=[(param, allowed[1]), (param, value)], headers=h)
    assert r.status_code == 422 and r.json()["code"] == "invalid_input", r.text
    detail = r.json()["detail"]
    assert f"'{value}'" in detail and all(a in detail for a in allowed) and detail.startswith(f"unknown {param}")
    zh = client.get("/api/v1/cases", params={param: value}, headers=h | {"Accept-Language": "zh-CN"}).json()["detail"]
    assert zh.startswith("未知") and "可选值" in zh
    assert client.get("/api/v1/cases", params={param: allowed[1]}, headers=h).status_code == 200
