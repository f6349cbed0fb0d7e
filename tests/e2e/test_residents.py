"""The residents' pages in Chromium at 390×844: sign in with a code texted through a real gateway, 随手拍 made
offline and sent once back online, the timeline after the office's steps, and a 不满意 that opens a 回访."""

from pathlib import Path

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.cases.workflow import StepInput, transition
from geo.core import db
from tests.e2e.conftest import ARTIFACTS, fill_test_city, filled_database, serve
from tests.sms_gateway import running_gateway

SHOTS = Path("/work/notes/shots/residents")
PHONE = "13812345678"
HERE = {"longitude": 116.41, "latitude": 39.95, "accuracy": 10}


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    url = filled_database(cluster, "wangge_e2e_residents", fill_test_city)
    engine = db.make_engine(url)
    with running_gateway() as (gateway, sms_url), \
            serve(url, tmp_path_factory.mktemp("residents-home"), WANGGE_LANG="zh", WANGGE_SMS="webhook",
                  WANGGE_SMS_WEBHOOK_URL=sms_url, WANGGE_SMS_WEBHOOK_SECRET="e2e-secret") as base:
        yield base, engine, gateway
    engine.dispose()


def shot(page, name: str) -> None:
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    except OSError:
        page.screenshot(path=str(ARTIFACTS / f"residents-{name}.png"), full_page=True)


def count(engine, sql: str, **params):
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


@pytest.fixture
def phone(browser, site):
    base, _, gateway = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", geolocation=HERE,
                                  permissions=["geolocation"], base_url=base)
    page = context.new_page()
    page.goto("/r/")
    assert "/r/login" in page.url
    shot(page, "login")
    page.fill("#phone", PHONE)
    page.click("button[type=submit]")
    page.wait_for_selector("#code")
    shot(page, "code")
    page.fill("#code", gateway.last_code())
    page.click("form[action^='/r/login'] button[type=submit] >> nth=0")
    page.wait_for_url("**/r/")
    yield page
    context.close()


def test_a_report_made_offline_is_sent_once_and_followed_to_the_rating(phone, site):
    _, engine, _ = site
    phone.goto("/r/new")
    phone.wait_for_selector("[data-topic]")
    phone.wait_for_function("() => document.getElementById('loc-text').textContent.includes('±')")
    phone.context.set_offline(True)
    phone.click("[data-topic=garbage]")
    phone.fill("#desc", "小区门口垃圾三天没人清")
    shot(phone, "new")
    phone.click("#send")
    phone.wait_for_function("() => document.getElementById('queue-banner').textContent.includes('待上传 1 条')")
    assert count(engine, "SELECT count(*) FROM cases WHERE description = '小区门口垃圾三天没人清'") == 0
    phone.context.set_offline(False)
    phone.wait_for_function("() => document.getElementById('queue-banner').hidden", timeout=20_000)
    phone.reload()
    phone.wait_for_timeout(1000)
    assert count(engine, "SELECT count(*) FROM cases WHERE description = '小区门口垃圾三天没人清'") == 1
    case_id = count(engine, "SELECT id FROM cases WHERE description = '小区门口垃圾三天没人清'")

    with db.session_factory(engine).begin() as s:  # the office takes it through to closure
        for action in ("register", "dispatch", "accept", "report", "verify", "close"):
            version = s.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
            transition(s, case_id, action, version, SYSTEM, StepInput(note="已清运，并安排每日巡查"))
    phone.goto("/r/")
    phone.wait_for_selector(".report")
    assert "待评价" in phone.inner_text("#report-list")
    shot(phone, "reports")
    phone.click(".report a")
    phone.wait_for_selector("#timeline .step")
    steps = phone.inner_text("#timeline")
    assert "已受理" in steps and "已派遣至" in steps and "已办结" in steps
    assert "已清运，并安排每日巡查" in phone.inner_text("#report")
    shot(phone, "report")
    phone.click("[data-rating=dissatisfied]")
    phone.wait_for_function("() => document.getElementById('timeline').textContent.includes('已评价')")
    shot(phone, "rated")
    assert count(engine, "SELECT rating FROM cases WHERE id = :id", id=case_id) == "dissatisfied"
    assert count(engine, "SELECT count(*) FROM case_revisits WHERE case_id = :id AND done_at IS NULL", id=case_id) == 1


def test_the_pages_ask_a_stranger_to_sign_in(browser, site):
    base, _, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base)
    page = context.new_page()
    page.goto("/r/")
    assert "/r/login" in page.url
    page.goto("/r/reports/1")
    assert "/r/login" in page.url
    context.close()
