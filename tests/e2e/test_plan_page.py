"""The plan page in Chromium: a planner selects a grid, draws a line to split it, reads the impact, undoes."""

from tests.e2e.conftest import ARTIFACTS, login, screen_point

COMM_A, COMM_B = "110105001001", "110105001002"
A2 = "110105001001002"


def new_plan(page, communities):
    return page.evaluate("(c) => fetch('/api/v1/plans', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                         " body: JSON.stringify({communities: c})}).then(r => r.json()).then(p => p.id)", communities)


def test_split_a_grid_by_drawing_then_undo(page, server):
    login(page, server, username="planner")
    plan = new_plan(page, [COMM_A])
    page.goto(f"{server}/maps/plans/{plan}")
    page.wait_for_function("() => window.wangge && window.wangge.grids === 5 && window.wangge.valid === true", timeout=20_000)
    assert "校验通过" in page.inner_text("#case-panel")
    page.mouse.click(*screen_point(page, 39.945, 116.43))  # grid 甲二
    page.wait_for_function(f"() => window.wangge.selected.join() === '{A2}'", timeout=10_000)
    page.click(".leaflet-draw-draw-polyline")
    start, end = screen_point(page, 39.95, 116.415), screen_point(page, 39.95, 116.445)
    page.mouse.click(*start)
    page.wait_for_timeout(300)
    page.mouse.click(*end)
    page.wait_for_timeout(300)
    page.mouse.click(*end)  # a click on the last point finishes the line
    page.wait_for_function("() => window.wangge.grids === 6 && window.wangge.version === 2", timeout=10_000)
    panel = page.inner_text("#case-panel")
    assert "新增" in panel and "006" in panel and "校验通过" in panel
    page.screenshot(path=str(ARTIFACTS / "plan-split.png"))
    page.click("#undo")
    page.wait_for_function("() => window.wangge.grids === 5 && window.wangge.version === 3", timeout=10_000)


def test_click_a_building_to_hand_it_to_the_selected_grid(page, server):
    login(page, server, username="planner")
    plan = new_plan(page, [COMM_A])
    page.goto(f"{server}/maps/plans/{plan}")
    page.wait_for_function("() => window.wangge && window.wangge.grids === 5 && window.wangge.buildings === 2", timeout=20_000)
    page.mouse.click(*screen_point(page, 39.935, 116.41))  # grid 甲一
    page.wait_for_function("() => window.wangge.selected.join() === '110105001001001'", timeout=10_000)
    page.mouse.click(*screen_point(page, 39.957, 116.43))  # 甲二北楼: its land up to halfway to 甲二南楼 goes
    page.wait_for_function("() => window.wangge.moved === 1 && window.wangge.version === 2", timeout=10_000)
    assert "校验通过" in page.inner_text("#case-panel")
    page.screenshot(path=str(ARTIFACTS / "plan-move-building.png"))


def test_problems_are_drawn_and_listed(page, server):
    login(page, server, username="planner")
    plan = new_plan(page, [COMM_B])
    page.goto(f"{server}/maps/plans/{plan}")
    page.wait_for_function("() => window.wangge && window.wangge.valid === false", timeout=20_000)
    panel = page.inner_text("#case-panel")
    assert "校验未通过" in panel and "不属于任何网格" in panel
    assert page.evaluate("window.wangge.errors") >= 3
    page.click("ol.problems a")
    page.screenshot(path=str(ARTIFACTS / "plan-problems.png"))
    assert page.goto(f"{server}/maps/plans/424242").status == 404


def test_publish_from_the_page(page, server):
    login(page, server, username="planner")
    broken = new_plan(page, [COMM_B])
    page.goto(f"{server}/maps/plans/{broken}")
    page.wait_for_function("() => window.wangge && window.wangge.valid === false", timeout=20_000)
    page.click("#publish")
    page.wait_for_selector("#plan-error")
    assert "不能发布" in page.inner_text("#plan-error") and "不属于任何网格" in page.inner_text("#plan-error")
    # A later day schedules the plan and leaves today's boundaries (which the other tests use) alone.
    plan = new_plan(page, [COMM_A])
    page.goto(f"{server}/maps/plans/{plan}")
    page.wait_for_function("() => window.wangge && window.wangge.valid === true", timeout=20_000)
    page.fill("#effective", "2099-01-01")
    page.click("#publish")
    page.wait_for_selector("#plan-status")
    assert "待生效" in page.inner_text("#plan-status") and "2099-01-01" in page.inner_text("#plan-status")
    assert page.query_selector("#merge") is None
