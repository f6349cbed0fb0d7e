"""Reports without signing in: a self-report with no phone, answered with a 查询码 shown once (only its hash kept);
the code opens that report's resident view (nothing to rate or reopen); a wrong code is 404; reports and look-ups
are limited per address; a post from another site's page is refused."""

import re

import pytest
from sqlalchemy import text

from geo.core.settings import get_settings
from tests.api.test_resident_reports import walk
from tests.city import staff_the_city
from tests.conftest import sign_in_resident

ANON = "/api/v1/reports/anonymous"
LOOKUP = "/api/v1/reports/lookup"
ZH = {"Accept-Language": "zh-CN"}
BODY = {"topic": "garbage", "lon": 116.41, "lat": 39.95, "description": "小区门口垃圾没人清", "address": "甲二号院"}


@pytest.fixture
def made(client, session, city):
    """An anonymous report in the staffed city: (its id, its code)."""
    staff_the_city(session)
    r = client.post(ANON, json=BODY)
    assert r.status_code == 201, r.text
    return r.json()["report"]["id"], r.json()["query_code"]


def test_an_anonymous_report_is_a_self_report_without_a_phone_and_a_code(client, session, made):
    case_id, code = made
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    case = session.execute(text("SELECT channel, status, created_by FROM cases WHERE id = :id"), {"id": case_id}).one()
    assert tuple(case) == ("self_report", "intake", None)
    assert session.execute(text("SELECT count(*) FROM case_reporters WHERE case_id = :id"), {"id": case_id}).scalar() == 0
    stored = bytes(session.execute(text("SELECT code_hmac FROM report_query_codes WHERE case_id = :id"),
                                   {"id": case_id}).scalar())
    assert code.encode() not in stored and code.replace("-", "").encode() not in stored


def test_the_code_opens_the_report_with_its_timeline_and_nothing_to_do(client, session, made):
    case_id, code = made
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    for typed in (code, code.lower(), code.replace("-", " "), code.replace("-", "")):
        r = client.post(LOOKUP, json={"code": typed})
        assert r.status_code == 200, (typed, r.text)
    seen = r.json()
    assert seen["id"] == case_id and seen["stage"] == "closed" and seen["allowed_actions"] == []
    assert [s["stage"] for s in seen["timeline"]] == ["received", "dispatched", "handling", "replied", "closed"]
    assert seen["reply"] == "已清运，现场已恢复整洁"


def test_a_wrong_code_is_a_404_in_plain_chinese(client, made):
    _, code = made
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    for typed in (wrong, "", "x" * 40, "0000-0000-0000", "ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ"):
        r = client.post(LOOKUP, json={"code": typed}, headers=ZH)
        assert r.status_code == 404, typed
        assert r.json()["detail"] == "没有与该查询码对应的诉求，请核对后重新输入"


def test_the_code_goes_in_the_body_not_the_address(client, made):
    assert client.get(LOOKUP, params={"code": made[1]}).status_code in (401, 405, 422)


def test_no_one_rates_or_reopens_with_a_code(client, session, made):
    case_id, code = made
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    version = client.post(LOOKUP, json={"code": code}).json()["version"]
    step = {"action": "rate", "version": version, "rating": "satisfied"}
    assert client.post(f"/api/v1/reports/{case_id}/steps", json=step).status_code == 401
    assert client.post(f"/api/v1/reports/{case_id}/steps", json=step | {"code": code}).status_code == 401
    resident = sign_in_resident(client, "13812345678")
    assert client.post(f"/api/v1/reports/{case_id}/steps", json=step, headers=resident).status_code == 404
    assert session.execute(text("SELECT rating FROM cases WHERE id = :id"), {"id": case_id}).scalar() is None


def test_look_ups_are_limited_per_address_right_or_wrong(client, made, monkeypatch):
    monkeypatch.setattr(get_settings(), "report_lookups_per_address", "3/hour")
    answers = [client.post(LOOKUP, json={"code": c}).status_code for c in ("AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB", made[1])]
    assert answers == [404, 404, 200]
    refused = client.post(LOOKUP, json={"code": made[1]})
    assert refused.status_code == 429 and refused.headers["Retry-After"]


def test_anonymous_reports_are_limited_per_address(client, city, monkeypatch):
    monkeypatch.setattr(get_settings(), "anonymous_reports_per_address", "2/hour")
    assert [client.post(ANON, json=BODY).status_code for _ in range(3)] == [201, 201, 429]


@pytest.mark.parametrize("change", [{"description": ""}, {"description": "   "}, {"topic": "ufo"},
                                    {"lon": 121.47, "lat": 31.23}, {"phone": "13812345678"}])
def test_bad_reports_are_refused_naming_why(client, city, change):
    body = {k: v for k, v in (BODY | change).items() if v is not None}
    r = client.post(ANON, json=body)
    assert r.status_code == 422, r.text


def test_a_post_from_another_sites_page_is_refused(client, city):
    r = client.post(ANON, json=BODY, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert client.post(ANON, json=BODY, headers={"Origin": "http://testserver"}).status_code == 201
