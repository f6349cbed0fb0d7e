"""Map pages as HTML: light, nothing inlined, the configured basemap in its datum, Chinese by default."""

import json
import re

import pytest
from pydantic import ValidationError

from geo.access.accounts import create_user
from geo.core.settings import Settings, get_settings
from maps.basemaps import basemap, tile_origins
from tests.conftest import PASSWORD
from tests.security.html import Tags, runnable

CONFIG = re.compile(r'<script type="application/json" id="page-config">(.*?)</script>', re.S)


def page_config(html: str) -> dict:
    """The JSON config block of a rendered page (the only data a page carries)."""
    blocks = CONFIG.findall(html)
    assert len(blocks) == 1, "one config block per page"
    return json.loads(blocks[0])


@pytest.fixture
def with_basemap(monkeypatch):
    def choose(name: str, key: str | None = None):
        monkeypatch.setenv("WANGGE_BASEMAP", name)
        if key:
            monkeypatch.setenv("WANGGE_TIANDITU_KEY", key)
        get_settings.cache_clear()
    yield choose
    monkeypatch.delenv("WANGGE_BASEMAP", raising=False)
    monkeypatch.delenv("WANGGE_TIANDITU_KEY", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def pages(client, login, city):
    """A client logged in to the pages (the cookie the login form sets) as an admin."""
    client.cookies.set("wangge_token", login()["Authorization"].removeprefix("Bearer "))
    client.headers["Origin"] = "http://testserver"  # as a browser names the page its writes come from (CSRF check)
    return client


def test_command_center_is_light_and_inlines_no_geometry(pages):
    r = pages.get("/maps/command-center", headers={"Accept-Language": "zh-CN"})
    html = r.text
    assert r.status_code == 200 and len(html.encode()) < 20_000
    assert "coordinates" not in html and "116.4" in html  # only the view's bounds
    assert '<script src="/static/command-center.js">' in html and '<script src="/static/vendor/heat/leaflet-heat.js">' in html
    assert "<title>社会治理综合指挥中心</title>" in html and "tile.openstreetmap.org" not in html  # offline by default
    view = page_config(html)["map"]
    assert view["crs"] == "EPSG3857" and view["basemap"] is None
    assert view["bounds"] == [[pytest.approx(39.90), pytest.approx(116.40)], [pytest.approx(39.96), pytest.approx(116.50)]]


def test_pages_carry_no_inline_script(pages):
    """Every <script> either loads /static/… or is the JSON config block: the CSP can forbid inline script."""
    case = pages.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95}).json()
    plan = pages.post("/api/v1/plans", json={"communities": ["110105001001"]}).json()
    for path in ("/maps/command-center", f"/maps/cases/{case['id']}", "/maps/grids/110105001001001", "/maps/dispatch",
                 f"/maps/plans/{plan['id']}", "/maps/needs"):
        html = pages.get(path).text
        assert runnable(html) == [], path
        tags = Tags(html).tags
        assert ("script", {"type": "application/json", "id": "page-config"}) in tags, path
        # nor inline styles: the CSP allows none
        assert not [(tag, name) for tag, attrs in tags for name in attrs if name == "style"], path
        assert "style" not in {tag for tag, _ in tags}, path


def test_amap_pages_draw_in_gcj02(pages, with_basemap):
    with_basemap("amap")
    html = pages.get("/maps/command-center?lang=en").text
    view = page_config(html)["map"]
    assert view["crs"] == "GCJ02" and "webrd0{s}.is.autonavi.com" in view["basemap"]["url"]
    assert "<title>Command center</title>" in html


def test_tianditu_needs_its_key(with_basemap):
    with pytest.raises(ValidationError, match="WANGGE_TIANDITU_KEY"):
        Settings(basemap="tianditu")
    chosen = basemap("tianditu", "abc123")
    assert chosen.datum == "wgs84" and chosen.url.endswith("tk=abc123") and "cva" in chosen.overlay_url
    assert basemap("none") is None
    assert tile_origins(chosen) == [f"https://t{i}.tianditu.gov.cn" for i in range(8)]
    assert tile_origins(basemap("osm")) == ["https://tile.openstreetmap.org"] and tile_origins(None) == []


def test_heat_period_must_be_offered(pages):
    r = pages.get("/maps/command-center?days=8")
    assert r.status_code == 422 and "7, 30, 90, 365" in r.json()["detail"]
    assert pages.get("/maps/command-center?days=90").status_code == 200


def test_login_form_is_chinese_by_default_and_fits_a_phone(client, monkeypatch):
    monkeypatch.setenv("WANGGE_LANG", "zh")  # the suite reads English messages; the product's default is Chinese
    get_settings.cache_clear()
    try:
        html = client.get("/maps/login").text
    finally:
        monkeypatch.delenv("WANGGE_LANG")
        get_settings.cache_clear()
    assert '<html lang="zh-CN">' in html and "用户名" in html and "密码" in html and ">登录</button>" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'autocomplete="current-password"' in html and '<link rel="stylesheet" href="/static/pages.css">' in html
    english = client.get("/maps/login?lang=en").text
    assert "Username" in english and 'action="/maps/login?lang=en"' in english and 'action="/maps/login?lang=zh"' in html


def test_login_cookie_is_secure_behind_https(client, session, monkeypatch):
    create_user(session, username="cookie-user", password=PASSWORD, role="admin", scope_code=None)
    form = {"username": "cookie-user", "password": PASSWORD}
    plain = client.post("/maps/login", data=form, follow_redirects=False).headers["set-cookie"]
    assert "HttpOnly" in plain and "Secure" not in plain
    monkeypatch.setenv("WANGGE_PUBLIC_URL", "https://wangge.example.gov.cn")
    get_settings.cache_clear()
    try:
        secure = client.post("/maps/login", data=form, follow_redirects=False).headers["set-cookie"]
    finally:
        monkeypatch.delenv("WANGGE_PUBLIC_URL")
        get_settings.cache_clear()
    assert "Secure" in secure and "HttpOnly" in secure and "samesite=lax" in secure.lower()
    with pytest.raises(ValidationError):
        Settings(public_url="wangge.example.gov.cn")


def test_every_step_of_a_case_history_has_words_in_both_languages():
    """The case page shows 超时升级, not `escalate`: no code word reaches a person."""
    from geo.cases.workflow import ACTIONS
    from geo.core.i18n import LABELS
    for lang in ("zh", "en"):
        missing = [a for a in (*ACTIONS, "intake", "escalate", "reroute") if f"action_{a}" not in LABELS[lang]]
        assert missing == [], lang


def test_the_servers_address_opens_the_command_center(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/maps/command-center"


def test_the_command_center_warns_while_no_official_calendar_covers_the_next_60_days(pages, session, monkeypatch):
    from datetime import date

    from geo.cases import official_calendar
    from maps import command_center

    monkeypatch.setattr(command_center, "china_today", lambda: date(2026, 12, 1))
    html = pages.get("/maps/command-center", headers={"Accept-Language": "zh-CN"}).text
    assert '<div class="wangge-notice" role="status">从 2027-01-01 起尚无官方节假日安排' in html
    assert "wangge calendar" not in html, "the screen names no command"
    official_calendar.load_notice(session, [official_calendar.NoticeDay(date(2027, 1, 1), "holiday", "元旦")])
    assert "wangge-notice" not in pages.get("/maps/command-center").text

