"""Every screen on the demo city `make demo` serves, as its users would open them."""

from geo.synth.demo import DEMO_PASSWORD
from maps.command_center import MIN_ZOOM
from tests.e2e.conftest import ARTIFACTS, login, screen_point, visible_marker

GRID_ZOOM = MIN_ZOOM["grids"]


def demo_login(page, base, username="command", path="/maps/command-center"):
    login(page, base, username=username, path=path, password=DEMO_PASSWORD)


def test_command_center_on_the_demo_city(page, demo_server):
    demo_login(page, demo_server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures >= 64 && window.wangge.cases > 0 "
                           "&& window.wangge.kpis !== null", timeout=30_000)
    state = page.evaluate("({cases: window.wangge.cases, kpis: window.wangge.kpis})")
    assert 0 < state["cases"] <= 1000 and state["kpis"]["response_rate"] is not None
    assert page.locator(".marker-cluster, .case-marker").count() > 0
    # Some grids have open cases: their fill is one of the non-zero legend colours.
    fills = set(page.evaluate("[...document.querySelectorAll('path.leaflet-interactive')].map(p => p.getAttribute('fill'))"))
    assert fills & {"#c6dbef", "#6baed6", "#2171b5", "#08306b"}
    page.screenshot(path=str(ARTIFACTS / "demo-command-center.png"))

    # A year of incidents: the heat layer of the last 90 days holds far more than the open cases.
    page.select_option("#heat-days", "90")
    page.wait_for_function("() => window.wangge.heatTotal > 200", timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "demo-heat.png"))


def test_drill_down_and_case_popup_on_the_demo_city(page, demo_server):
    demo_login(page, demo_server)
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures >= 64 && window.wangge.cases > 0", timeout=30_000)
    page.get_by_label("未结案件").uncheck()
    centre = page.evaluate("(() => { const c = window.wangge.map.getCenter(); return [c.lat, c.lng]; })()")
    page.mouse.click(*screen_point(page, *centre))
    page.wait_for_function("() => window.wangge.drilled !== null", timeout=10_000)
    community = page.evaluate("window.wangge.drilled")
    # The zoom to the community animates and its grid tiles load; a person clicks again until the grid answers.
    page.wait_for_function(f"() => window.wangge.map.getZoom() >= {GRID_ZOOM}", timeout=10_000)
    for _ in range(20):
        page.mouse.click(*screen_point(page, *centre))
        if page.evaluate("window.wangge.gridClicked !== null"):
            break
        page.wait_for_timeout(500)
    assert page.evaluate("window.wangge.gridClicked !== null"), "a click on the drilled community never hit a grid"
    assert page.evaluate("window.wangge.gridClicked").startswith(community)
    page.screenshot(path=str(ARTIFACTS / "demo-drill-down.png"))

    # Go to one of the community's open cases and click its marker as a person would.
    page.evaluate("window.wangge.map.closePopup()")
    page.get_by_label("未结案件").check()
    case = page.evaluate(f"fetch('/api/v1/cases?open=true&limit=1000').then(r => r.json())"
                         f".then(p => p.items.find(c => c.grid && c.grid.code.startsWith('{community}')))")
    loads = page.evaluate("window.wangge.loads")
    page.evaluate(f"window.wangge.map.setView([{case['lat']}, {case['lon']}], 19)")
    page.wait_for_function(f"() => window.wangge.loads > {loads}", timeout=10_000)
    page.mouse.click(*visible_marker(page))
    popup = page.wait_for_selector(".leaflet-popup-content a[href^='/maps/cases/']", timeout=10_000)
    text = page.inner_text(".leaflet-popup-content")
    assert "状态" in text and "处置时限" in text and "上报时间" in text
    page.screenshot(path=str(ARTIFACTS / "demo-case-popup.png"))
    assert popup.get_attribute("href").startswith("/maps/cases/")


def test_grid_case_and_dispatch_pages_on_the_demo_city(page, demo_server):
    demo_login(page, demo_server)
    page.wait_for_function("() => window.wangge && window.wangge.cases > 0", timeout=30_000)
    found = page.evaluate("fetch('/api/v1/cases?open=true&limit=1').then(r => r.json()).then(p => p.items[0])")
    page.goto(f"{demo_server}/maps/grids/{found['grid']['code']}")
    page.wait_for_function("() => window.wangge && window.wangge.staff > 0 && window.wangge.buildings > 0", timeout=20_000)
    assert "网格人员" in page.inner_text("#case-panel")
    page.screenshot(path=str(ARTIFACTS / "demo-grid.png"))
    page.goto(f"{demo_server}/maps/cases/{found['id']}")
    page.wait_for_function("() => window.wangge && window.wangge.grid && window.wangge.staff !== null", timeout=20_000)
    assert f"#{found['id']}" in page.inner_text("#case-panel")
    page.screenshot(path=str(ARTIFACTS / "demo-case.png"))
    page.goto(f"{demo_server}/maps/dispatch")
    page.wait_for_function("() => document.querySelectorAll('#category option').length > 20", timeout=20_000)
    page.select_option("#category", "env_garbage")
    page.mouse.click(*screen_point(page, found["lat"], found["lon"]))
    page.wait_for_function("() => window.wangge.preview !== null", timeout=10_000)
    assert found["grid"]["name"] in page.inner_text("#preview")
    page.screenshot(path=str(ARTIFACTS / "demo-dispatch.png"))


def test_analysis_layers_on_the_demo_city(page, demo_server):
    """A year of the demo's incidents has planted hot spots: Gi* colours them, hexagons and density draw them."""
    demo_login(page, demo_server, path="/maps/command-center?days=365")
    page.wait_for_function("() => window.wangge && window.wangge.gridFeatures >= 64 && window.wangge.warnings !== null",
                           timeout=30_000)
    # The demo plants a surge of property disputes in one grid last week: the early warning names it.
    warnings = page.inner_text("#warnings")
    assert "本周预警" in warnings and "物业纠纷" in warnings and "倍" in warnings
    zoom = page.evaluate("window.wangge.map.getZoom()")
    page.evaluate("window.wangge.home = [window.wangge.map.getCenter(), window.wangge.map.getZoom()]")
    page.click("#warnings a[data-grid]")
    page.wait_for_function(f"() => window.wangge.map.getZoom() > {zoom}", timeout=10_000)
    page.wait_for_timeout(800)  # the zoom animation
    page.screenshot(path=str(ARTIFACTS / "demo-warning.png"))
    page.evaluate("window.wangge.map.setView(...window.wangge.home, {animate: false})")
    page.wait_for_function(f"() => window.wangge.map.getZoom() === {zoom}", timeout=10_000)
    page.get_by_label("热点").check()
    page.wait_for_function("() => window.wangge.analysisLoads > 0", timeout=30_000)
    hot = page.evaluate("Object.values(window.wangge.analysis).filter(a => a.hotspot === 'hot').length")
    assert hot >= 1
    page.wait_for_timeout(800)
    fills = page.evaluate("[...document.querySelectorAll('path.leaflet-interactive')].map(p => p.getAttribute('fill'))")
    assert "#d7301f" in fills and "热点（显著）" in page.inner_text(".grid-legend")
    page.screenshot(path=str(ARTIFACTS / "demo-hotspots.png"))

    page.get_by_label("六边形分箱").check()
    page.wait_for_function("() => window.wangge.hexCells > 0 && window.wangge.hexCases > 1000", timeout=30_000)
    assert "六边形分箱" in page.inner_text(".wangge-analysis-legend")
    page.screenshot(path=str(ARTIFACTS / "demo-hexagons.png"))
    page.get_by_label("六边形分箱").uncheck()

    page.get_by_label("核密度").check()
    page.wait_for_function("() => window.wangge.densityLoads > 0 && window.wangge.densityMax > 0", timeout=30_000)
    assert page.locator("img.density-overlay").count() == 1
    assert float(page.inner_text("#density-max")) > 0
    page.screenshot(path=str(ARTIFACTS / "demo-density.png"))

    # The slider moves the window back half a year: the density is recomputed for it.
    loads = page.evaluate("window.wangge.densityLoads")
    page.evaluate("""(() => { const s = document.getElementById('weeks-back'); s.value = -26;
        s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); })()""")
    page.wait_for_function(f"() => window.wangge.weeksBack === 26 && window.wangge.densityLoads > {loads}", timeout=30_000)
    assert page.inner_text("#window-end") != ""
