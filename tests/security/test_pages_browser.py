"""The injection findings in a real Chromium: payloads in every text that reaches a page, every page and every popup,
tooltip and panel opened, and nothing runs. Every page carries the CSP, and our own code never trips it.

The city, its staff and buildings come in through the importers, categories through their data file
(tests/security/hostile_app.py), cases, reports, notes, attachments and plans through the real API.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
import pytest

from geo.access.accounts import create_user
from geo.core import db
from tests.city import A1, A2, COMM_A, COMM_B
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, filled_database, login, screen_point, serve
from tests.security.hostile import (
    HOSTILE,
    IMG,
    SHORT,
    hostile,
    hostile_categories_csv,
    import_hostile_city,
    import_hostile_rosters,
    open311_client_key,
    report_hostile_cases,
)

INTRUDER = "值班员" + SHORT
# Recorded before any page script runs (init scripts are not subject to the page's CSP).
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
"""
EXECUTED = "() => document.querySelectorAll('[onerror], [onload], img[src=\"x\"], svg[onload]').length"


@dataclass
class Site:
    base: str
    cases: dict
    plan: int
    broken_plan: int


@dataclass
class Watch:
    """What a page did that it must not: dialogs, CSP violations, script errors; and every document's CSP."""

    dialogs: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    documents: list = field(default_factory=list)


def fill_hostile(session) -> None:
    import_hostile_city(session)
    import_hostile_rosters(session)
    create_user(session, username="boss", password=PASSWORD, role="admin", scope_code=None)
    create_user(session, username=INTRUDER, password=PASSWORD, role="admin", scope_code=None)


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    """uvicorn over the hostile city, with hostile cases, Open311 reports and plans made through its API."""
    url = filled_database(cluster, "wangge_hostile", fill_hostile)
    engine = db.make_engine(url)
    with db.session_factory(engine).begin() as session:
        key = open311_client_key(session)
    engine.dispose()
    categories = hostile_categories_csv(tmp_path_factory.mktemp("hostile-data"))
    with serve(url, tmp_path_factory.mktemp("hostile-home"), app="tests.security.hostile_app:app",
               WANGGE_TEST_CATEGORIES_CSV=str(categories)) as base, httpx.Client(base_url=base) as api:
        token = api.post("/api/v1/auth/token", data={"username": INTRUDER, "password": PASSWORD}).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        cases = report_hostile_cases(api, {}, key)
        plan = api.post("/api/v1/plans", json={"communities": [COMM_A], "name": hostile("调整方案")}).json()["id"]
        north = next(b for b in api.get("/api/v1/buildings?limit=100").json()["features"]
                     if b["properties"]["name"].startswith("甲二北楼"))
        moved = api.post(f"/api/v1/plans/{plan}/reassign", json={"to": A1, "buildings": [north["properties"]["id"]]})
        assert moved.status_code == 200, moved.text
        broken = api.post("/api/v1/plans", json={"communities": [COMM_B], "name": hostile("有问题的方案")}).json()["id"]
        yield Site(base, cases, plan, broken)


@pytest.fixture
def watched(browser):
    """A Chinese desktop page that records dialogs, CSP violations, script errors and each document's CSP."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(WATCH)
    page = context.new_page()
    seen = Watch()
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("console", lambda m: seen.errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: seen.documents.append((r.url, r.headers.get("content-security-policy")))
            if r.request.resource_type == "document" and r.headers.get("content-type", "").startswith("text/html")
            else None)
    yield page, seen
    context.close()


def assert_nothing_ran(page, seen: Watch) -> None:
    """No dialog, no payload element in the DOM, no CSP violation or script error; every page had the CSP."""
    assert seen.dialogs == [], seen.dialogs
    assert page.evaluate(EXECUTED) == 0
    assert page.evaluate("() => window.__csp") == [] and seen.errors == [], (page.evaluate("() => window.__csp"),
                                                                            seen.errors)
    assert seen.documents
    for url, policy in seen.documents:
        assert policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, url
        assert "script-src 'self';" in policy, url


def hover(page, lat: float, lon: float) -> None:
    """Move the mouse onto a map position (and a little, so Leaflet sees it arrive)."""
    x, y = screen_point(page, lat, lon)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)


def tooltip_shows(page, text: str) -> None:
    """Wait for a tooltip showing `text` (as text: a payload that ran would not read back)."""
    page.wait_for_function("text => [...document.querySelectorAll('.leaflet-tooltip')].some(t => t.innerText.includes(text))",
                           arg=text, timeout=10_000)


def test_the_csp_blocks_inline_script_and_the_watch_sees_it(site, watched):
    """The detector works: an inline script added to a page is refused, and the violation is recorded."""
    page, _ = watched
    page.goto(site.base + "/maps/login")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
                  " document.body.append(s); }")
    page.wait_for_function("() => window.__csp.length > 0", timeout=5_000)
    assert page.evaluate("() => window.__ran") is None
    assert page.evaluate("() => window.__csp")[0].startswith("script-src")


def test_login_form(site, watched):
    page, seen = watched
    page.goto(site.base + "/maps/login?" + urlencode({"next": hostile("/maps/dispatch")}))
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".error")
    assert_nothing_ran(page, seen)


def test_command_center_popups(site, watched):
    page, seen = watched
    login(page, site.base)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0 && window.wangge.cases >= 2",
                           timeout=20_000)
    page.evaluate("() => window.wangge.map.setView([39.95, 116.41], 17, {animate: false})")
    page.wait_for_function("() => window.wangge.cases >= 1", timeout=10_000)
    page.wait_for_timeout(500)
    page.locator(".case-marker").first.click()
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=10_000).inner_text()
    assert "暴露垃圾" + SHORT in popup and "网格员1" + HOSTILE in popup  # category and assignee, as text

    page.evaluate("() => window.wangge.map.closePopup()")
    page.get_by_label("未结案件").uncheck()
    page.evaluate("() => window.wangge.map.setView([39.945, 116.43], 15, {animate: false})")
    page.wait_for_function("() => window.wangge.staffGrids >= 1", timeout=10_000)
    page.locator(".staff-marker").first.click()
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=10_000).inner_text()
    assert "网格" + HOSTILE in popup and "组长" in popup and IMG in popup

    page.evaluate("() => window.wangge.map.closePopup()")
    page.get_by_label("网格人员").uncheck()
    page.mouse.click(*screen_point(page, 39.945, 116.43))  # the first click drills into community 甲
    page.wait_for_function(f"() => window.wangge.drilled === '{COMM_A}'", timeout=10_000)
    page.wait_for_timeout(800)
    page.mouse.click(*screen_point(page, 39.945, 116.43))
    page.wait_for_function(f"() => window.wangge.gridClicked === '{A2}'", timeout=10_000)
    assert "甲二网格" + HOSTILE in page.inner_text(".leaflet-popup-content")
    page.get_by_label("六边形分箱").check()
    page.wait_for_function("() => window.wangge.hexCells > 0", timeout=10_000)
    assert "网格" in page.inner_text(".leaflet-control-layers")
    page.screenshot(path=str(ARTIFACTS / "hostile-command-center.png"))
    assert_nothing_ran(page, seen)


def test_case_pages(site, watched):
    page, seen = watched
    login(page, site.base)
    for case in site.cases.values():
        page.goto(f"{site.base}/maps/cases/{case}")
        page.wait_for_function("() => window.wangge && window.wangge.loaded && window.wangge.grid "
                               "&& window.wangge.staff !== null", timeout=20_000)
        panel = page.inner_text("#case-panel")
        assert "暴露垃圾" + SHORT in panel and "网格" + HOSTILE in page.inner_text(".grid-name")
        if case == site.cases["case"]:
            for text in ("描述", "地址", "处置说明"):
                assert text + HOSTILE in panel, text
            assert "上报人" + SHORT in panel and INTRUDER in panel and "网格员1" + HOSTILE in panel
            assert "照片" in page.inner_text("#case-attachments") and IMG in page.inner_text("#case-attachments")
        else:
            assert "市民反映" + HOSTILE in panel and "门牌" + HOSTILE in panel and "居民" + SHORT in panel
        page.locator(".case-marker").first.click()
        assert "暴露垃圾" + SHORT in page.wait_for_selector(".leaflet-popup-content", timeout=10_000).inner_text()
    page.screenshot(path=str(ARTIFACTS / "hostile-case.png"))
    assert_nothing_ran(page, seen)


def test_grid_page_tooltips_and_popups(site, watched):
    page, seen = watched
    login(page, site.base, path=f"/maps/grids/{A1}")
    page.wait_for_function("() => window.wangge && window.wangge.staff !== null && window.wangge.neighbours > 0 "
                           "&& window.wangge.buildings === 2 && window.wangge.cases >= 1", timeout=20_000)
    assert "甲一网格" + HOSTILE in page.inner_text("#grid-name") and "组长1" + HOSTILE in page.inner_text("#grid-staff")
    page.evaluate("() => window.wangge.map.setZoom(14, {animate: false})")  # the neighbours in view
    page.wait_for_timeout(300)
    hover(page, 39.945, 116.43)  # 甲二, a neighbour
    tooltip_shows(page, "甲二网格" + HOSTILE)
    page.evaluate("() => window.wangge.map.setView([39.955, 116.41], 18, {animate: false})")
    page.wait_for_timeout(300)
    hover(page, 39.955, 116.41)  # 甲一北楼
    tooltip_shows(page, "甲一北楼" + HOSTILE)
    page.evaluate("() => window.wangge.map.setView([39.95, 116.41], 17, {animate: false})")
    page.wait_for_timeout(300)
    page.locator(".case-marker").first.click()
    assert "暴露垃圾" + SHORT in page.wait_for_selector(".leaflet-popup-content", timeout=10_000).inner_text()
    assert_nothing_ran(page, seen)


def test_dispatch_select_preview_and_result(site, watched):
    page, seen = watched
    login(page, site.base, path="/maps/dispatch")
    page.wait_for_function("() => document.querySelectorAll('#category option').length > 20", timeout=20_000)
    assert "暴露垃圾" + SHORT in page.inner_text("#category")
    page.select_option("#category", "env_garbage")
    page.evaluate("() => window.wangge.map.setView([39.95, 116.41], 14, {animate: false})")
    page.mouse.click(*screen_point(page, 39.95, 116.415))
    page.wait_for_function("() => window.wangge.preview !== null", timeout=10_000)
    preview = page.inner_text("#preview")
    assert "甲一网格" + HOSTILE in preview and "网格员1" + HOSTILE in preview
    page.fill("#description", hostile("电话受理"))
    page.click("#submit")
    page.wait_for_function("() => window.wangge.created !== null", timeout=10_000)
    created = page.evaluate("() => window.wangge.created")
    page.goto(f"{site.base}/maps/cases/{created}")
    page.wait_for_function("() => window.wangge && window.wangge.loaded", timeout=20_000)
    assert "电话受理" + HOSTILE in page.inner_text("#case-description")
    assert_nothing_ran(page, seen)


def test_plan_pages(site, watched):
    page, seen = watched
    login(page, site.base)
    page.goto(f"{site.base}/maps/plans/{site.plan}")
    page.wait_for_function("() => window.wangge && window.wangge.grids === 5 && window.wangge.moved === 1 "
                           "&& window.wangge.buildings === 4", timeout=20_000)
    assert page.title() == "网格调整方案 调整方案" + HOSTILE
    assert "调整方案" + HOSTILE in page.inner_text("#plan-name")
    hover(page, 39.925, 116.43)  # plan grid 甲四
    tooltip_shows(page, "甲四网格" + HOSTILE)
    page.mouse.move(0, 450)
    hover(page, 39.957, 116.43)  # the moved building 甲二北楼
    tooltip_shows(page, "甲二北楼" + HOSTILE)
    page.goto(f"{site.base}/maps/plans/{site.broken_plan}")
    page.wait_for_function("() => window.wangge && window.wangge.valid === false", timeout=20_000)
    assert "有问题的方案" + HOSTILE in page.inner_text("#plan-name")
    page.click("ol.problems a")
    page.click("#publish")
    page.wait_for_selector("#plan-error")
    page.screenshot(path=str(ARTIFACTS / "hostile-plan.png"))
    assert_nothing_ran(page, seen)


def test_the_docs_work_offline_under_their_policy(site, watched):
    """/docs and /redoc run the vendored Swagger UI and ReDoc: every operation shows, nothing is fetched from another
    origin (this machine has no internet, like an offline command center), and nothing breaks the policy."""
    page, seen = watched
    elsewhere = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith((site.base, "data:", "blob:")) else None)
    page.goto(site.base + "/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 40
    page.goto(site.base + "/redoc")
    page.wait_for_selector("[data-section-id]", timeout=20_000)
    # ReDoc's "powered by" logo points at its CDN: the policy refuses it, so it is never fetched either.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [v for v in page.evaluate("() => window.__csp") if logo not in v] == []
    assert [e for e in seen.errors if logo not in e] == [] and set(elsewhere) <= {logo}, (seen.errors, elsewhere)
    for url, policy in seen.documents:
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, url
