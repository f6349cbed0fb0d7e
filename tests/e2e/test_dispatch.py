"""The dispatch page in Chromium as a 12345 desk uses it: the whole form, one case per form fill however often the
button is pressed, files uploaded after, a place in another street refused clearly; at desktop and phone width."""

import re

import pytest
from sqlalchemy import text

from geo.core import db
from tests.city import A2, C1, build_neighbour
from tests.e2e.conftest import (
    ARTIFACTS,
    fill_test_city,
    filled_database,
    login,
    screen_point,
    serve,
)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# Code values that must never reach a person on the Chinese page.
CODE_WORDS = ("hotline", "patrol", "grid", "community", "dispatched", "registered", "normal", "urgent", "env_garbage",
              "undefined", "null", "NaN")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(64)


def fill_dispatch_city(s) -> None:
    """The e2e test city, the neighbouring street (tests/city.py), and findable buildings on both sides."""
    fill_test_city(s)
    build_neighbour(s)
    for name, address, grid, lon, lat in (("幸福里3号楼", "幸福路12号", A2, 116.43, 39.945),
                                          ("幸福里丙楼", "幸福路99号", C1, 116.53, 39.93)):
        s.execute(text("INSERT INTO buildings (name, address, compound, grid_code, geom) VALUES (:n, :a, '幸福里小区', :g, "
                       "ST_Buffer(ST_SetSRID(ST_MakePoint(:x, :y), 4326), 0.0002))"),
                  {"n": name, "a": address, "g": grid, "x": lon, "y": lat})


@pytest.fixture(scope="module")
def desk(cluster, tmp_path_factory):
    """(base URL, engine) of a server over the dispatch city."""
    url = filled_database(cluster, "wangge_e2e_dispatch", fill_dispatch_city)
    engine = db.make_engine(url)
    with serve(url, tmp_path_factory.mktemp("dispatch-home")) as base:
        yield base, engine
    engine.dispose()


def count(engine, sql: str, **params) -> int:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


@pytest.fixture
def phone(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    yield context.new_page()
    context.close()


def open_desk(page, base: str, username: str) -> None:
    login(page, base, username=username, path="/maps/dispatch")
    page.wait_for_function("() => document.querySelectorAll('#category option').length > 20", timeout=20_000)


def look_at(page, lat: float, lon: float, zoom: int) -> None:
    """Show the point 200 px above the map's centre (on a phone the form covers the lower half), asking again until the
    map has taken the view (a view set while Leaflet still settles its first one can be dropped)."""
    page.wait_for_function("""([lat, lon, zoom]) => { const m = window.wangge.map;
        const centre = m.unproject(m.project([lat, lon], zoom).add([0, 200]), zoom);
        if (m.getZoom() === zoom && m.getCenter().distanceTo(centre) < 1) return true;
        m.setView(centre, zoom, {animate: false}); return false; }""", arg=[lat, lon, zoom], timeout=10_000)


def no_code_words(page) -> None:
    panel = page.inner_text("#case-panel")
    assert [w for w in CODE_WORDS if re.search(rf"\b{w}\b", panel)] == [], panel


def test_the_whole_form_makes_one_case_on_a_double_click_then_uploads_its_files(page, desk):
    base, engine = desk
    posts = []
    page.on("request", lambda r: posts.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and r.url.endswith("/api/v1/cases") else None)
    open_desk(page, base, "command")
    # The hotline desk's form starts on the hotline; every channel and urgency has its Chinese name.
    assert page.eval_on_selector("#channel", "s => [s.value, s.selectedOptions[0].text]") == ["hotline", "12345热线"]
    channels = page.eval_on_selector_all("#channel option", "os => os.map(o => o.text)")
    assert len(channels) == 6 and "巡查上报" in channels and not [c for c in channels if re.search("[a-z]", c)]
    assert page.eval_on_selector_all("#urgency option", "os => os.map(o => o.text)") == ["普通", "紧急"]
    # The category search: two matches leave the choice to the operator, one match is chosen.
    page.fill("#category-search", "噪音")
    assert page.eval_on_selector_all("#category option", "os => os.map(o => o.text)") == ["2 项匹配，请选择", "噪音扰民",
                                                                                         "晨练噪音"]
    assert page.input_value("#category") == ""
    page.fill("#category-search", "垃圾")
    assert page.input_value("#category") == "env_garbage"
    # The place by address: only buildings of the caller's area are offered (not the one in the next district).
    page.fill("#address", "幸福路")
    page.click("#find-address")
    page.wait_for_function("() => window.wangge.found !== null", timeout=10_000)
    assert page.eval_on_selector_all("#address-results button", "bs => bs.map(b => b.textContent)") == [
        "幸福里3号楼 · 幸福路12号"]
    page.click("#address-results button")
    page.wait_for_function("() => window.wangge.preview !== null", timeout=10_000)
    preview = page.inner_text("#preview")
    assert "网格：甲二网格" in preview and "社区：甲社区" in preview and "处置层级：网格" in preview
    assert page.input_value("#address") == "幸福路12号"
    page.fill("#reporter-name", "王女士")
    page.fill("#reporter-phone", "13912345678")
    page.select_option("#urgency", "urgent")
    page.fill("#description", "小区门口垃圾两天没清运")
    page.set_input_files("#files", [{"name": "现场.png", "mimeType": "image/png", "buffer": PNG},
                                    {"name": "告知书.pdf", "mimeType": "application/pdf", "buffer": PDF},
                                    {"name": "note.txt", "mimeType": "text/plain", "buffer": b"plain"}])
    assert page.inner_text("#files-chosen") == "3 个文件：现场.png、告知书.pdf、note.txt"
    no_code_words(page)
    page.screenshot(path=str(ARTIFACTS / "dispatch-desktop.png"))
    key = page.evaluate("window.wangge.key")
    page.dblclick("#submit")  # an operator in a hurry: one case, not two
    page.wait_for_function("() => window.wangge.created !== null", timeout=10_000)
    case_id = page.evaluate("window.wangge.created")
    assert count(engine, "SELECT count(*) FROM cases WHERE description = '小区门口垃圾两天没清运'") == 1
    assert posts == [key] and UUID.match(key), posts
    result = page.inner_text("#result")
    assert f"已登记案件 #{case_id}（已立案）" in result and "undefined" not in result  # 甲二 has no worker on duty
    assert page.get_attribute("#created-case", "href") == f"/maps/cases/{case_id}"
    page.wait_for_function("() => window.wangge.uploads && window.wangge.uploads.done + window.wangge.uploads.failed === 3",
                           timeout=10_000)
    uploads = page.inner_text("#uploads")
    assert page.evaluate("window.wangge.uploads") == {"done": 2, "failed": 1}
    assert "现场.png：已上传" in uploads and "note.txt：上传失败：附件 note.txt：不接受 text/plain 类型" in uploads
    row = page.evaluate(f"fetch('/api/v1/cases/{case_id}').then(r => r.json())")
    assert (row["channel"], row["urgency"], row["address"], row["category"]["code"]) == ("hotline", "urgent", "幸福路12号",
                                                                                          "env_garbage")
    assert [a["filename"] for a in row["attachments"]] == ["现场.png", "告知书.pdf"]
    assert row["reporters"][0]["phone"] == "139****5678"
    # The form is empty for the next call, with a new key; the case stays linked above.
    assert page.input_value("#description") == "" and page.input_value("#reporter-name") == ""
    assert page.input_value("#urgency") == "normal" and page.input_value("#channel") == "hotline"
    assert page.input_value("#category") == "" and page.inner_text("#files-chosen") == "未选择文件"
    assert page.is_disabled("#submit") and page.evaluate("window.wangge.key") != key
    no_code_words(page)
    page.screenshot(path=str(ARTIFACTS / "dispatch-desktop-created.png"))
    page.goto(base + f"/maps/cases/{case_id}")
    page.wait_for_function("() => window.wangge && window.wangge.loaded", timeout=10_000)
    assert "现场.png" in page.inner_text("#case-panel")


def test_a_lost_answer_re_enables_the_button_and_the_retry_finds_the_same_case(page, desk):
    base, engine = desk
    open_desk(page, base, "command")
    page.select_option("#category", "noise")
    page.mouse.click(*screen_point(page, 39.95, 116.45))  # 乙一, east of the panel
    page.wait_for_function("() => window.wangge.preview !== null", timeout=10_000)
    page.fill("#description", "楼上装修噪音，答复丢失")
    lost = []

    def lose_the_answer(route):
        route.fetch()  # the server registers the case; the answer never reaches the page
        lost.append(route.request.headers["idempotency-key"])
        route.abort("connectionreset")
    page.route("**/api/v1/cases", lose_the_answer, times=1)
    page.click("#submit")
    page.wait_for_function("() => !document.getElementById('submit').disabled", timeout=10_000)
    assert "网络异常" in page.inner_text("#result") and page.evaluate("window.wangge.created") is None
    page.click("#submit")
    page.wait_for_function("() => window.wangge.created !== null", timeout=10_000)
    assert count(engine, "SELECT count(*) FROM cases WHERE description = '楼上装修噪音，答复丢失'") == 1
    assert count(engine, "SELECT count(*) FROM case_keys WHERE key = :k", k=lost[0]) == 1


def test_on_a_phone_a_place_in_another_street_is_refused_and_one_in_ours_registers(phone, desk):
    base, engine = desk
    page = phone
    open_desk(page, base, "street")
    assert page.input_value("#channel") == "patrol"  # street staff report what they find
    page.select_option("#category", "env_garbage")
    # The next street, east of ours, in the upper part of the screen (the form is a sheet over the lower half).
    look_at(page, 39.93, 116.53, 14)
    before = count(engine, "SELECT count(*) FROM cases")
    refusals = []
    page.on("response", lambda r: refusals.append(r.status) if "/cases/preview" in r.url else None)
    page.mouse.click(*screen_point(page, 39.93, 116.53))
    page.wait_for_function("() => document.querySelector('#preview .bad')", timeout=10_000)
    preview = page.inner_text("#preview")
    assert preview == "此位置不在您的管辖范围内" and refusals == [403]
    assert page.is_disabled("#submit") and "丙一" not in page.inner_text("body") and "wc" not in preview
    page.fill("#description", "不该登记的案件")
    page.evaluate("document.getElementById('intake').requestSubmit()")  # even forced, nothing is sent
    assert count(engine, "SELECT count(*) FROM cases") == before
    page.screenshot(path=str(ARTIFACTS / "dispatch-phone-refused.png"))
    # Back in our street: the preview names the grid, the button comes on, the case is made and linked.
    look_at(page, 39.95, 116.43, 15)
    page.mouse.click(*screen_point(page, 39.95, 116.43))
    page.wait_for_function("() => window.wangge.preview !== null", timeout=10_000)
    assert "甲二网格" in page.inner_text("#preview") and not page.is_disabled("#submit")
    # Nothing wider than the phone: the panel and every field fit in 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = page.eval_on_selector_all("#case-panel input, #case-panel select, #case-panel textarea, #submit",
                                      "els => els.map(e => e.getBoundingClientRect()).map(r => [r.left, r.right])")
    assert all(left >= 0 and right <= 390 for left, right in boxes), boxes
    no_code_words(page)
    page.screenshot(path=str(ARTIFACTS / "dispatch-phone.png"))
    page.click("#submit")
    page.wait_for_function("() => window.wangge.created !== null", timeout=10_000)
    case_id = page.evaluate("window.wangge.created")
    assert count(engine, "SELECT count(*) FROM cases WHERE id = :id AND channel = 'patrol' AND grid_code LIKE '110105%'",
                 id=case_id) == 1
    assert page.get_attribute("#created-case", "href") == f"/maps/cases/{case_id}"
