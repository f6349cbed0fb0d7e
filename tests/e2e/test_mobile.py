"""网格通 in Chromium at 390×844 with a set geolocation, as grid worker w1 of the field city uses it: a task accepted
and reported back with a photo, a report made offline sent exactly once, a patrol with a track and a check-in, a
visit whose finding becomes a case, and a case step whose answer was lost. Screenshots go to /work/notes/shots/mobile/
when that folder can be made."""

from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select, text

from geo.access.actor import SYSTEM, actor_for
from geo.cases import intake
from geo.core import db
from geo.core.models import User
from tests.city import PASSWORD
from tests.e2e.conftest import ARTIFACTS, filled_database, serve
from tests.field_city import build_field_city

SHOTS = Path("/work/notes/shots/mobile")
PHONE = {"width": 390, "height": 844}
K1 = (116.402, 39.935)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00" \
      b"\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
IDS: dict = {}


def fill(s) -> None:
    """The field city and one dispatched case of w1 near K1."""
    IDS.update(build_field_city(s))
    w1 = s.scalar(select(User).where(User.username == "w1"))
    actor = actor_for(s, w1)
    case_id, _ = intake.create_case(s, intake.NewCase("env_garbage", "楼下垃圾堆积", K1[0] + 0.001, K1[1]), SYSTEM)
    s.execute(text("UPDATE cases SET assignee_id = :a WHERE id = :id"), {"a": actor.staff_id, "id": case_id})
    IDS["case"] = case_id


@pytest.fixture(scope="module")
def field(cluster, tmp_path_factory):
    url = filled_database(cluster, "wangge_e2e_mobile", fill)
    engine = db.make_engine(url)
    with serve(url, tmp_path_factory.mktemp("mobile-home"), WANGGE_PATROL_SECONDS="1", WANGGE_LANG="zh") as base:
        yield base, engine
    engine.dispose()


def count(engine, sql: str, **params):
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


@pytest.fixture
def phone(browser, field):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", geolocation={"longitude": K1[0], "latitude": K1[1],
                                  "accuracy": 8}, permissions=["geolocation"], base_url=field[0])
    page = context.new_page()
    page.goto("/m/login")
    shot(page, "login")
    page.fill("#username", "w1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/m/")
    yield page
    context.close()


def shot(page, name: str) -> None:
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    except OSError:
        page.screenshot(path=str(ARTIFACTS / f"mobile-{name}.png"), full_page=True)


def test_tasks_accept_and_report_back_with_a_photo(phone, field, tmp_path):
    _, engine = field
    phone.wait_for_selector(".task-link")
    assert "楼下垃圾堆积" in phone.inner_text("#task-list")
    shot(phone, "tasks")
    phone.click(".task-link")
    phone.wait_for_selector("[data-action=accept]")
    shot(phone, "task")
    phone.click("[data-action=accept]")
    phone.wait_for_selector("[data-action=report]", timeout=15_000)
    photo = tmp_path / "p.png"
    photo.write_bytes(PNG)
    phone.click("[data-action=report]")
    phone.fill("#action-note", "已清理干净")
    phone.set_input_files("#photos", str(photo))
    shot(phone, "task-report")
    phone.click("#action-send")
    phone.wait_for_function("() => document.querySelector('#task .status').textContent.includes('待核查')", timeout=15_000)
    assert count(engine, "SELECT status FROM cases WHERE id = :id", id=IDS["case"]) == "reported"
    assert count(engine, "SELECT count(*) FROM case_attachments WHERE case_id = :id", id=IDS["case"]) == 1
    phone.goto("/m/where?lon=116.403&lat=39.935")
    shot(phone, "where")


def test_a_report_made_offline_is_sent_once_when_back_online(phone, field):
    _, engine = field
    before = count(engine, "SELECT count(*) FROM cases")
    phone.goto("/m/report")
    phone.wait_for_selector("#cat-list .chip")
    phone.wait_for_function("() => document.getElementById('loc-text').textContent.includes('±')")
    phone.context.set_offline(True)
    phone.fill("#cat-search", "垃圾")
    phone.click("#cat-list .chip >> nth=0")
    phone.fill("#desc", "离线上报的垃圾")
    phone.click("#send")
    phone.wait_for_function("() => document.getElementById('queue-banner').textContent.includes('待上传 1 条')")
    assert not phone.is_hidden("#net-banner")
    shot(phone, "report-offline")
    assert count(engine, "SELECT count(*) FROM cases") == before
    phone.context.set_offline(False)
    phone.wait_for_function("() => document.getElementById('queue-banner').hidden", timeout=20_000)
    phone.reload()
    phone.wait_for_timeout(1500)
    assert count(engine, "SELECT count(*) FROM cases WHERE description = '离线上报的垃圾'") == 1
    assert count(engine, "SELECT count(*) FROM cases") == before + 1


def test_a_report_names_its_case_and_handler_once_sent(phone, field):
    _, engine = field
    phone.goto("/m/report")
    phone.wait_for_selector("#cat-list .chip")
    phone.wait_for_function("() => document.getElementById('loc-text').textContent.includes('±')")
    phone.click("#cat-list .chip >> nth=0")
    phone.wait_for_selector("#preview p")
    phone.fill("#desc", "在线上报的问题")
    phone.click("#send")
    phone.wait_for_function("() => document.getElementById('report-message').textContent.includes('事件编号')")
    case_id = count(engine, "SELECT id FROM cases WHERE description = '在线上报的问题'")
    assert f"#{case_id}" in phone.inner_text("#report-message") and "处理人" in phone.inner_text("#report-message")


def sign_in(page, username: str) -> None:
    """A new login on the same phone (the last one's cookie gone, as when it runs out)."""
    page.context.clear_cookies()
    page.goto("/m/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/m/")


def test_a_shared_phone_sends_each_write_as_its_maker(phone, field):
    """w1 reports offline and hands the phone to w2: the report waits for w1 and is never sent with w2's cookie."""
    _, engine = field
    phone.goto("/m/report")
    phone.wait_for_selector("#cat-list .chip")
    phone.wait_for_function("() => document.getElementById('loc-text').textContent.includes('±')")
    phone.context.set_offline(True)
    phone.click("#cat-list .chip >> nth=0")
    phone.fill("#desc", "换手机前的上报")
    phone.click("#send")
    phone.wait_for_function("() => document.getElementById('queue-banner').textContent.includes('待上传 1 条')")
    phone.context.clear_cookies()  # w1's shift is over before the phone is back online
    phone.context.set_offline(False)
    sign_in(phone, "w2")
    phone.wait_for_timeout(2500)
    assert phone.is_hidden("#queue-banner"), "w2 is not shown w1's outbox"
    assert count(engine, "SELECT count(*) FROM cases WHERE description = '换手机前的上报'") == 0
    sign_in(phone, "w1")
    phone.wait_for_function("() => document.getElementById('queue-banner').hidden", timeout=20_000)
    made_by = count(engine, "SELECT u.username FROM cases c JOIN users u ON u.id = c.created_by "
                            "WHERE c.description = '换手机前的上报'")
    assert made_by == "w1"


def test_a_patrol_records_a_track_and_a_check_in(phone, field):
    _, engine = field
    phone.context.set_geolocation({"longitude": 116.4015, "latitude": 39.9345, "accuracy": 5})
    phone.goto("/m/patrol")
    phone.wait_for_selector("[data-checkpoint]")
    phone.click("#patrol-toggle")
    phone.wait_for_function("() => document.getElementById('patrol-status').classList.contains('on')")
    for lon in (116.4017, 116.4019, K1[0]):
        phone.wait_for_timeout(1300)
        phone.context.set_geolocation({"longitude": lon, "latitude": K1[1], "accuracy": 5})
    button = phone.locator(f"[data-checkpoint='{IDS['K1']}']")
    button.wait_for(state="visible")
    phone.wait_for_function(f"() => !document.querySelector(\"[data-checkpoint='{IDS['K1']}']\").disabled")
    button.click()
    phone.wait_for_timeout(500)
    shot(phone, "patrol")
    asked = []
    phone.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    phone.click("#patrol-toggle")
    phone.wait_for_function("() => !document.getElementById('patrol-status').classList.contains('on')")
    assert "确认结束本次巡查" in asked[0] and "打卡 1 处" in asked[0]
    assert "打卡 1 处" in phone.inner_text("#patrol-message")
    phone.wait_for_function("() => document.getElementById('queue-banner').hidden", timeout=20_000)
    assert count(engine, "SELECT count(*) FROM patrol_checkins WHERE checkpoint_id = :k", k=IDS["K1"]) == 1
    assert count(engine, "SELECT count(*) FROM patrol_points") >= 3
    assert count(engine, "SELECT count(*) FROM patrols WHERE finished_at IS NOT NULL") == 1


def test_a_visit_with_a_finding_becomes_a_case(phone, field):
    _, engine = field
    phone.goto("/m/care")
    phone.wait_for_selector(".care a")
    shot(phone, "care")
    care_links = phone.eval_on_selector_all(".care a", "links => links.map(a => a.href)")
    names = phone.eval_on_selector_all(".care b", "bs => bs.map(b => b.textContent)")
    assert names and not any(name in unquote(link.split("#")[0]) for name in names for link in care_links)
    phone.goto("/m/grid")
    phone.wait_for_selector("#staff-list .card")
    phone.wait_for_selector("#map path.leaflet-interactive, #map .leaflet-overlay-pane path")  # the grid's outline
    assert phone.inner_text("#grid-name").strip()
    phone.wait_for_timeout(500)
    shot(phone, "grid")
    phone.goto("/m/report")
    phone.wait_for_function("() => document.querySelectorAll('#map .leaflet-overlay-pane path').length >= 2")
    phone.goto("/m/visit")
    phone.wait_for_selector("[data-building]")
    phone.click("[data-building] >> nth=0")
    phone.wait_for_selector("[data-household]")
    phone.click("[data-household] >> nth=0")
    phone.fill("#findings", "楼道堆放杂物")
    phone.check("#to-case")
    phone.wait_for_selector("#cat-list .chip")
    phone.click("#cat-list .chip >> nth=0")
    shot(phone, "visit")
    phone.click("#send")
    phone.wait_for_function("() => document.getElementById('visit-message').textContent.length > 0")
    phone.wait_for_function("() => document.getElementById('queue-banner').hidden", timeout=20_000)
    assert not phone.inner_text("#refusals").strip(), phone.inner_text("#refusals")
    assert count(engine, "SELECT count(*) FROM visits WHERE findings = '楼道堆放杂物'") == 1
    assert count(engine, "SELECT count(*) FROM cases WHERE visit_id IS NOT NULL") == 1


def test_a_step_whose_answer_was_lost_is_not_shown_as_refused(phone, field):
    """The accept reaches the server but its answer is lost; the replay gets 409 and the queue sees it was made."""
    _, engine = field
    with db.session_factory(engine).begin() as s:
        w1 = actor_for(s, s.scalar(select(User).where(User.username == "w1")))
        case_id, _ = intake.create_case(s, intake.NewCase("env_garbage", "回复丢失的任务", K1[0], K1[1] + 0.001), SYSTEM)
        s.execute(text("UPDATE cases SET assignee_id = :a WHERE id = :id"), {"a": w1.staff_id, "id": case_id})
    lost = []

    def lose(route):
        if lost:
            return route.continue_()
        route.fetch()
        lost.append(1)
        route.abort()

    phone.route("**/api/v1/cases/*/transitions", lose)
    phone.goto(f"/m/tasks/{case_id}")
    phone.click("[data-action=accept]")
    for _ in range(100):
        if lost:
            break
        phone.wait_for_timeout(100)
    assert not phone.is_hidden("#queue-banner")
    assert count(engine, "SELECT status FROM cases WHERE id = :id", id=case_id) == "handling"
    phone.reload()
    phone.wait_for_function("() => document.getElementById('queue-banner').hidden", timeout=20_000)
    assert lost and not phone.inner_text("#refusals").strip(), phone.inner_text("#refusals")
    assert count(engine, "SELECT count(*) FROM case_events WHERE case_id = :id AND action = 'accept'", id=case_id) == 1
