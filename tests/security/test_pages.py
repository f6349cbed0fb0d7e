"""The review's findings on the map pages, each attack as it was made, refused now (HTML level, no browser).

- Stored script injection on /maps/cases/{id}: case JSON written into <script> let `</script>` in a description,
  address, reporter name, note, attachment name, Open311 description/first_name or a staff name run script.
- Grid names from a boundary file ran script through tooltips; a plan name went raw into <title>; category names raw
  into popups.
- No page sent a Content-Security-Policy (nor nosniff, Referrer-Policy, framing protection).

The browser half (tooltips, popups, panels actually opened) is tests/security/test_pages_browser.py.
"""

import json
import re

import pytest

from geo.access.accounts import create_user
from geo.cases import categories as category_data
from geo.core.settings import get_settings
from tests.city import A1, COMM_A
from tests.conftest import PASSWORD
from tests.security.hostile import (
    HOSTILE,
    IMG,
    PAYLOADS,
    SCRIPT,
    SHORT,
    hostile_categories_csv,
    import_hostile_city,
    import_hostile_rosters,
    open311_client_key,
    report_hostile_cases,
)
from tests.security.html import Tags, runnable

INTRUDER = "值班员" + SHORT  # a username: it is the actor of the case events this account makes


def directives(policy: str) -> dict[str, str]:
    """A CSP header as {directive: sources}."""
    return {d.split()[0]: " ".join(d.split()[1:]) for d in (p.strip() for p in policy.split(";")) if d}


@pytest.fixture
def intruder(client, session):
    """The hostile city, and a client logged in to it (cookie and bearer) as an admin whose username is a payload."""
    import_hostile_city(session)
    import_hostile_rosters(session)
    create_user(session, username=INTRUDER, password=PASSWORD, role="admin", scope_code=None)
    token = client.post("/api/v1/auth/token", data={"username": INTRUDER, "password": PASSWORD}).json()["access_token"]
    client.cookies.set("wangge_token", token)
    client.headers["Authorization"] = f"Bearer {token}"
    return token


@pytest.fixture
def cases(client, session, intruder):
    """Hostile cases (API and Open311) and their stored views, as the API returns them."""
    ids = report_hostile_cases(client, {}, open311_client_key(session))
    return {name: client.get(f"/api/v1/cases/{i}").json() for name, i in ids.items()}


def test_case_texts_no_longer_reach_the_case_page(client, cases):
    for view in cases.values():
        stored = json.dumps(view, ensure_ascii=False)
        assert "</script>" in stored  # what the page used to write into its <script>, verbatim
        html = client.get(f"/maps/cases/{view['id']}").text
        assert runnable(html) == []
        for payload in PAYLOADS:
            assert payload not in html
        # nothing of the case but its id: the page reads the rest from the API as JSON
        for text in ("描述", "地址", "上报人", "处置说明", "照片", "市民反映", "门牌", "居民", "值班员", "网格员", "甲一网格"):
            assert text not in html, text


def test_the_api_serves_those_texts_as_inert_json(client, cases):
    view = cases["case"]
    assert view["description"] == "描述" + HOSTILE and view["reporters"][0]["name"] == "上报人" + SHORT
    assert view["history"][-1]["note"] == "处置说明" + HOSTILE and view["history"][-1]["actor"] == INTRUDER
    assert view["attachments"][0]["filename"].startswith("照片") and IMG in view["attachments"][0]["filename"] and view["assignee"]["name"].startswith("网格员1")
    assert cases["open311"]["reporters"][0]["name"] == "居民" + SHORT
    r = client.get(f"/api/v1/cases/{view['id']}")
    assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
    assert directives(r.headers["content-security-policy"]) == {"default-src": "'none'", "frame-ancestors": "'none'"}


def test_grid_names_from_a_boundary_file_stay_out_of_the_pages(client, intruder, cases):
    grid = client.get(f"/api/v1/grids/{A1}").json()
    assert grid["properties"]["name"] == "甲一网格" + HOSTILE  # imported as it was
    plan = client.post("/api/v1/plans", json={"communities": [COMM_A]}).json()
    for path in (f"/maps/grids/{A1}", f"/maps/cases/{cases['case']['id']}", "/maps/command-center", "/maps/dispatch",
                 f"/maps/plans/{plan['id']}"):
        html = client.get(path).text
        assert runnable(html) == [] and "甲一网格" not in html and IMG not in html, path


def test_a_plan_name_is_text_in_the_title(client, intruder):
    name = "</title><script>alert(1)</script>"
    plan = client.post("/api/v1/plans", json={"communities": [COMM_A], "name": name}).json()
    html = client.get(f"/maps/plans/{plan['id']}?lang=zh").text
    assert Tags(html).titles == [f"网格调整方案 {name}"]  # one title, holding the name as text
    assert "<title>网格调整方案 &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert runnable(html) == [] and "<script>alert" not in html


def test_category_names_stay_out_of_the_pages(client, session, intruder, tmp_path, monkeypatch):
    monkeypatch.setattr(category_data, "CATEGORIES_CSV", hostile_categories_csv(tmp_path))
    category_data.categories.cache_clear()
    try:
        names = {c["code"]: c["name"] for c in client.get("/api/v1/categories").json()}
        assert names["env_garbage"] == "暴露垃圾" + SHORT
        case = report_hostile_cases(client, {}, open311_client_key(session))["case"]
        for path in (f"/maps/cases/{case}", "/maps/dispatch", "/maps/command-center", f"/maps/grids/{A1}"):
            html = client.get(path).text
            assert runnable(html) == [] and SHORT not in html and "暴露垃圾" not in html, path
    finally:
        category_data.categories.cache_clear()


def page_paths(client, session) -> list[str]:
    """Every page, the login form first."""
    case = report_hostile_cases(client, {}, open311_client_key(session))["case"]
    plan = client.post("/api/v1/plans", json={"communities": [COMM_A]}).json()["id"]
    return ["/maps/login", "/maps/command-center", f"/maps/cases/{case}", f"/maps/grids/{A1}", "/maps/dispatch",
            f"/maps/plans/{plan}"]


def test_every_page_sends_the_strict_policy(client, session, intruder):
    for path in page_paths(client, session):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        csp = directives(r.headers["content-security-policy"])
        assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["default-src"] == "'self'", path
        assert csp["object-src"] == csp["frame-ancestors"] == csp["base-uri"] == "'none'", path
        assert csp["form-action"] == csp["connect-src"] == "'self'" and csp["img-src"] == "'self' data: blob:", path
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "same-origin"
        assert r.headers["x-frame-options"] == "DENY"


def test_a_basemap_adds_its_tile_hosts_to_img_src_only(client, intruder, monkeypatch):
    monkeypatch.setenv("WANGGE_BASEMAP", "amap")
    get_settings.cache_clear()
    try:
        csp = directives(client.get("/maps/command-center").headers["content-security-policy"])
    finally:
        monkeypatch.delenv("WANGGE_BASEMAP")
        get_settings.cache_clear()
    hosts = [f"https://webrd0{i}.is.autonavi.com" for i in range(1, 5)]
    assert csp["img-src"] == " ".join(["'self'", "data:", "blob:", *hosts]) and csp["script-src"] == "'self'"
    assert not any("autonavi" in sources for name, sources in csp.items() if name != "img-src")


def test_everything_else_runs_nothing_even_opened_as_a_document(client, intruder):
    for path in ("/api/v1/health", f"/api/v1/grids/{A1}", "/static/wangge.js", "/static/vendor/draw/images/spritesheet.svg",
                 "/tiles/grids/12/3372/1552.mvt", "/maps/grids/nope", "/api/v1/cases/424242"):
        r = client.get(path)
        assert not r.headers["content-type"].startswith("text/html"), path
        assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'", path
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY", path


def test_a_code_in_the_url_comes_back_as_json_not_html(client, intruder):
    r = client.get("/maps/grids/" + SCRIPT)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.headers["content-security-policy"].startswith("default-src 'none'")


def test_the_docs_come_from_this_origin_and_may_not_be_framed(client):
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        r = client.get(path)
        csp = directives(r.headers["content-security-policy"])
        assert r.status_code == 200 and csp["script-src"] == "'self'", path
        assert csp["frame-ancestors"] == csp["object-src"] == csp["base-uri"] == "'none'", path
        assert "cdn" not in r.text and "<script>" not in r.text, path


def test_redirects_to_the_login_form_carry_the_headers_too(client):
    r = client.get("/maps/command-center", follow_redirects=False)
    assert r.status_code == 303 and r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "/\t/evil.example",
                                    "javascript:alert(1)"])
def test_login_goes_nowhere_but_this_site(client, session, target):
    create_user(session, username="traveller", password=PASSWORD, role="admin", scope_code=None)
    r = client.post("/maps/login", data={"username": "traveller", "password": PASSWORD, "next": target},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/maps/command-center"
    form = client.get("/maps/login", params={"next": target}).text
    assert 'name="next" value="/maps/command-center"' in form


def test_the_login_form_escapes_what_it_echoes(client):
    html = client.get("/maps/login", params={"next": '/maps/dispatch"><script>alert(1)</script>'}).text
    assert runnable(html) == [] and "<script>alert" not in html
    assert re.search(r'name="next" value="/maps/dispatch&#34;&gt;&lt;script&gt;alert\(1\)&lt;/script&gt;"', html)
