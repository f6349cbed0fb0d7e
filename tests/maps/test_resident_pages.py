"""The residents' pages (/r/) as HTML: each in Chinese and English under the strict CSP with no code-words, the
sign-in by a texted code through the forms (limits and wrong codes shown on the form), and nobody else let in."""

import re

import pytest

from tests.city import A1
from tests.conftest import sign_in_resident, texted_code, texts
from tests.maps.test_mobile_pages import CODE_WORDS, shown_text
from tests.maps.test_pages import page_config

PAGES = ["/r/", "/r/new", "/r/reports/1", "/r/needs", "/r/needs/new", "/r/needs/1", "/r/points"]
PHONE = "13812345678"


@pytest.fixture
def resident(client, city):
    """A client with the login cookie of a resident."""
    token = sign_in_resident(client, PHONE)["Authorization"].removeprefix("Bearer ")
    client.cookies.set("wangge_token", token)
    client.headers["Origin"] = "http://testserver"
    return client


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_both_languages_under_the_csp(resident, path, lang):
    r = resident.get(path + "?lang=" + lang)
    assert r.status_code == 200, r.text
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and r.headers["cache-control"] == "no-store"
    html = r.text
    assert re.search(r"<script(?![^>]*(src=|application/json))", html) is None, "no inline script"
    assert " style=" not in html and "<style" not in html
    text = shown_text(html)
    for word in CODE_WORDS:
        assert not re.search(r"\b" + word + r"\b", text), word
    config = page_config(html)
    assert config["lang"] == lang and config["grid"] is None and config["user"].startswith("resident-")
    assert ("我的诉求" in html) == (lang == "zh") and ("My reports" in html) == (lang == "en")
    assert all(not str(value).startswith(("r_", "m_")) for value in config["labels"].values())


@pytest.mark.parametrize("path", PAGES)
def test_a_stranger_and_staff_are_sent_to_the_residents_sign_in_or_refused(client, login, city, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/r/login")
    staff = client.get(path, headers=login("grid_worker", A1), follow_redirects=False)
    assert staff.status_code == 403


def test_the_forms_sign_in_with_the_texted_code(client, city):
    client.headers["Accept-Language"] = "zh-CN"
    page = client.get("/r/login")
    assert page.status_code == 200 and "获取验证码" in page.text
    with texts() as sent:
        asked = client.post("/r/login/code", data={"phone": PHONE})
    assert asked.status_code == 200 and 'id="code"' in asked.text and PHONE in asked.text
    wrong = client.post("/r/login", data={"phone": PHONE, "code": "000000" if texted_code(sent) != "000000" else "111111"})
    assert wrong.status_code == 200 and "验证码错误" in wrong.text and 'role="alert"' in wrong.text
    again = client.post("/r/login/code", data={"phone": PHONE})
    assert again.status_code == 429 and "刚刚已发送" in again.text
    ok = client.post("/r/login", data={"phone": PHONE, "code": texted_code(sent)}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/r/"
    assert "HttpOnly" in ok.headers["set-cookie"] and "SameSite=lax" in ok.headers["set-cookie"]
    assert client.get("/r/").status_code == 200
    bad = client.post("/r/login/code", data={"phone": "12345"})
    assert bad.status_code == 422 and "不是有效的大陆手机号码" in bad.text


def test_a_form_posted_from_another_site_is_refused(client, city):
    r = client.post("/r/login/code", data={"phone": PHONE}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_the_residents_service_worker_keeps_their_own_pages(client):
    sw = client.get("/r/sw.js")
    assert sw.status_code == 200 and sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["service-worker-allowed"] == "/r/" and "connect-src 'self'" in sw.headers["content-security-policy"]
    for path in re.findall(r"'(/static/[^']+)'", sw.text):  # the residents' files, as those of the field app
        assert client.get(path).status_code == 200, path
    assert "'/r/needs'" in sw.text and "'/static/r/points.js'" in sw.text


def test_a_residents_map_opens_at_their_compound_and_no_one_elses(client, session):
    from sqlalchemy import text

    from tests.party_city import build_party_city

    ids = build_party_city(session)
    token = sign_in_resident(client, "13812340001")["Authorization"].removeprefix("Bearer ")
    client.cookies.set("wangge_token", token)
    config = page_config(client.get("/r/needs/new").text)
    assert config["home"]["compound"] is None and config["home"]["outline"] is None  # on no household's file
    session.execute(text("UPDATE resident_accounts SET household_id = :h"), {"h": ids["b1_households"][0]})
    home = page_config(client.get("/r/new").text)["home"]
    assert home["compound"] == "甲一小区" and home["outline"]["type"] == "MultiPolygon"
    assert 116.401 < home["lon"] < 116.404 and 39.931 < home["lat"] < 39.939


@pytest.mark.parametrize("path", ["/r/anonymous", "/r/lookup"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pages_without_an_account_render_for_a_stranger(client, city, path, lang):
    r = client.get(path + "?lang=" + lang)
    assert r.status_code == 200, r.text
    assert "script-src 'self'" in r.headers["content-security-policy"] and r.headers["cache-control"] == "no-store"
    html = r.text
    assert re.search(r"<script(?![^>]*(src=|application/json))", html) is None, "no inline script"
    assert 'id="logout-form"' not in html and 'href="/r/login' in html
    text = shown_text(html)
    for word in CODE_WORDS:
        assert not re.search(r"\b" + word + r"\b", text), word
    assert ("查询码" if lang == "zh" else "query code") in text
    assert page_config(html)["user"] is None

