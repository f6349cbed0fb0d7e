"""Every example in the docs works against `make demo`'s city: the curl lines of each ```sh block (run through the
app, over a database seeded like `make demo`), and the case intake body of docs/cases.md."""

import json
import re
import shlex
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from geo.core import db, migrate
from geo.core.settings import PROJECT_ROOT
from geo.synth import seed_demo
from tests.conftest import fresh_database

DOCS = sorted((PROJECT_ROOT / "docs").glob("*.md")) + [PROJECT_ROOT / "README.md"]
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)


def blocks(kind: str) -> list[tuple[str, str]]:
    """(file name, text) of every fenced block of this kind in the docs."""
    return [(path.name, body) for path in DOCS for lang, body in BLOCK.findall(path.read_text(encoding="utf-8"))
            if lang == kind]


@pytest.fixture(scope="module")
def demo(cluster, tmp_path_factory):
    """A client of the app over a database seeded as `make demo` seeds it."""
    engine = db.make_engine(fresh_database(cluster, "wangge_docs"))
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as session:
        seed_demo(session, "620302", "street", 1, workdir=tmp_path_factory.mktemp("demo"))
    with TestClient(create_app(engine)) as client:
        yield client
    engine.dispose()


def curl(client: TestClient, line: str, token: str | None):
    """The response to one documented curl command (the options the docs use: -s -d -H -X)."""
    args = shlex.split(line.replace("$TOKEN", token or ""))
    assert args[0] == "curl", line
    headers, data, method, url = {}, None, None, None
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-s":
            continue
        if arg == "-H":
            name, value = next(rest).split(":", 1)
            headers[name.strip()] = value.strip()
        elif arg == "-d":
            data = next(rest)
        elif arg == "-X":
            method = next(rest)
        elif arg.startswith("http"):
            url = arg
        else:
            raise AssertionError(f"the docs use curl {arg}, which this test does not run: {line}")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "127.0.0.1:8000"), "examples address make demo's server"
    if data is not None:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    return client.request(method or ("POST" if data is not None else "GET"), parts.path + "?" + parts.query,
                          content=data, headers=headers)


def test_there_are_examples_to_check():
    assert blocks("sh") and blocks("json")


def test_every_curl_example_answers(demo):
    token = None
    for name, body in blocks("sh"):
        for line in (raw for raw in body.splitlines() if raw.startswith("curl ")):
            r = curl(demo, line, token)
            assert r.status_code < 300, (name, line, r.status_code, r.text[:300])
            token = r.json().get("access_token", token) if "json" in r.headers["content-type"] else token


def test_the_intake_example_is_accepted(demo):
    (name, body), = [(n, b) for n, b in blocks("json") if '"category"' in b]
    token = demo.post("/api/v1/auth/token", data={"username": "admin", "password": "wangge-demo-2026"}).json()
    r = demo.post("/api/v1/cases", json=json.loads(body), headers={"Authorization": f"Bearer {token['access_token']}"})
    assert r.status_code == 201, (name, r.text)
    assert r.json()["grid"]["code"].startswith("620302")
