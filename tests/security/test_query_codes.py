"""Red team of the 查询码 (geo/residents/anonymous.py): guessing codes is held by the per-address limit (a /64 is
one address), a code opens its own report and never another, the view carries no phone and no staff name or
account, the holder cannot rate or reopen, and the pages send the strict policy with no inline script."""

import json
import math

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.cases.workflow import StepInput, transition
from geo.core.errors import InvalidInput, NotFound, RateLimited
from geo.core.settings import get_settings
from geo.residents import anonymous
from geo.residents.reports import NewReport
from tests.city import staff_the_city
from tests.conftest import savepoint_client, sign_in_resident
from tests.security.html import runnable

ANON = "/api/v1/reports/anonymous"
LOOKUP = "/api/v1/reports/lookup"
BODY = {"topic": "garbage", "lon": 116.41, "lat": 39.95, "description": "小区门口垃圾没人清"}


@pytest.fixture
def client(engine, session):
    """Requests in savepoints (a refused one's writes are rolled back), server errors as 500 rather than raised."""
    with savepoint_client(engine, session) as c:
        yield c


@pytest.fixture
def staffed(session, city):
    return staff_the_city(session)


def walk(session, case_id, *steps):
    for action in steps:
        version = session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
        transition(session, case_id, action, version, SYSTEM, StepInput(note="已清运"))


def test_the_code_space_is_beyond_guessing():
    bits = anonymous.LENGTH * math.log2(len(anonymous.ALPHABET))
    assert bits >= 50 and not set("0O1IL") & set(anonymous.ALPHABET)
    codes = {anonymous.new_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_guessing_is_stopped_by_the_address_limit(client, staffed, monkeypatch):
    monkeypatch.setattr(get_settings(), "report_lookups_per_address", "20/hour")
    code = client.post(ANON, json=BODY).json()["query_code"]
    answers = [client.post(LOOKUP, json={"code": anonymous.new_code()}).status_code for _ in range(25)]
    assert answers[:20] == [404] * 20 and set(answers[20:]) == {429}
    assert client.post(LOOKUP, json={"code": code}).status_code == 429  # even the right code waits: no oracle


def test_an_ipv6_block_is_one_address(session, staffed, monkeypatch):
    monkeypatch.setattr(get_settings(), "report_lookups_per_address", "3/hour")
    for suffix in ("1", "2", "3"):
        with pytest.raises(NotFound):
            anonymous.lookup(session, anonymous.new_code(), f"2001:db8:1:1::{suffix}")
    with pytest.raises(RateLimited):
        anonymous.lookup(session, anonymous.new_code(), "2001:db8:1:1:ffff::9")
    with pytest.raises(NotFound):  # another block is another address
        anonymous.lookup(session, anonymous.new_code(), "2001:db8:1:2::1")


def test_a_code_opens_its_own_report_and_never_another(client, session, staffed):
    made = [client.post(ANON, json=BODY | {"description": f"第{i}件"}).json() for i in range(3)]
    for m in made:
        seen = client.post(LOOKUP, json={"code": m["query_code"]}).json()
        assert (seen["id"], seen["description"]) == (m["report"]["id"], m["report"]["description"])
    # a signed-in resident's report has no code; the ids are not codes; a code with another's checksum is nothing
    resident = sign_in_resident(client, "13812345678")
    theirs = client.post("/api/v1/reports", json=BODY, headers=resident).json()["id"]
    for guess in (str(theirs), f"{theirs:012d}", made[0]["query_code"][:9] + made[1]["query_code"][9:]):
        assert client.post(LOOKUP, json={"code": guess}).status_code == 404
    # the code opens nothing through the id endpoints either
    assert client.get(f"/api/v1/reports/{made[0]['report']['id']}").status_code == 401
    assert client.get(f"/api/v1/reports/{made[0]['report']['id']}", headers=resident).status_code == 404


def test_the_view_names_no_phone_staff_or_account(client, session, staffed):
    made = client.post(ANON, json=BODY).json()
    case_id = made["report"]["id"]
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    shown = json.dumps(client.post(LOOKUP, json={"code": made["query_code"]}).json(), ensure_ascii=False)
    names = session.execute(text("SELECT name FROM staff")).scalars().all()
    accounts = session.execute(text("SELECT DISTINCT actor FROM case_events WHERE case_id = :id"),
                               {"id": case_id}).scalars().all()
    assert names and accounts
    for secret in [*names, *accounts, "13812345678", "phone", "reporter", "assignee", "query_code", made["query_code"]]:
        assert secret not in shown, secret


def test_the_holder_cannot_rate_or_reopen(client, session, staffed):
    made = client.post(ANON, json=BODY).json()
    case_id = made["report"]["id"]
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    seen = client.post(LOOKUP, json={"code": made["query_code"]}).json()
    assert seen["allowed_actions"] == []
    for body in ({"action": "rate", "version": seen["version"], "rating": "dissatisfied"},
                 {"action": "reopen", "version": seen["version"], "note": "没解决"}):
        for extra in ({}, {"code": made["query_code"]}):
            r = client.post(f"/api/v1/reports/{case_id}/steps", json=body | extra)
            assert r.status_code in (401, 422), r.text
        assert client.post(LOOKUP, json={"code": made["query_code"], **body}).status_code == 422  # no extra fields
    assert session.execute(text("SELECT status, rating FROM cases WHERE id = :id"), {"id": case_id}).one() == \
        ("closed", None)


def test_a_hostile_site_cannot_report_through_a_visitors_browser(client, session, city):
    for origin in ("https://evil.example", "null", "http://testserver.evil.example"):
        r = client.post(ANON, json=BODY, headers={"Origin": origin})
        assert r.status_code == 403, origin
    # the "simple" request a page may send without asking (text/plain) is not JSON to us: refused before anything
    r = client.post(ANON, content=json.dumps(BODY), headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert r.status_code in (403, 422)
    assert session.execute(text("SELECT count(*) FROM report_query_codes")).scalar() == 0


def test_the_pages_send_the_strict_policy_and_no_inline_script(client, city):
    for path in ("/r/anonymous", "/r/lookup", "/r/login"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert runnable(r.text) == [], path


def test_refused_reports_leave_nothing_behind(client, session, city):
    before = session.execute(text("SELECT count(*) FROM report_query_codes")).scalar()
    for bad in ({"lon": 121.47, "lat": 31.23}, {"topic": "ufo"}, {"description": ""}):
        assert client.post(ANON, json=BODY | bad).status_code == 422
    assert session.execute(text("SELECT count(*) FROM report_query_codes")).scalar() == before
    # a code is kept only with its case: the domain call makes both or neither
    with pytest.raises(InvalidInput):
        anonymous.submit(session, NewReport(topic="garbage", lon=121.47, lat=31.23, description="x"), "10.0.0.1")
