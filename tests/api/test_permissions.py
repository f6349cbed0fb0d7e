"""The authorization matrix, generated from the documented one: every role × every endpoint × in- and out-of-scope
objects, with no leaks."""

import re

import pytest
from sqlalchemy import text

from api.deps import COOKIE
from api.main import ROUTERS
from api.permissions import PUBLIC, ROUTES, SIGNED_IN
from api.routers.open311_public import AnonymousRoute
from geo.access.permissions import MATRIX, Permission
from geo.core.models import Role
from tests.api.test_scope import add_staff
from tests.city import A1, B1, COMM_A, DISTRICT, STREET

SCOPES = {Role.admin: None, Role.command_center: DISTRICT, Role.street_staff: STREET, Role.community_staff: COMM_A,
          Role.grid_worker: A1, Role.planner: DISTRICT, Role.resident: None}
# Path parameters of a request the matrix is asked about; the object behind them need not exist.
PARAMS = {"case_id": "1", "plan_id": "1", "other_id": "2", "collection": "grids", "code": A1, "layer": "grids",
          "z": "7", "x": "105", "y": "48", "request_id": "1", "resident_id": "1",
          "org_id": "1", "member_id": "1", "activity_id": "1", "patrol_id": "1",
          "visit_id": "1", "building_id": "1", "service_code": "env_garbage", "need_id": "1", "holder_id": "1",
          "award_id": "1", "community_code": COMM_A, "attachment_id": "1", "photo_id": "1"}
ENDPOINTS = [(route, prefix) for module, prefix in ROUTERS for route in module.router.routes]
# Paths whose callers without a credential get the public answer (api/routers/open311_public.py): 404 while
# WANGGE_PUBLIC is off; callers with one get the staff's route of the same path.
ANONYMOUS_PATHS = {(method, prefix + route.path) for route, prefix in ENDPOINTS if isinstance(route, AnonymousRoute)
                   for method in route.methods}


def test_every_endpoint_has_an_entry_and_every_entry_an_endpoint():
    endpoints = {route.endpoint for route, _ in ENDPOINTS}
    assert {e.__name__ for e in endpoints - set(ROUTES)} == set()
    assert {e.__name__ for e in set(ROUTES) - endpoints} == set()


def url_of(route, prefix, **params) -> str:
    template = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)  # {plan_id:int} → {plan_id}
    return prefix + template.format(**(PARAMS | params))


@pytest.mark.parametrize("route, prefix", ENDPOINTS, ids=[f"{sorted(r.methods)[0]} {r.path}" for r, _ in ENDPOINTS])
def test_each_role_gets_what_the_matrix_says(client, login, city, route, prefix):
    rule = ROUTES[route.endpoint]
    if isinstance(route, AnonymousRoute):
        pytest.skip("never reached with a credential: the staff's route of the same path is checked")
    method = sorted(route.methods)[0]
    layers = ("grids", "cases") if "{layer}" in route.path else ("grids",)
    for role, scope in SCOPES.items():
        for layer in layers:
            r = client.request(method, url_of(route, prefix, layer=layer), headers=login(role, scope),
                               json={} if method == "POST" else None, follow_redirects=False)
            if rule in (PUBLIC, SIGNED_IN):
                # not the matrix's refusal (a GeoReport refusal is a list: an Open311 post without a client key)
                assert r.status_code != 403 or isinstance(r.json(), list) or r.json().get("action") is None, (role, r.text)
                continue
            action = rule({"layer": layer}) if callable(rule) else rule
            refused = r.status_code == 403 and r.json().get("action") == action.value
            assert refused == (role not in MATRIX[action]), (role, action, r.status_code, r.text[:200])


def test_without_credentials_only_public_endpoints_answer(client, city):
    for route, prefix in ENDPOINTS:
        method = sorted(route.methods)[0]
        r = client.request(method, url_of(route, prefix), json={} if method == "POST" else None, follow_redirects=False)
        if ROUTES[route.endpoint] == PUBLIC:
            assert r.status_code != 401, route.path
        elif (method, prefix + route.path) in ANONYMOUS_PATHS:
            assert r.status_code == 404, (route.path, r.status_code)
        elif route.path.startswith("/maps/"):
            assert r.status_code == 303 and "/maps/login" in r.headers["location"], route.path
        elif route.path.startswith("/m/"):  # the phone app's pages: its own login form
            assert r.status_code == 303 and r.headers["location"].startswith("/m/login"), route.path
        elif route.path.startswith("/r/"):  # the residents' pages: their sign-in by phone
            assert r.status_code == 303 and r.headers["location"].startswith("/r/login"), route.path
        else:
            assert r.status_code == 401, (route.path, r.status_code)


@pytest.fixture
def two_cases(session, city):
    """An open case in A1 (community A) and one in B1 (community B)."""
    ids = {}
    for grid, lon, lat in ((A1, 116.41, 39.95), (B1, 116.45, 39.95)):
        ids[grid] = session.execute(text(
            "INSERT INTO cases (category, status, geom, grid_code, handler_level, handler_area) VALUES ('env_garbage', "
            "'dispatched', ST_SetSRID(ST_MakePoint(:x, :y), 4326), :g, 'grid', :g) RETURNING id"),
            {"x": lon, "y": lat, "g": grid}).scalar()
    return ids


# Who sees the case in B1: everyone whose scope holds community B.
SEES_B1 = {Role.admin, Role.command_center, Role.street_staff}


@pytest.mark.parametrize("path", ["/api/v1/cases/{id}", "/open311/v2/requests/{id}.json", "/maps/cases/{id}"])
def test_cases_in_and_out_of_scope(client, login, two_cases, path):
    for role, scope in SCOPES.items():
        headers = login(role, scope)
        client.cookies.clear()
        if path.startswith("/maps"):  # pages read the login cookie
            client.cookies.set(COOKIE, headers.pop("Authorization").split()[1])
        for grid, visible in ((A1, True), (B1, role in SEES_B1)):
            url = path.format(id=two_cases[grid])
            r = client.get(url, headers=headers, follow_redirects=False)
            if role not in MATRIX[Permission.read_cases]:
                assert r.status_code == 403, (role, url)
            else:
                assert r.status_code == (200 if visible else 404), (role, url, r.status_code)


def test_lists_hold_nothing_outside_the_scope(client, login, two_cases):
    worker = login("grid_worker", A1)
    listed = client.get("/api/v1/cases", headers=worker).json()
    assert {c["grid"]["code"] for c in listed["items"]} == {A1}
    requests = client.get("/open311/v2/requests.json", headers=worker).json()
    assert {r["service_request_id"] for r in requests} == {str(two_cases[A1])}
    community = login("community_staff", COMM_A)
    assert {c["grid"]["code"] for c in client.get("/api/v1/cases", headers=community).json()["items"]} == {A1}
    street = login("street_staff", STREET)
    assert {c["grid"]["code"] for c in client.get("/api/v1/cases", headers=street).json()["items"]} == {A1, B1}


def test_the_documented_matrix_is_the_enforced_one():
    from api.permission_docs import markdown
    from geo.core.settings import PROJECT_ROOT
    assert (PROJECT_ROOT / "docs" / "permissions.md").read_text(encoding="utf-8") == markdown(), \
        "run: python -m api.permission_docs > docs/permissions.md"


@pytest.fixture
def two_residents(session, two_cases):
    """A resident in A1 and one in B1, next to the cases."""
    from geo.access.crypto import lookup, seal
    ids = {}
    for grid, lon, lat, number in ((A1, 116.41, 39.95, "110105199001011234"), (B1, 116.45, 39.95, "110105199002021230")):
        b = session.execute(text("INSERT INTO buildings (name, geom) VALUES ('楼', ST_SetSRID(ST_MakePoint(:x, :y), 4326)) "
                                 "RETURNING id"), {"x": lon, "y": lat}).scalar()
        h = session.execute(text("INSERT INTO households (building_id, door) VALUES (:b, '1') RETURNING id"),
                            {"b": b}).scalar()
        ids[grid] = session.execute(text("INSERT INTO residents (household_id, name, id_number_enc, id_number_hmac) "
                                         "VALUES (:h, '张三', :e, :m) RETURNING id"),
                                    {"h": h, "e": seal(number), "m": lookup(number)}).scalar()
        add_staff(session, f"{grid}员", grid)
    return ids


@pytest.mark.parametrize("path, action", [("/api/v1/residents/{id}", Permission.read_residents),
                                          ("/maps/grids/{grid}", Permission.read_cases),
                                          ("/api/v1/staff?area={grid}", Permission.read_staff)])
def test_other_objects_in_and_out_of_scope(client, login, two_residents, path, action):
    for role, scope in SCOPES.items():
        headers = login(role, scope)
        client.cookies.clear()
        if path.startswith("/maps"):
            client.cookies.set(COOKIE, headers.pop("Authorization").split()[1])
        for grid, visible in ((A1, True), (B1, role in SEES_B1)):
            r = client.get(path.format(id=two_residents[grid], grid=grid), headers=headers, follow_redirects=False)
            if role not in MATRIX[action]:
                assert r.status_code == 403, (role, path)
            elif path.startswith("/api/v1/staff"):
                assert r.status_code == 200 and [s["name"] for s in r.json()] == ([f"{grid}员"] if visible else []), \
                    (role, grid, r.text)
            else:
                assert r.status_code == (200 if visible else 404), (role, path, grid, r.status_code)


def test_tiles_carry_no_personal_data(client, login, two_cases):
    import mapbox_vector_tile

    from tests.api.test_tiles import X, Y
    allowed = {"code", "name", "parent_code", "kind", "purpose", "open_cases", "overdue_cases", "id", "category",
               "status", "urgency", "overdue", "grid_code", "reported_at", "due_at"}
    for layer in ("grids", "communities", "cases"):
        tile = mapbox_vector_tile.decode(client.get(f"/tiles/{layer}/7/{X}/{Y}.mvt", headers=login("admin")).content)
        keys = {k for f in tile[layer]["features"] for k in f["properties"]}
        assert keys and keys <= allowed, (layer, keys - allowed)
