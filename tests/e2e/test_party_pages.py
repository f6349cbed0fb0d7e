"""The party pages in a real headless Chromium on tests/party_city.py: the command center's 党建 layer, the
organisation-tree page (/maps/party) on a wall screen and a phone, and the grid page's compounds."""

import pytest
from sqlalchemy import text

from geo.access.accounts import create_user
from tests.city import A1, PASSWORD
from tests.e2e.conftest import ARTIFACTS, filled_database, login, screen_point, serve
from tests.maps.test_chinese_everywhere import code_words, seen
from tests.party_city import COMPOUNDS, PERIOD, build_party_city

WORDS = ("compound_branch", "party_staff", "org_covered", "work_covered", "street_committee", "building_group")


def fill(s) -> None:
    """The party test city with its activities moved so that today ends its PERIOD, an admin `boss` and a
    party-building account `dang` of the district."""
    build_party_city(s)
    s.execute(text("UPDATE party_activities SET held_on = held_on + (current_date - CAST(:end AS date))"),
              {"end": PERIOD[1]})
    create_user(s, username="boss", password=PASSWORD, role="admin", scope_code=None)
    create_user(s, username="dang", password=PASSWORD, role="party_staff", scope_code="110105")


@pytest.fixture(scope="session")
def party_server(cluster, tmp_path_factory):
    """uvicorn in Chinese over the party test city; yields its base URL."""
    url = filled_database(cluster, "wangge_e2e_party", fill)
    with serve(url, tmp_path_factory.mktemp("party-home"), WANGGE_LANG="zh") as base:
        yield base


def sized(browser, width: int, height: int):
    """A page of the given viewport, in Chinese."""
    ARTIFACTS.mkdir(exist_ok=True)
    return browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN").new_page()


def party_layer_on(page, base: str, logged_in: bool = False) -> None:
    """Log in to the command center and switch the 党建 layer on as a person would: in the layers control."""
    if logged_in:
        page.goto(base + "/maps/command-center")
    else:
        login(page, base)
    toggle = page.locator(".leaflet-control-layers-toggle")
    if toggle.is_visible():  # a phone: the control is folded, and opens under the finger
        box = toggle.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.wangge && window.wangge.loads > 0", timeout=20_000)
    page.locator(".leaflet-control-layers label", has_text="党建").click()
    page.wait_for_function("() => window.wangge.party === 6", timeout=10_000)


def test_the_party_layer_colours_six_compounds_by_their_coverages(page, party_server):
    party_layer_on(page, party_server)
    kinds = page.evaluate("""() => Object.fromEntries(['both', 'org_only', 'none', 'gap'].map(k =>
        [k, document.querySelectorAll('path.party-compound.party-' + k).length]))""")
    assert kinds == {"both": 3, "org_only": 1, "none": 2, "gap": 3}  # PA1 PA2 PB1 · PA3 · PA4 PB2
    fills = page.evaluate("""() => [...document.querySelectorAll('path.party-compound')].map(p =>
        p.getAttribute('class').match(/party-(both|org_only|none)/)[1] + ' ' + p.getAttribute('fill'))""")
    assert sorted(set(fills)) == ["both #31a354", "none #de2d26", "org_only #f0a30a"]
    assert all(page.evaluate("""() => [...document.querySelectorAll('path.party-gap')].map(p =>
        p.getAttribute('stroke-dasharray') === '6 4')"""))
    legend = page.inner_text(".party-legend")
    assert "组织+工作覆盖" in legend and "仅组织覆盖" in legend and "无党组织" in legend and "覆盖缺口" in legend
    page.screenshot(path=str(ARTIFACTS / "party-layer.png"))


def test_a_compounds_popup_reads_in_chinese(page, party_server):
    party_layer_on(page, party_server)
    box = COMPOUNDS["PA3"][2]  # 甲三小区: a branch, idle
    page.evaluate(f"window.wangge.map.setView([{box.centroid.y}, {box.centroid.x}], 15)")
    page.wait_for_timeout(400)
    page.mouse.click(*screen_point(page, box.centroid.y - 0.005, box.centroid.x))
    popup = page.wait_for_selector(".party-popup", timeout=10_000).inner_text()
    assert "甲三小区" in popup and "甲三小区党支部" in popup and "仅组织覆盖" in popup
    assert "最近活动：" in popup and "-05-" in popup and "工作覆盖：否" in popup and code_words(popup) == []
    page.screenshot(path=str(ARTIFACTS / "party-layer-popup.png"))


def test_the_tree_page_in_chinese_and_a_click_flies_to_the_branch(page, party_server):
    login(page, party_server, path="/maps/party")
    page.wait_for_function("() => window.wangge && window.wangge.tree && window.wangge.compounds === 6",
                           timeout=20_000)
    tree = page.inner_text("#party-tree")
    for level in ("街道党工委", "社区党委", "社区党总支/党支部", "小区(院落)党支部", "驻区单位/两新组织党组织"):
        assert level in tree, level
    page.locator("button.toggle[aria-expanded=false]").first.click()  # the building group, two levels down
    assert "楼栋党小组" in page.inner_text("#party-tree")
    before = page.evaluate("window.wangge.map.getZoom()")
    page.locator("#party-tree button.name", has_text="甲一甲二联合党支部").click()
    page.wait_for_function("() => window.wangge.flown > 0", timeout=10_000)
    inside = page.evaluate("""() => { const b = window.wangge.map.getBounds();
        return [[39.931, 116.401], [39.939, 116.404], [39.946, 116.411], [39.959, 116.419]].every(p => b.contains(p))
            && !b.contains([39.93, 116.48]); }""")  # PA1 and PA2 in view, PB2 (far east) not
    assert inside and page.evaluate("window.wangge.map.getZoom()") > before
    card = page.inner_text("#party-card")
    assert "小区(院落)党支部" in card and "甲一甲二联合党支部" in card
    assert page.inner_text("[data-card=compounds]") == "2" and page.inner_text("[data-card=worked]") == "是"
    assert "党员甲" not in page.content()  # counts only: never a member's name
    text = seen(page)
    assert code_words(text) == [] and not any(w in text for w in WORDS)
    page.screenshot(path=str(ARTIFACTS / "party-tree.png"))


@pytest.mark.parametrize("width,height", [(1440, 900), (1920, 1080), (390, 844)])
def test_the_tree_page_fits_every_screen(browser, party_server, width, height):
    page = sized(browser, width, height)
    try:
        login(page, party_server, "dang", "/maps/party")
        page.wait_for_function("() => window.wangge && window.wangge.tree && window.wangge.compounds === 6",
                               timeout=20_000)
        page.locator("#party-tree button.name", has_text="甲三小区党支部").click()
        page.wait_for_function("() => window.wangge.flown > 0", timeout=10_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        side, map_box = page.locator("#party-side").bounding_box(), page.locator("#map").bounding_box()
        if width <= 600:  # a phone: the tree above the map, both as wide as the screen
            assert side["y"] + side["height"] <= map_box["y"] + 1 and map_box["width"] >= width - 1
        else:
            assert side["x"] + side["width"] <= map_box["x"] + 1
        page.screenshot(path=str(ARTIFACTS / f"party-tree-{width}x{height}.png"))
        party_layer_on(page, party_server, logged_in=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"party-layer-{width}x{height}.png"))
    finally:
        page.context.close()


def test_the_grid_page_lists_and_draws_its_compounds(page, party_server):
    login(page, party_server, path=f"/maps/grids/{A1}")
    page.wait_for_function("() => window.wangge && window.wangge.compounds === 2", timeout=20_000)
    listed = page.inner_text("#grid-compounds")
    assert "甲一小区" in listed and "甲二小区" in listed and "甲一甲二联合党支部" in listed and "物业" in listed
    assert page.locator("path.party-compound").count() == 2
    assert code_words(seen(page)) == ["leader"]  # only the test city's staff, named by their usernames
    page.screenshot(path=str(ARTIFACTS / "party-grid.png"))


def test_the_tree_page_in_english_on_request(page, party_server):
    login(page, party_server, path="/maps/party?lang=en")
    page.wait_for_function("() => window.wangge && window.wangge.tree", timeout=20_000)
    assert page.title().startswith("Party organisations")
    tree = page.inner_text("#party-tree")
    assert "street party working committee" in tree and "compound party branch" in tree
