"""The dispatch page as HTML: the whole intake form in Chinese, the channel a role starts with, and the address search
it uses (buildings of the caller's area only)."""

import re

import pytest
from sqlalchemy import text

from tests.city import A2, B1, PASSWORD, staff_the_city
from tests.maps.test_pages import page_config
from tests.security.html import Tags, runnable


@pytest.fixture
def as_page(client, city, session):
    """Log in to the pages as one of the test city's accounts; returns the client."""
    staff_the_city(session)

    def login(name: str):
        r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.cookies.set("wangge_token", r.json()["access_token"])
        client.headers["Origin"] = "http://testserver"
        client.headers["Accept-Language"] = "zh-CN"
        return client
    return login


def options(html: str, select: str) -> list[tuple[str, str, bool]]:
    """(value, text, selected) of every option of the <select id=select>."""
    block = re.search(rf'<select id="{select}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(v, t, bool(s)) for v, s, t in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', block)]


@pytest.mark.parametrize("user,channel", [("command", "hotline"), ("street", "patrol"), ("w1", "patrol")])
def test_the_form_speaks_chinese_and_starts_on_the_roles_channel(as_page, user, channel):
    html = as_page(user).get("/maps/dispatch").text
    channels = options(html, "channel")
    assert [v for v, _, selected in channels if selected] == [channel]
    assert dict((v, t) for v, t, _ in channels) == {"patrol": "巡查上报", "hotline": "12345热线", "self_report": "居民随手拍",
                                                    "petition": "信访", "video_ai": "视频智能识别",
                                                    "referral": "上级交办"}
    assert [t for _, t, _ in options(html, "urgency")] == ["普通", "紧急"]
    for label in ("来电人", "联系电话", "来源渠道", "紧急程度", "地址", "类别", "问题描述", "附件", "选择文件", "立案派遣"):
        assert f">{label}" in html, label
    config = page_config(html)
    assert config["channel"] == channel and config["accept"] == "image/jpeg,image/png,image/webp,application/pdf"
    assert runnable(html) == [] and not [n for _, attrs in Tags(html).tags for n in attrs if n == "style"]


def test_the_form_in_english_on_request(as_page):
    html = as_page("command").get("/maps/dispatch", headers={"Accept-Language": "en"}).text
    assert ("hotline", "12345 hotline", True) in options(html, "channel") and ">Caller<" in html


def test_the_address_search_finds_buildings_of_the_callers_area_only(as_page, session):
    for name, address, grid, lon in (("幸福里3号楼", "幸福路12号", A2, 116.43), ("幸福里乙楼", "幸福路50%号", B1, 116.45)):
        session.execute(text("INSERT INTO buildings (name, address, grid_code, geom) VALUES (:n, :a, :g, "
                             "ST_SetSRID(ST_MakePoint(:x, 39.95), 4326))"), {"n": name, "a": address, "g": grid, "x": lon})
    client = as_page("comm")  # community 甲 (COMM_A): 甲二 is theirs, 乙一 is not
    found = lambda q: [f["properties"]["name"] for f in client.get("/api/v1/buildings", params={"q": q}).json()["features"]]
    assert found("幸福") == ["幸福里3号楼"] and found("12号") == ["幸福里3号楼"] and found("  ") == ["幸福里3号楼"]
    client = as_page("command")
    assert found("幸福") == ["幸福里3号楼", "幸福里乙楼"]
    assert found("50%") == ["幸福里乙楼"] and found("%") == ["幸福里乙楼"]  # % is a character, not LIKE's wildcard
    assert found("无此楼") == []
    assert client.get("/api/v1/buildings", params={"q": "x" * 101}).status_code == 422
