"""Red team of the public results (居务公开, docs/residents.md): seed the street demo (its residents, households,
staff, reporters and a year of cases, a quarter of the closed ones with replies approved), turn WANGGE_PUBLIC on,
read every public page and the whole public Open311 output, and fail on any resident's, reporter's or worker's
name, phone or ID number, or any case's exact coordinate (lon or lat to 5 decimals)."""

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.main import create_app
from geo.access import crypto
from geo.cases.categories import categories
from geo.core import db, migrate
from geo.core.i18n import CATALOG
from geo.core.settings import get_settings
from geo.synth import seed_demo
from geo.synth.histories import REPORT_NOTES
from tests.conftest import fresh_database

NOW = datetime.now(UTC).replace(microsecond=0)  # the pages show the year up to today: all of the demo's
HAN = re.compile(r"[\u4e00-\u9fff]+")
LINK = re.compile(r'href="(/public/[^"]*)"')


@pytest.fixture(scope="module")
def demo(cluster, tmp_path_factory):
    """The street demo, committed in its own database, without the year of patrols (not published anyway)."""
    if cluster is None:
        pytest.skip("needs the embedded test cluster")
    engine = db.make_engine(fresh_database(cluster, "wangge_public_demo"))
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as s:
        seed_demo(s, "620302", "street", 1, workdir=tmp_path_factory.mktemp("demo"), now=NOW, field_work=False)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def published(demo):
    """Everything the public can read, as one text per address: every page reached from /public/ by its links, and
    the public Open311 requests (all of them, JSON and XML, and each published one on its own)."""
    settings = get_settings()
    before, settings.public = settings.public, True
    try:
        with TestClient(create_app(demo)) as client:
            yield _crawl(client, demo)
    finally:
        settings.public = before


def _crawl(client, engine) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = ["/public/", "/public/?lang=en"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        r = client.get(path, headers={"Accept-Language": "zh-CN"})  # Chinese unless the link says ?lang=en
        assert r.status_code == 200, (path, r.status_code)
        seen[path] = r.text
        queue += [link.replace("&amp;", "&") for link in LINK.findall(r.text)]
    for fmt in ("json", "xml"):
        page = 1
        while True:
            r = client.get(f"/open311/v2/requests.{fmt}", params={"limit": 1000, "page": page})
            assert r.status_code == 200, r.text[:200]
            seen[f"requests.{fmt}?page={page}"] = r.text
            if "service_request_id" not in r.text:
                break
            page += 1
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT case_id FROM case_publications ORDER BY case_id LIMIT 60")).scalars().all()
    for case_id in ids:
        for fmt in ("json", "xml"):
            seen[f"requests/{case_id}.{fmt}"] = client.get(f"/open311/v2/requests/{case_id}.{fmt}").text
    return seen


def _secrets(engine) -> dict[str, set[str]]:
    """The demo's personal data in the clear, and every case's exact coordinates to 5 decimals."""
    with engine.connect() as conn:
        people = conn.execute(text("SELECT name, phone_enc, id_number_enc FROM residents")).all()
        staff = conn.execute(text("SELECT name, phone_enc, NULL FROM staff")).all()
        reporters = conn.execute(text("SELECT name, phone_enc, NULL FROM case_reporters")).all()
        points = conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM cases")).all()
    rows = [*people, *staff, *reporters]
    return {"names": {n for n, _, _ in rows if n and len(n) >= 2},
            "phones": {crypto.reveal(p) for _, p, _ in rows if p},
            "ids": {crypto.reveal(i) for _, _, i in rows if i},
            "coordinates": {f"{v:.5f}" for point in points for v in point}}


def _vocabulary(engine) -> str:
    """The product's own words (labels, categories, area names, the demo's replies): a two-character name such as
    安全 that is also one of them cannot be told from it, so only a name outside them counts as a leak."""
    with engine.connect() as conn:
        areas = conn.execute(text("SELECT name FROM area_records")).scalars().all()
    words = [*CATALOG["labels"]["zh"].values(), *(c.name_zh for c in categories().values()), *areas, *REPORT_NOTES]
    return "\n".join(words)


def _han_pieces(texts) -> set[str]:
    """Every run of 2 to 4 Chinese characters inside the texts."""
    pieces = set()
    for run in HAN.findall("\n".join(texts)):
        for size in (2, 3, 4):
            pieces.update(run[i:i + size] for i in range(len(run) - size + 1))
    return pieces


def test_the_crawl_reached_every_community_and_the_replies(demo, published):
    with demo.connect() as conn:
        communities = conn.execute(text("SELECT code FROM areas WHERE level = 'community'")).scalars().all()
        replies = conn.execute(text("SELECT count(*) FROM case_publications")).scalar()
    assert communities and all(f"/public/{code}" in published for code in communities)
    assert replies > 50
    pages = "".join(v for k, v in published.items() if k.startswith("/public/"))
    assert any(note in pages for note in REPORT_NOTES)  # the approved replies are shown
    assert sum(text.count("service_request_id") for k, text in published.items() if k.endswith("json?page=1")) > 100


def test_no_name_phone_id_number_or_exact_point_is_published(demo, published):
    secrets = _secrets(demo)
    assert len(secrets["names"]) > 1000 and len(secrets["phones"]) > 1000 and len(secrets["ids"]) > 1000
    texts = list(published.values())
    vocabulary = _vocabulary(demo)
    names = {n for n in secrets["names"] & _han_pieces(texts) if n not in vocabulary}
    assert names == set(), sorted(names)[:20]
    digits = set(re.findall(r"\d+", "\n".join(texts)))
    assert secrets["phones"] & digits == set()
    ids = set(re.findall(r"[0-9]{17}[0-9X]", "\n".join(texts)))
    assert secrets["ids"] & ids == set()
    numbers = set(re.findall(r"(?<![\d:])\d+\.\d+", "\n".join(texts)))  # not a time's seconds (07:08:38.511077)
    leaked = {n for n in numbers for c in (n[:n.index(".") + 6],) if len(n) - n.index(".") > 5 and c in secrets["coordinates"]}
    assert leaked == set(), sorted(leaked)[:20]
    assert not any(re.search(r"(?<![\d:])\d+\.\d{5,}", t) for t in texts)  # no place has more than 4 decimals


def test_no_description_or_reply_that_was_not_approved_is_published(demo, published):
    with demo.connect() as conn:
        descriptions = set(conn.execute(text("SELECT description FROM cases WHERE description IS NOT NULL")).scalars())
        approved = set(conn.execute(text("SELECT reply FROM case_publications")).scalars())
    everything = "\n".join(published.values())
    assert {d for d in descriptions if d in everything} == set()  # the demo approves replies, no descriptions
    unapproved = {n for n in REPORT_NOTES if n not in approved}
    assert {n for n in unapproved if n in everything} == set()


