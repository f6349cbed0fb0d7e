"""The command center in a real headless Chromium: login, layers drawn, legend, KPIs, popups, drill-down."""

from tests.e2e.conftest import ARTIFACTS, login, screen_point, visible_marker


def test_login_redirects_and_refuses_bad_passwords(page, server):
    page.goto(server + "/maps/command-center")
    assert "/maps/login" in page.url
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.content()


def test_command_center_draws_boundaries_cases_and_kpis(page, server):
    login(page, server)
    page.wait_for_function("() => window.wangge && window.wangge.cases === 3 && window.wangge.gridFeatures > 0 "
                           "&& window.wangge.kpis !== null", timeout=20_000)
    assert page.title() == "社会治理综合指挥中心"
    legend = page.inner_text(".grid-legend")
    assert "网格未结案件" in legend and "10+" in legend
    assert "响应率" in page.inner_text("#kpis")
    assert page.locator("path.leaflet-interactive").count() >= 7  # grid and community shapes drawn as SVG
    assert page.locator(".leaflet-control-scale-line").count() == 1  # metres only, no feet
    assert page.inner_text(".leaflet-control-attribution").strip() == ""  # no basemap configured: nothing to credit
    page.screenshot(path=str(ARTIFACTS / "command-center.png"))


def test_case_popup_and_drill_down(page, server):
    login(page, server)
    page.wait_for_function("() => window.wangge && window.wangge.cases === 3", timeout=20_000)
    loads = page.evaluate("window.wangge.loads")
    page.evaluate("window.wangge.map.setView([39.95, 116.41], 17)")
    page.wait_for_function(f"() => window.wangge.loads > {loads}", timeout=10_000)
    # The move reloads the cases: wait for a marker drawn inside the view, then click it as a person would.
    page.mouse.click(*visible_marker(page))
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=10_000).inner_text()
    assert "暴露垃圾" in popup and "处置人" in popup
    page.screenshot(path=str(ARTIFACTS / "command-center-popup.png"))


def test_english_labels(page, server):
    login(page, server, path="/maps/command-center?lang=en")
    page.wait_for_function("() => window.wangge && window.wangge.kpis !== null", timeout=20_000)
    assert page.title() == "Command center" and "Open cases per grid" in page.inner_text(".grid-legend")


def test_click_a_community_to_drill_down_to_its_grids(page, server):
    login(page, server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0", timeout=20_000)
    # Switch the case markers off so the click lands on the boundaries.
    page.get_by_label("未结案件").uncheck()
    page.mouse.click(*screen_point(page, 39.915, 116.425))  # inside community 甲, grid 甲四
    page.wait_for_function("() => window.wangge.drilled === '110105001001'", timeout=10_000)
    page.wait_for_timeout(800)  # the zoom to the community
    page.mouse.click(*screen_point(page, 39.915, 116.425))
    page.wait_for_function("() => window.wangge.gridClicked === '110105001001004'", timeout=10_000)
    assert "甲四网格" in page.inner_text(".leaflet-popup-content")
    page.screenshot(path=str(ARTIFACTS / "command-center-drill-down.png"))


def test_below_grid_zoom_a_click_finds_the_community(page, server):
    login(page, server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0", timeout=20_000)
    page.get_by_label("未结案件").uncheck()
    page.evaluate("window.wangge.map.setView([39.93, 116.45], 10)")  # grids are not drawn this far out
    page.wait_for_timeout(500)
    page.mouse.click(*screen_point(page, 39.935, 116.46))  # community 乙
    page.wait_for_function("() => window.wangge.drilled === '110105001002' && window.wangge.map.getZoom() >= 12",
                           timeout=10_000)


def test_case_page_shows_the_case_its_grid_staff_and_history(page, server):
    login(page, server)
    page.wait_for_function("() => window.wangge && window.wangge.cases === 3", timeout=20_000)
    case_id = page.evaluate("fetch('/api/v1/cases?category=env_garbage&status=handling').then(r => r.json())"
                            ".then(p => p.items[0].id)")
    page.goto(f"{server}/maps/cases/{case_id}")
    page.wait_for_function("() => window.wangge && window.wangge.grid && window.wangge.staff !== null", timeout=20_000)
    panel = page.inner_text("#case-panel")
    assert f"#{case_id}" in panel and "暴露垃圾" in panel and "处置记录" in panel and "网格人员" in panel
    assert "w1 (专职网格员)" in panel and "甲一网格" in page.inner_text(".grid-name")
    page.screenshot(path=str(ARTIFACTS / "case-page.png"))
    assert page.goto(f"{server}/maps/cases/999999").status == 404


def test_grid_page(page, server):
    login(page, server, path="/maps/grids/110105001001001")
    page.wait_for_function("() => window.wangge && window.wangge.staff !== null && window.wangge.neighbours > 0 "
                           "&& window.wangge.cases === 1", timeout=20_000)
    panel = page.inner_text("#case-panel")
    assert "甲一网格" in panel and "网格人员" in panel and "w1 (专职网格员)" in panel
    assert page.evaluate("window.wangge.neighbours") >= 3  # 甲二, 甲三, 甲四 and the school around/inside it
    page.screenshot(path=str(ARTIFACTS / "grid-page.png"))
    assert page.goto(f"{server}/maps/grids/999999999999999").status == 404


def test_dispatch_view_previews_routing_then_registers(page, server):
    login(page, server, path="/maps/dispatch")
    page.wait_for_function("() => document.querySelectorAll('#category option').length > 20", timeout=20_000)
    page.select_option("#category", "env_garbage")
    page.mouse.click(*screen_point(page, 39.935, 116.415))
    page.wait_for_function("() => window.wangge.preview !== null", timeout=10_000)
    preview = page.inner_text("#preview")
    assert "甲一网格" in preview and ("w1" in preview or "w2" in preview)
    page.fill("#description", "楼下垃圾堆积")
    page.dblclick("#submit")  # a double click, as an operator in a hurry would: one case, not two
    page.wait_for_function("() => window.wangge.created !== null", timeout=10_000)
    assert "已派遣" in page.inner_text("#result")  # the status, in the page's words
    assert page.is_disabled("#submit"), "registered: a new place on the map makes the next report"
    made = page.evaluate("() => fetch('/api/v1/cases?limit=1000').then(r => r.json())")["items"]
    assert [c["description"] for c in made].count("楼下垃圾堆积") == 1
    page.screenshot(path=str(ARTIFACTS / "dispatch.png"))


def grid_fills(page):
    return page.evaluate("[...document.querySelectorAll('path.leaflet-interactive')].map(p => p.getAttribute('fill'))")


def test_grids_coloured_by_overdue_cases(page, server):
    login(page, server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0", timeout=20_000)
    page.wait_for_timeout(500)
    assert "#c6dbef" in grid_fills(page)  # A1, A2, B1: one open case each
    before = page.evaluate("window.wangge.gridFeatures")
    page.get_by_label("逾期").check()
    page.wait_for_function(f"() => window.wangge.measure === 'overdue' && window.wangge.gridFeatures > {before}", timeout=10_000)
    page.wait_for_timeout(500)
    fills = grid_fills(page)
    # Only A1's case is overdue (a grid crossing tile edges is drawn once per tile).
    assert "#fcbba1" in fills and "#fff5f0" in fills and "#c6dbef" not in fills
    legend = page.inner_text(".grid-legend")
    assert "网格逾期案件" in legend and "7+" in legend
    page.screenshot(path=str(ARTIFACTS / "command-center-overdue.png"))


def test_heat_layer_over_a_chosen_period(page, server):
    login(page, server, path="/maps/command-center?days=7")
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0", timeout=20_000)
    assert page.evaluate("window.wangge.heatPoints") == 0  # off until asked for
    page.select_option("#heat-days", "365")
    page.wait_for_function("() => window.wangge.heatTotal >= 3 && window.wangge.heatDays === 365", timeout=10_000)
    assert page.get_by_label("事件热力图").is_checked()
    # The canvas really has colour where the cases are.
    painted = page.evaluate("""(() => { const c = document.querySelector('canvas.leaflet-heatmap-layer');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()""")
    assert painted > 100
    page.screenshot(path=str(ARTIFACTS / "command-center-heat.png"))


def test_grid_staff_markers_when_zoomed_in(page, server):
    login(page, server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0", timeout=20_000)
    assert page.evaluate("window.wangge.staffGrids") == 0  # too far out to tell grids apart
    page.get_by_label("未结案件").uncheck()
    page.evaluate("window.wangge.map.setView([39.945, 116.41], 15)")
    page.wait_for_function("() => window.wangge.staffGrids >= 1", timeout=10_000)
    page.locator(".staff-marker").first.click()
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=10_000).inner_text()
    assert "甲一网格" in popup and "leader (网格长) 13800000000" in popup and "w1 (专职网格员)" in popup
    page.screenshot(path=str(ARTIFACTS / "command-center-staff.png"))


def test_amap_basemap_draws_our_data_at_gcj02_positions_and_clicks_come_back_in_wgs84(page, amap_server):
    """No basemap tile can load here, yet boundaries and cases draw, shifted onto where AMap shows the place."""
    page.route("**/*.autonavi.com/**", lambda route: route.abort("internetdisconnected"))  # fail fast, as offline
    login(page, amap_server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0 && window.wangge.cases >= 3", timeout=20_000)
    assert page.locator("img.leaflet-tile").count() > 0  # the basemap was asked for, and failed
    assert page.evaluate("window.wangge.map.options.crs.code") == "GCJ02"
    shift = page.evaluate("""(() => { const m = window.wangge.map;
        const wgs = m.project([39.95, 116.41], 16), gcj = L.CRS.EPSG3857.latLngToPoint(
            L.latLng(...L.CRS.GCJ02.toGcj(116.41, 39.95).reverse()), 16);
        return [wgs.x - gcj.x, wgs.y - gcj.y, gcj.x - L.CRS.EPSG3857.latLngToPoint(L.latLng(39.95, 116.41), 16).x]; })()""")
    assert abs(shift[0]) < 0.01 and abs(shift[1]) < 0.01 and abs(shift[2]) > 100  # 100+ px apart at z16 without the CRS
    page.goto(amap_server + "/maps/dispatch")
    page.wait_for_function("() => document.querySelectorAll('#category option').length > 20", timeout=20_000)
    page.select_option("#category", "env_garbage")
    page.mouse.click(*screen_point(page, 39.935, 116.415))
    page.wait_for_function("() => window.wangge.preview !== null", timeout=10_000)
    assert "甲一网格" in page.inner_text("#preview")
    page.screenshot(path=str(ARTIFACTS / "dispatch-amap.png"))


def test_a_planner_sees_no_cases_or_staff_and_no_refusals(page, server):
    refused = []
    page.on("response", lambda r: refused.append(r.url) if r.status in (401, 403) else None)
    login(page, server, username="planner")
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures > 0 && window.wangge.loads > 0", timeout=20_000)
    page.wait_for_function("() => window.wangge.kpis !== null", timeout=10_000)
    assert page.evaluate("window.wangge.cases") == 0 and page.query_selector(".case-marker") is None
    controls = page.inner_text(".leaflet-control-layers")
    assert "网格" in controls and "未结案件" not in controls and "网格人员" not in controls
    assert refused == []
