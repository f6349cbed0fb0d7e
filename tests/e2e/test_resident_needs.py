"""三单制 and 积分 in Chromium at 390×844: a resident raises a need on /r/, the branch orders it, a volunteer claims
it on the 认领墙 and completes it with proof, the resident confirms and rates it, community staff approve the
points, and the volunteer spends them in the 积分超市."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from geo.access.accounts import create_user
from geo.core import db
from geo.core.time import china_today
from tests.city import COMM_A, PASSWORD
from tests.e2e.conftest import filled_database, serve
from tests.e2e.test_residents import shot
from tests.party_city import build_party_city
from tests.sms_gateway import running_gateway

RAISER, VOLUNTEER = "13811110001", "13811110002"


def fill(session) -> None:
    """The party city, with party and community staff of community A."""
    ids = build_party_city(session)
    create_user(session, username="party-a", password=PASSWORD, role="party_staff", scope_code=COMM_A)
    create_user(session, username="comm-a", password=PASSWORD, role="community_staff", scope_code=COMM_A)
    session.execute(text("CREATE TABLE e2e_ids AS SELECT CAST(:h AS bigint) AS household"),
                    {"h": ids["b1_households"][0]})


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    url = filled_database(cluster, "wangge_e2e_needs", fill)
    engine = db.make_engine(url)
    with running_gateway() as (gateway, sms_url), \
            serve(url, tmp_path_factory.mktemp("needs-home"), WANGGE_LANG="zh", WANGGE_SMS="webhook",
                  WANGGE_SMS_WEBHOOK_URL=sms_url, WANGGE_SMS_WEBHOOK_SECRET="e2e-secret") as base:
        yield base, engine, gateway
    engine.dispose()


def resident_token(base: str, gateway, phone: str) -> str:
    """Sign in through the API with the code the gateway received."""
    assert httpx.post(base + "/api/v1/auth/resident-code", json={"phone": phone}).status_code == 202
    r = httpx.post(base + "/api/v1/auth/resident-token", json={"phone": phone, "code": gateway.last_code()})
    return r.json()["access_token"]


def staff(base: str, username: str) -> dict:
    r = httpx.post(base + "/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def sign_in_staff(page, username: str, path: str) -> None:
    """The desktop sign-in form, then the page."""
    page.context.clear_cookies()
    page.goto("/maps/login?next=" + path)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**" + path)


def phone_of(browser, base: str, token: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=base)
    context.add_cookies([{"name": "wangge_token", "value": token, "url": base}])
    return context.new_page()


def one(engine, sql: str, **params):
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


def test_a_need_from_the_phone_to_the_rating_and_its_points_spent(browser, site):
    base, engine, gateway = site
    raiser_token = resident_token(base, gateway, RAISER)
    with engine.begin() as c:
        c.execute(text("UPDATE resident_accounts SET household_id = (SELECT household FROM e2e_ids)"))
    raiser = phone_of(browser, base, raiser_token)
    raiser.goto("/r/needs/new")
    raiser.fill("#need-title", "楼道里装一个扶手")
    raiser.click("[data-kind=public]")
    raiser.fill("#need-desc", "三楼转角很暗，老人上下楼容易摔")
    shot(raiser, "need-new")
    raiser.click("#send")
    raiser.wait_for_selector("#need-message a")
    need = one(engine, "SELECT id FROM needs WHERE title = '楼道里装一个扶手'")
    assert one(engine, "SELECT kind FROM needs WHERE id = :n", n=need) == "public"

    desk = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN", base_url=base)
    sign_in_staff(desk, "party-a", "/maps/needs")
    desk.wait_for_selector(f"[data-need='{need}'] button[data-action=order]")
    shot(desk, "needs-desk")
    desk.click(f"[data-need='{need}'] button[data-action=order]")
    desk.wait_for_function("() => document.getElementById('desk-message').textContent.includes('下单')")
    assert one(engine, "SELECT status FROM needs WHERE id = :n", n=need) == "ordered"

    volunteer = phone_of(browser, base, resident_token(base, gateway, VOLUNTEER))
    volunteer.goto("/r/needs")  # on no household's file: the board of every community
    volunteer.wait_for_selector(f"[data-need='{need}'] button.claim")
    shot(volunteer, "need-board")
    volunteer.click(f"[data-need='{need}'] button.claim")
    volunteer.wait_for_function("() => document.getElementById('my-needs').textContent.includes('楼道里装一个扶手')")
    assert one(engine, "SELECT status FROM needs WHERE id = :n", n=need) == "claimed"
    volunteer.goto(f"/r/needs/{need}")
    volunteer.wait_for_selector("#complete-text")
    volunteer.fill("#complete-text", "周六装好了不锈钢扶手")
    volunteer.click("#complete")
    volunteer.wait_for_function("() => document.getElementById('need').textContent.includes('周六装好了')")
    assert one(engine, "SELECT status FROM needs WHERE id = :n", n=need) == "done"

    raiser.goto(f"/r/needs/{need}")
    raiser.wait_for_selector("[data-rating=satisfied]")
    shot(raiser, "need-confirm")
    raiser.click("[data-rating=satisfied]")
    raiser.wait_for_function("() => document.getElementById('need').textContent.includes('满意')")
    assert one(engine, "SELECT status FROM needs WHERE id = :n", n=need) == "confirmed"

    sign_in_staff(desk, "comm-a", "/maps/needs")
    desk.wait_for_selector("#awards .award button.primary")
    assert "+20" in desk.inner_text("#awards")
    desk.click("#awards .award button.primary")
    desk.wait_for_function("() => document.getElementById('awards').textContent.includes('没有待审核')")
    community = staff(base, "comm-a")
    holder_community = one(engine, "SELECT community_code FROM point_holders")
    httpx.post(f"{base}/api/v1/points/shop", headers=community,
               json={"community": holder_community, "name": "环保购物袋", "cost": 15, "stock": 2})

    volunteer.goto("/r/points")
    volunteer.wait_for_function("() => document.getElementById('balance').textContent.includes('20')")
    volunteer.on("dialog", lambda dialog: dialog.accept())
    volunteer.click("button.redeem")
    volunteer.wait_for_function("() => document.getElementById('balance').textContent.includes('积分余额 5 分')")
    shot(volunteer, "points")
    assert one(engine, "SELECT stock FROM points_items WHERE name = '环保购物袋'") == 1
    assert one(engine, "SELECT string_agg(kind || points, ',' ORDER BY id) FROM point_entries") == "earn20,redeem-15"
    volunteer.set_viewport_size({"width": 390, "height": 844})
    assert volunteer.evaluate("() => document.documentElement.scrollWidth") <= 390

    # on a weak connection the pages open from the service worker's copy, marked as possibly old
    volunteer.goto("/r/needs")
    volunteer.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    volunteer.wait_for_selector("#my-needs .card")
    volunteer.context.set_offline(True)
    volunteer.goto("/r/needs")
    volunteer.wait_for_selector("#my-needs .card")
    assert "楼道里装一个扶手" in volunteer.inner_text("#my-needs")
    volunteer.context.set_offline(False)
