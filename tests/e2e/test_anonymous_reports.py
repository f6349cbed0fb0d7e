"""Reporting without signing in, in Chromium at 390×844 in Chinese: 随手拍 from /r/anonymous, the 查询码 noted from
the page, then /r/lookup with it shows the timeline after the office's steps; a wrong code says so plainly."""

from pathlib import Path

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.cases.workflow import StepInput, transition
from geo.core import db
from tests.e2e.conftest import ARTIFACTS, fill_test_city, filled_database, serve

SHOTS = Path("/work/notes/shots/residents")
HERE = {"longitude": 116.41, "latitude": 39.95, "accuracy": 10}


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    url = filled_database(cluster, "wangge_e2e_anonymous", fill_test_city)
    engine = db.make_engine(url)
    with serve(url, tmp_path_factory.mktemp("anonymous-home"), WANGGE_LANG="zh") as base:
        yield base, engine
    engine.dispose()


def shot(page, name: str) -> None:
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"anonymous-{name}.png"), full_page=True)
    except OSError:
        page.screenshot(path=str(ARTIFACTS / f"residents-anonymous-{name}.png"), full_page=True)


@pytest.fixture
def stranger(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", geolocation=HERE,
                                  permissions=["geolocation"], base_url=site[0])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, errors
    context.close()


def test_report_without_signing_in_then_follow_it_with_the_code(site, stranger):
    base, engine = site
    page, errors = stranger
    page.goto("/r/login")
    page.click("text=不登录，直接随手拍")
    page.wait_for_url("**/r/anonymous")
    page.wait_for_selector("#topic-list .chip")
    page.wait_for_function("document.getElementById('loc-text').textContent.includes('米')")
    page.click("#topic-list .chip >> text=垃圾没人清")
    page.click("#send")
    assert page.text_content("#new-message") == "请说说遇到了什么问题"  # nobody can be called back to ask
    page.fill("#desc", "小区门口垃圾没人清<img src=x onerror=alert(1)>")
    page.click("#send")
    page.wait_for_selector("#code-box:not([hidden])")
    code = page.text_content("#query-code").strip()
    assert len(code) == 14 and code.count("-") == 2
    shot(page, "code")
    with engine.begin() as c:
        case_id, created_by, phones = c.execute(text(
            "SELECT c.id, c.created_by, (SELECT count(*) FROM case_reporters r WHERE r.case_id = c.id) FROM cases c "
            "WHERE c.channel = 'self_report' ORDER BY c.id DESC LIMIT 1")).one()
    assert created_by is None and phones == 0
    with db.session_factory(engine).begin() as session:
        for action in ("register", "dispatch", "accept", "report"):
            version = session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
            transition(session, case_id, action, version, SYSTEM, StepInput(note="已清运"))

    page.click("text=用查询码查询进度")
    page.wait_for_url("**/r/lookup")
    page.fill("#code", code[:-1] + ("2" if code[-1] != "2" else "3"))
    page.click("#lookup")
    page.wait_for_function("document.getElementById('lookup-message').textContent.length > 0")
    assert "没有与该查询码对应的诉求" in page.text_content("#lookup-message")
    page.fill("#code", code.lower().replace("-", " "))
    page.click("#lookup")
    page.wait_for_selector("#report:not([hidden]) .status")
    assert page.text_content("#report .status") == "处理中"
    steps = page.locator("#timeline .step b").all_text_contents()
    assert steps[0] == "已受理" and steps[-1] == "处理人回复" and len(steps) == 4
    assert "<img" in page.text_content("#report .desc")  # shown as text, never as markup
    assert page.locator("#report img").count() == 0 and not page.locator("button[data-rating]").count()
    shot(page, "lookup")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert [e for e in errors if "status of 404" not in e] == []  # the wrong code answered 404, as meant
