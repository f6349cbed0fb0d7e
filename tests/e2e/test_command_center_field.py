"""The command center's field layers in Chromium: 走访覆盖率, 楼栋走访 and 巡查轨迹 switched on and drawn."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import text

from geo.core.time import CHINA, china_today
from tests.city import A1, A2
from tests.e2e.conftest import ARTIFACTS, fill_test_city, filled_database, login, serve

SHOTS = ARTIFACTS
# Buildings (lon, lat, households, days since the last visit or None): three in 甲一, one in 甲二.
BUILDINGS = [(116.405, 39.950, 4, 2), (116.412, 39.952, 3, 20), (116.415, 39.935, 2, None), (116.43, 39.945, 5, 120)]


def fill_field_work(s) -> None:
    """The e2e test city plus buildings with households, their visits, and w1's patrol today (Beijing) in 甲一."""
    fill_test_city(s)
    w1 = s.execute(text("SELECT id FROM staff WHERE name = 'w1'")).scalar_one()
    now = datetime.now(UTC)
    for i, (lon, lat, households, days) in enumerate(BUILDINGS):
        building = s.execute(text("INSERT INTO buildings (name, geom) VALUES (:n, ST_SetSRID(ST_MakePoint(:x, :y), "
                                  "4326)) RETURNING id"), {"n": f"{i + 1}号楼", "x": lon, "y": lat}).scalar_one()
        doors = [s.execute(text("INSERT INTO households (building_id, door) VALUES (:b, :d) RETURNING id"),
                           {"b": building, "d": f"{n + 1}01"}).scalar_one() for n in range(households)]
        if days is not None:
            s.execute(text("INSERT INTO visits (staff_id, household_id, building_id, grid_code, kind, visited_at) "
                           "VALUES (:s, :h, :b, (SELECT grid_code FROM buildings WHERE id = :b), 'home', :t)"),
                      {"s": w1, "h": doors[0], "b": building, "t": now - timedelta(days=days)})
    # Today's patrol, and one tomorrow (Beijing): the page asks for its own today, even just after midnight.
    for day in (china_today(), china_today() + timedelta(days=1)):
        start = datetime.combine(day, time(0, 5), CHINA)
        patrol = s.execute(text("INSERT INTO patrols (staff_id, grid_code, started_at, finished_at, length_m) "
                                "VALUES (:s, :g, :a, :b, 1850) RETURNING id"),
                           {"s": w1, "g": A1, "a": start, "b": start + timedelta(minutes=75)}).scalar_one()
        for n, (lon, lat) in enumerate([(116.403, 39.936), (116.408, 39.948), (116.415, 39.955), (116.418, 39.94)]):
            s.execute(text("INSERT INTO patrol_points (patrol_id, t, geom, accuracy) VALUES (:p, :t, "
                           "ST_SetSRID(ST_MakePoint(:x, :y), 4326), 8)"),
                      {"p": patrol, "t": start + timedelta(minutes=5 * n), "x": lon, "y": lat})


@pytest.fixture(scope="module")
def field_server(cluster, tmp_path_factory):
    url = filled_database(cluster, "wangge_e2e_field", fill_field_work)
    with serve(url, tmp_path_factory.mktemp("field-home")) as base:
        yield base


def switch_on(page, *names):
    for name in names:
        page.get_by_label(name).check()


def test_the_three_field_layers_draw(page, field_server):
    login(page, field_server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0", timeout=20_000)
    page.get_by_label("未结案件").uncheck()
    switch_on(page, "走访覆盖率", "楼栋走访", "今日巡查轨迹")
    # Grids shaded by coverage: 甲一 has 2 of 9 households visited in 30 days (22%), 甲二 none of 5 (0%).
    page.wait_for_function("() => window.wangge.coverage !== null && window.wangge.coverageFeatures > 0",
                           timeout=10_000)
    coverage = page.evaluate("window.wangge.coverage")
    assert (coverage[A1]["households"], coverage[A1]["households_visited"]) == (9, 2)
    assert coverage[A2]["visit_coverage"] == 0
    fills = page.evaluate("[...document.querySelectorAll('path.leaflet-interactive')].map(p => p.getAttribute('fill'))")
    assert "#d73027" in fills and "#bdbdbd" in fills  # under 30%, and grids without households
    legend = page.inner_text(".field-legend")
    assert "入户走访覆盖率" in legend and "≥ 90%" in legend and "无住户" in legend
    # Zoomed out the buildings wait, and the legend says why.
    assert "放大地图后显示楼栋" in legend and page.evaluate("window.wangge.buildingVisits") == 0
    # Today's track, with the worker, the duration and the distance in its popup.
    page.wait_for_function("() => window.wangge.tracks >= 1", timeout=10_000)
    assert page.locator("path.patrol-track").count() >= 1
    popup = page.evaluate("""() => { let text = null; window.wangge.map.eachLayer(l => {
        if (l.feature && l.feature.properties.staff && l.getPopup()) { l.openPopup(); text = document.querySelector(
            '.track-popup').innerText; } }); return text; }""")
    assert "w1" in popup and "1小时 15分钟" in popup and "1.85 km" in popup
    page.evaluate("window.wangge.map.closePopup()")
    # Zoomed in: one dot per building, coloured by the days since the last visit.
    page.evaluate("window.wangge.map.setView([39.945, 116.415], 15)")
    page.wait_for_function("() => window.wangge.buildingVisits >= 3", timeout=10_000)
    colours = page.evaluate("[...document.querySelectorAll('.building-visit-marker span')]"
                            ".map(e => getComputedStyle(e).backgroundColor)")
    assert {"rgb(26, 150, 65)", "rgb(166, 217, 106)", "rgb(215, 25, 28)"} <= set(colours)  # ≤7, ≤30 days, never
    assert "放大地图后显示楼栋" not in page.inner_text(".field-legend")
    page.screenshot(path=str(SHOTS / "command-center-field.png"))


def test_roles_without_tracks_get_no_track_layer(page, field_server):
    login(page, field_server, username="planner")
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0", timeout=20_000)
    names = page.inner_text(".leaflet-control-layers-overlays")
    assert "走访覆盖率" in names and "楼栋走访" in names and "巡查轨迹" not in names


@pytest.mark.parametrize("width, height", [(1920, 1080), (390, 844)])
def test_screenshots_with_the_field_layers_on(browser, field_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, field_server)
        page.wait_for_function("() => window.wangge && window.wangge.kpis !== null", timeout=20_000)
        page.evaluate("window.wangge.map.setView([39.947, 116.412], 15)")
        if width < 600:
            page.hover(".leaflet-control-layers")  # collapsed on a phone: it opens under the finger
        switch_on(page, "走访覆盖率", "楼栋走访", "今日巡查轨迹")
        if width < 600:
            page.mouse.click(width // 2, height // 2)  # the map: the list folds again
        page.wait_for_function("() => window.wangge.buildingVisits >= 3 && window.wangge.tracks >= 1 "
                               "&& window.wangge.coverageFeatures > 0", timeout=10_000)
        page.wait_for_timeout(500)
        (SHOTS / "cc").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "cc" / f"field-layers-{width}x{height}.png"))
        assert page.locator(".field-legend").is_visible()
    finally:
        context.close()
