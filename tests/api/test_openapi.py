"""/openapi.json documents every 2xx answer, the answers conform to it, and the models carry every key geo/ returns."""

import jsonschema_rs
import pytest
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import create_engine, select

from api.main import create_app
from api.schemas.areas import AreaFeature, Areas
from api.schemas.cases import Case
from api.schemas.categories import Kpis
from api.schemas.league import League
from geo.access.actor import actor_for
from geo.access.scope import scope_for
from geo.analytics import league
from geo.analytics.window import window
from geo.cases import reading
from geo.cases.kpis import kpis
from geo.core.models import Level, User
from geo.territory import areas
from tests.city import A1, COMM_A, STREET, staff_the_city

# The schema needs no database: the engine is never connected.
APP = create_app(create_engine("postgresql+psycopg://openapi@127.0.0.1:9/unused"))
SCALARS = {"string", "integer", "number", "boolean", "null"}


def described(schema: dict) -> bool:
    """Whether a schema says what the answer holds: a model, typed items, typed values, a scalar; not {} or a bare
    object (what an untyped `-> dict` gives)."""
    if "$ref" in schema:
        return True
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return all(described(s) for s in schema[key])
    if schema.get("type") == "array":
        return "prefixItems" in schema or described(schema.get("items", {}))
    if schema.get("type") == "object":
        values = schema.get("additionalProperties")
        return bool(schema.get("properties")) or (isinstance(values, dict) and described(values))
    return schema.get("type") in SCALARS


def undocumented(spec: dict) -> list[str]:
    """Every operation whose 2xx answer has no schema, named; a 204 has no body and needs none."""
    missing = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path} ({operation['operationId']})"
            answers = {status: a for status, a in operation["responses"].items() if status.startswith("2")}
            if not answers:
                missing.append(f"{name}: no 2xx answer")
            for status, answer in answers.items():
                content = answer.get("content") or {}
                if status == "204":
                    missing += [f"{name}: 204 with a body"] if content else []
                    continue
                bare = [media for media, body in content.items() if not described(body.get("schema", {}))]
                if not content or bare:
                    missing.append(f"{name}: {status} {', '.join(bare) or 'no content'}")
    return missing


def test_every_operation_documents_its_answer():
    spec = TestClient(APP).get("/openapi.json").json()
    assert len(spec["paths"]) > 40
    assert undocumented(spec) == []


class Thing(BaseModel):
    """A typed answer, for the check's own test."""

    name: str


def test_an_untyped_answer_is_named():
    app = FastAPI()

    @app.get("/bare")
    def bare() -> dict:
        return {}

    @app.get("/geo", response_class=JSONResponse, responses={200: {"content": {"application/geo+json": {}}}})
    def geo():
        return JSONResponse({})

    @app.get("/png", response_class=Response)
    def png():
        return Response(b"")

    @app.get("/typed")
    def typed() -> list[Thing]:
        return []

    found = "\n".join(undocumented(app.openapi()))
    assert all(f"({name}_{name}_get)" in found for name in ("bare", "geo", "png")) and "typed" not in found


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").json()


def conforms(spec: dict, path: str, method: str, response, body=None) -> list[str]:
    """What schemathesis checks: the body against the schema documented for its status and media type."""
    content = spec["paths"][path][method]["responses"][str(response.status_code)]["content"]
    schema = content[response.headers["content-type"].split(";")[0]]["schema"]
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": spec["components"]})
    found = validator.iter_errors(response.json() if body is None else body)
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in found]


def report(client, headers):
    """A case with a reporter, as POST /cases answers it."""
    r = client.post("/api/v1/cases", headers=headers, json={
        "category": "env_garbage", "lon": 116.41, "lat": 39.95, "reporter": {"name": "张三", "phone": "13800001111"}})
    assert r.status_code == 201, r.text
    return r


def test_typed_answers_conform_to_the_schema(session, client, login, city, spec):
    staff_the_city(session)
    admin = login()
    case = report(client, admin)
    assert conforms(spec, "/api/v1/cases", "post", case) == []
    read = client.get(f"/api/v1/cases/{case.json()['id']}", headers=admin)
    assert read.json()["reporters"] and conforms(spec, "/api/v1/cases/{case_id}", "get", read) == []
    for path, url in (("/api/v1/{collection}/{code}", f"/api/v1/grids/{A1}"), ("/api/v1/{collection}", "/api/v1/grids"),
                      ("/api/v1/{collection}/{code}/history", f"/api/v1/grids/{A1}/history"),
                      ("/api/v1/analytics/league", "/api/v1/analytics/league"), ("/api/v1/kpis", "/api/v1/kpis"),
                      ("/api/v1/analytics/hotspots", "/api/v1/analytics/hotspots"), ("/api/v1/staff/points",
                                                                                      "/api/v1/staff/points")):
        r = client.get(url, headers=admin)
        assert r.status_code == 200 and conforms(spec, path, "get", r) == [], url


def test_a_body_that_does_not_fit_is_reported(client, login, city, spec):
    r = client.get(f"/api/v1/grids/{A1}", headers=login())
    wrong = r.json() | {"type": "Point"}
    assert any("Feature" in problem for problem in conforms(spec, "/api/v1/{collection}/{code}", "get", r, wrong))


def unchanged(model, raw) -> bool:
    """Whether `model` answers exactly what `raw` (a geo/ dict) was answered as before: no key dropped or added, no
    value changed."""
    typed = TypeAdapter(model)
    before = TypeAdapter(dict).dump_python(raw, mode="json")
    return typed.dump_python(typed.validate_python(raw), mode="json", by_alias=True, exclude_unset=True) == before


def test_the_models_carry_every_key(session, client, login, city):
    staff_the_city(session)
    case = report(client, login())
    actor = actor_for(session, session.scalars(select(User).where(User.username == "admin-all")).one())
    raw = reading.get_case(session, case.json()["id"], actor)
    assert raw["reporters"] and raw["history"] and raw["assignee"] and unchanged(Case, raw)
    assert not unchanged(Case, raw | {"added": 1})  # a key the model lacks is caught
    assert unchanged(AreaFeature, areas.get_area(session, Level.grid, A1))
    assert unchanged(Areas, areas.list_areas(session, Level.grid, parent=COMM_A))
    win = window(None, None)
    assert unchanged(League, league.league(session, actor, "community", win))
    assert unchanged(Kpis, kpis(session, scope_for(session, "admin", STREET), win.since, win.until))
