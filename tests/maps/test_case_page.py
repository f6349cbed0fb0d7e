"""The case page in Chromium, where people act: buttons for the allowed actions, their fields, the photo upload,
409s, the history in words, and the page's own 404 — at desktop and phone sizes."""

import pytest
from PIL import Image

from tests.e2e.conftest import ARTIFACTS, login
from tests.maps.conftest import CASES

DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture
def as_user(browser):
    """as_user(name, path, viewport) → a page of a fresh browser context logged in as `name`, showing `path`."""
    contexts = []

    def open_as(base, username, path, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        login(page, base, username, path)
        return page

    ARTIFACTS.mkdir(exist_ok=True)
    yield open_as
    for context in contexts:
        context.close()


def loaded(page):
    page.wait_for_function("() => window.wangge && window.wangge.loaded && window.wangge.staff !== null", timeout=20_000)


def buttons(page) -> list[str]:
    return page.locator("#action-buttons button").all_inner_texts()


def act(page, label: str, status: str, fill=None) -> None:
    """Click the action's button, fill its form, confirm, and wait for the case to reach `status`."""
    page.click(f"#action-buttons button:text-is('{label}')")
    page.wait_for_selector("form.case-form")
    if fill:
        fill()
    page.click("form.case-form button.primary")
    page.wait_for_function(f"() => window.wangge.status === '{status}' && !window.wangge.busy", timeout=10_000)


@pytest.mark.parametrize("size,viewport,purpose", [("desktop", DESKTOP, "walk_desktop"), ("phone", PHONE, "walk_phone")])
def test_walk_a_case_through_the_loop_with_the_buttons(as_user, case_server, tmp_path, size, viewport, purpose):
    case = CASES[purpose]
    photo = tmp_path / "现场.png"
    Image.new("RGB", (64, 48), (200, 80, 40)).save(photo)
    worker = as_user(case_server, "w1", f"/maps/cases/{case}", viewport)
    loaded(worker)
    assert buttons(worker) == ["接单", "回退", "申请延期"]
    act(worker, "接单", "handling")
    history = worker.inner_text("#case-history")
    assert "· 张三（网格员）\n接单 · 已派遣 → 处置中" in history and "· 系统\n派遣 · 已立案 → 已派遣" in history
    assert buttons(worker) == ["反馈", "申请延期"]

    worker.click("#action-buttons button:text-is('反馈')")
    assert worker.inner_text("form.case-form").count("*") == 1  # the note is required, the photos are not
    worker.click("form.case-form button.primary")  # no note yet: refused on the page, nothing sent
    assert "请填写：说明" in worker.inner_text("#case-message") and worker.evaluate("window.wangge.sent.length") == 1
    worker.fill("#f-note", "垃圾已清运，现场已冲洗")
    worker.set_input_files("#f-photos", str(photo))
    assert "现场.png" in worker.inner_text(".file-row")  # the page's own picker names the file chosen
    worker.click("form.case-form button.primary")
    worker.wait_for_function("() => window.wangge.status === 'reported' && !window.wangge.busy", timeout=10_000)
    assert worker.evaluate("window.wangge.uploaded") == 1 and "现场.png" in worker.inner_text("#case-attachments")
    assert "张三（网格员）\n反馈 · 处置中 → 待核查 · 垃圾已清运，现场已冲洗" in worker.inner_text("#case-history")
    assert buttons(worker) == [] and "当前没有您可执行的操作" in worker.inner_text("#case-actions")

    operator = as_user(case_server, "comm", f"/maps/cases/{case}", viewport)
    loaded(operator)
    assert "核查通过" in buttons(operator) and "返工" in buttons(operator)
    act(operator, "核查通过", "verified")
    act(operator, "结案", "closed")
    operator.click("#action-buttons button:text-is('评价')")
    options = operator.locator("#f-rating option").all_inner_texts()
    operator.screenshot(path=str(ARTIFACTS / f"case-{size}-form.png"))
    assert options == ["请选择", "满意", "基本满意", "不满意"]
    operator.click("form.case-form button.primary")
    assert "请填写：评价" in operator.inner_text("#case-message")
    operator.select_option("#f-rating", "basically_satisfied")
    operator.click("form.case-form button.primary")
    operator.wait_for_function("() => window.wangge.status === 'rated' && !window.wangge.busy", timeout=10_000)
    panel = operator.inner_text("#case-panel")
    assert "已评价" in panel and "评价: 基本满意" in panel and "已完成：评价" in panel
    assert "孙社区（社区工作人员）\n结案 · 待结案 → 已结案" in panel
    operator.evaluate("document.getElementById('case-panel').scrollTop = 0")
    operator.screenshot(path=str(ARTIFACTS / f"case-{size}.png"))


def test_a_form_open_on_a_phone_fits_the_screen(as_user, case_server):
    page = as_user(case_server, "w1", f"/maps/cases/{CASES['handling']}", PHONE)
    loaded(page)
    page.click("#action-buttons button:text-is('反馈')")
    box = page.locator("#case-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(ARTIFACTS / "case-phone-form.png"))


def test_a_stale_case_answers_409_in_chinese_and_the_page_reloads_it(as_user, case_server):
    case = CASES["walk_409"]
    page = as_user(case_server, "w1", f"/maps/cases/{case}")
    loaded(page)
    version = page.evaluate("window.wangge.version")
    # someone else accepts the case meanwhile (the same person in another tab)
    status = page.evaluate("([id, v]) => fetch('/api/v1/cases/' + id + '/transitions', {method: 'POST', headers: "
                           "{'Content-Type': 'application/json'}, body: JSON.stringify({action: 'accept', version: v})})"
                           ".then(r => r.status)", [case, version])
    assert status == 200
    page.click("#action-buttons button:text-is('接单')")
    page.click("form.case-form button.primary")
    page.wait_for_function("() => window.wangge.status === 'handling' && !window.wangge.busy", timeout=10_000)
    message = page.inner_text("#case-message")
    assert "处置中" in message and "案件已重新载入" in message and "accept" not in message
    assert buttons(page) == ["反馈", "申请延期"] and page.evaluate("window.wangge.version") > version


def test_history_of_an_escalated_case_reads_in_chinese(as_user, case_server):
    page = as_user(case_server, "command", f"/maps/cases/{CASES['escalated']}")
    loaded(page)
    history = page.inner_text("#case-history")
    assert "系统\n超时升级 · 超期，升级至社区" in history and "escalated" not in history
    assert "from_level" not in page.inner_text("body")
    # the command center may act as handler, operator and supervisor alike
    assert buttons(page) == ["接单", "回退", "申请延期", "挂账", "合并", "督办", "协办", "吹哨"]
    page.click("#action-buttons button:text-is('合并')")
    page.fill("#f-target_id", str(CASES["escalated"]))  # itself: the API refuses, in Chinese
    page.click("form.case-form button.primary")
    page.wait_for_function("() => !window.wangge.busy && window.wangge.message.startsWith('操作未成功')")
    assert "合并目标" in page.inner_text("#case-message")


def test_dispatch_offers_the_staff_on_duty(as_user, case_server):
    page = as_user(case_server, "comm", f"/maps/cases/{CASES['returned']}")
    loaded(page)
    page.click("#action-buttons button:text-is('派遣')")
    options = page.locator("#f-assignee_id option").all_inner_texts()
    assert options[0].startswith("自动分派") and "李四 (专职网格员)" in options
    page.select_option("#f-assignee_id", label="李四 (专职网格员)")
    page.click("form.case-form button.primary")
    page.wait_for_function("() => window.wangge.status === 'dispatched' && !window.wangge.busy", timeout=10_000)
    assert page.inner_text("#case-assignee") == "李四"


def test_a_missing_or_out_of_scope_case_is_the_pages_own_404(as_user, case_server):
    page = as_user(case_server, "comm", f"/maps/cases/{CASES['dispatched']}")
    for path in ("/maps/cases/999999", f"/maps/cases/{CASES['dispatched']}"):
        viewer = page if path.endswith("999999") else as_user(case_server, "wb", "/maps/command-center")
        answer = viewer.goto(case_server + path)
        assert answer.status == 404 and "text/html" in answer.headers["content-type"]
        assert viewer.title().startswith("未找到")
        assert "没有编号为" in viewer.inner_text("main") and viewer.inner_text("a") == "返回指挥中心"
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / "case-404-phone.png"))


def test_the_forms_of_the_new_actions(as_user, case_server):
    """supervise, reply_supervision, whistle and report_in arrive with the backend: their forms are ready."""
    page = as_user(case_server, "street", f"/maps/cases/{CASES['handling']}")
    loaded(page)
    departments = page.evaluate("fetch('/api/v1/departments').then(r => r.ok ? r.json() : null)")
    page.evaluate("window.wangge.openForm('whistle')")
    form = page.inner_text("form.case-form")
    assert "吹哨" in form and "职能部门 *" in form and "说明 *" in form
    if departments is None:  # no department list yet: an empty choice, and why
        page.wait_for_selector("form.case-form .field .muted")
        assert page.locator("#f-department option").count() == 0
        assert "暂无可选的职能部门" in page.inner_text("form.case-form")
    else:
        page.wait_for_function("() => document.querySelectorAll('#f-department option').length > 0")
        assert page.locator("#f-department option").all_inner_texts() == ["请选择"] + [
            d["name"] for d in departments["items"]]
    page.click("form.case-form button.primary")
    assert "请填写：职能部门" in page.inner_text("#case-message")
    for action, words in (("supervise", "督办"), ("reply_supervision", "督办回复"), ("report_in", "报到")):
        page.evaluate(f"window.wangge.openForm('{action}')")
        assert words in page.inner_text("form.case-form .form-title")
    assert "*" not in page.inner_text("form.case-form")  # 报到: the note is optional
