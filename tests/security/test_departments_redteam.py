"""Red team of the dispatch features: departments (lead, 协办, 吹哨报到), 督办, each handler's turn, their figures.

Finding 1: whoever pressed a case (督办) could answer the press themselves — community, street or command center
replied for the grid worker or the lead department they had just pressed, and the case no longer showed it awaited.
The reply now belongs to the handler pressed; no level that may press the case may answer for it.

Finding 2: `department` sent with a step that takes none was written into the step's history: 公安 reporting in with
`department: 消防` left a history saying 消防 reported in, and any string (markup too) could be put there. Only the
steps that name a department (assist, whistle) record one.

The other attacks tried here are refused already; these tests keep them refused: a department of another district
whistled for under the same code, a department acting as lead on a case it only assists, reports racing each other,
and script in notes, replies and display names on the case page.
"""

import time

import pytest
from sqlalchemy import select, text

from geo.access.accounts import create_user
from geo.access.actor import actor_for
from geo.cases.intake import NewCase, create_case
from geo.cases.workflow import StepInput, transition, visible_case
from geo.core import db
from geo.core.errors import Conflict
from geo.core.models import User
from tests.city import DISTRICT, PASSWORD, build_city, build_neighbour, staff_the_city
from tests.conftest import committed_city
from tests.e2e.conftest import ARTIFACTS, filled_database, login, serve
from tests.geo.cases.test_concurrency_and_escalation import run_together
from tests.security.hostile import HOSTILE, IMG, SHORT
from tests.security.test_pages_browser import assert_nothing_ran, watched  # noqa: F401 (a fixture)

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
ACCOUNTS = (("cg", "城管", DISTRICT), ("ga", "公安", DISTRICT), ("ga-next", "公安", "110106"))


@pytest.fixture
def headers(client, session, city):
    """headers(name) for the test city's accounts, a neighbouring district, and departments of both."""
    staff_the_city(session)
    build_neighbour(session)
    create_user(session, username="command-next", password=PASSWORD, role="command_center", scope_code="110106")
    for name, department, district in ACCOUNTS:
        create_user(session, username=name, password=PASSWORD, role="department", scope_code=district,
                    department=department)

    def login_as(name):
        r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "en"}
    return login_as


def new_case(client, headers, category="env_garbage", lon=116.415, lat=39.945, who="command"):
    r = client.post("/api/v1/cases", json={"category": category, "lon": lon, "lat": lat}, headers=headers(who))
    assert r.status_code == 201, r.text
    return r.json()


def step(client, headers, case_id, who, action, expect=200, **body):
    """Send `action` as `who` at the case's current version; the answer's body."""
    version = client.get(f"/api/v1/cases/{case_id}", headers=headers("command")).json()["version"]
    r = client.post(f"/api/v1/cases/{case_id}/transitions", headers=headers(who),
                    json={"action": action, "version": version, **body})
    assert r.status_code == expect, (who, action, r.text)
    return r.json()


def test_a_level_that_pressed_a_case_cannot_answer_for_its_handler(client, headers):
    case = new_case(client, headers)  # a grid case, dispatched to w1 or w2
    worker = case["assignee"]["name"]
    step(client, headers, case["id"], "comm", "supervise", note="请今天内清运")
    for superior in ("comm", "street", "command"):
        seen = client.get(f"/api/v1/cases/{case['id']}", headers=headers(superior)).json()
        assert "reply_supervision" not in seen["allowed_actions"], superior
        step(client, headers, case["id"], superior, "reply_supervision", expect=403, note="已处理")
    assert client.get(f"/api/v1/cases/{case['id']}", headers=headers(worker)).json()["supervision_pending"]
    replied = step(client, headers, case["id"], worker, "reply_supervision", note="已安排车辆")
    assert not replied["supervision_pending"] and replied["supervisions"][0]["replied_by"] == worker

    led = new_case(client, headers, "order_illegal_building")  # 城管 leads it
    step(client, headers, led["id"], "command", "supervise", note="请加快拆除")
    for superior in ("street", "command"):
        step(client, headers, led["id"], superior, "reply_supervision", expect=403, note="城管已处理")
    assert step(client, headers, led["id"], "cg", "reply_supervision", note="明日拆除")["supervisions"][0][
        "replied_by"] == "cg"


def test_a_department_named_on_a_step_that_takes_none_is_not_recorded(client, headers):
    case = new_case(client, headers)
    step(client, headers, case["id"], "street", "whistle", department="公安", note="请派员")
    step(client, headers, case["id"], "ga", "report_in", department="消防", note="已到场")
    step(client, headers, case["id"], case["assignee"]["name"], "accept", department=IMG)
    history = client.get(f"/api/v1/cases/{case['id']}", headers=headers("command")).json()["history"]
    by_action = {e["action"]: e["data"] for e in history}
    assert by_action["whistle"] == {"department": "公安"}
    assert "department" not in by_action["report_in"] and "department" not in by_action["accept"]
    assert IMG not in str(history) and "消防" not in str(history)


def test_a_department_of_another_district_with_the_same_code_sees_and_does_nothing(client, headers):
    case = new_case(client, headers)
    step(client, headers, case["id"], "street", "whistle", department="公安", note="请派员")
    other = headers("ga-next")  # 公安 of the neighbouring district
    assert client.get(f"/api/v1/cases/{case['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/cases", headers=other).json()["total"] == 0
    assert client.get("/api/v1/cases/mine", headers=other).json()["total"] == 0
    assert client.get("/open311/v2/requests.json", headers=other).json() == []
    assert client.get(f"/open311/v2/requests/{case['id']}.json", headers=other).status_code == 404
    assert client.get(f"/maps/cases/{case['id']}", headers=other).status_code == 404
    r = client.post(f"/api/v1/cases/{case['id']}/transitions", headers=other,
                    json={"action": "report_in", "version": case["version"] + 1})
    assert r.status_code == 404
    step(client, headers, case["id"], "ga", "report_in")
    theirs = client.get("/api/v1/departments/figures", headers=other).json()["rows"]
    ours = client.get("/api/v1/departments/figures", headers=headers("ga")).json()["rows"]
    assert [(r["code"], r["whistled"]) for r in theirs] == [("公安", 0)]
    assert [(r["code"], r["whistled"]) for r in ours] == [("公安", 1)]


def test_an_assisting_department_takes_no_step_of_the_lead(client, headers):
    led = new_case(client, headers, "order_illegal_building")
    step(client, headers, led["id"], "street", "assist", department="公安")
    police = headers("ga")
    assert client.get(f"/api/v1/cases/{led['id']}", headers=police).json()["allowed_actions"] == ["assist_report"]
    for action in ("accept", "return", "request_extension", "report_in"):
        step(client, headers, led["id"], "ga", action, expect=403, note="越权")
    r = client.post(f"/api/v1/cases/{led['id']}/attachments", headers=police, files={"file": ("a.jpg", JPEG, "image/jpeg")})
    assert r.status_code == 403
    step(client, headers, led["id"], "street", "whistle", expect=422, department="水务")  # no such department
    step(client, headers, led["id"], "ga", "assist_report", note="已配合")
    step(client, headers, led["id"], "ga", "assist_report", expect=403, note="再报一次")  # its turn is over
    holds = client.get(f"/api/v1/cases/{led['id']}", headers=headers("command")).json()["holds"]
    assert [(h["kind"], h["department"], h["outcome"]) for h in holds] == [("lead", "城管", None),
                                                                          ("assist", "公安", "met")]


@pytest.fixture(scope="module")
def committed(cluster):
    with committed_city(cluster, "wangge_redteam") as eng:
        with db.session_factory(eng).begin() as s:
            for name in ("ga1", "ga2"):
                create_user(s, username=name, password=PASSWORD, role="department", scope_code=DISTRICT,
                            department="公安")
        yield db.session_factory(eng)


def _actor(sessions, name):
    with sessions() as s:
        return actor_for(s, s.scalar(select(User).where(User.username == name)))


def test_two_accounts_of_one_department_reporting_in_at_once_report_once(committed):
    street, police = _actor(committed, "street"), [_actor(committed, n) for n in ("ga1", "ga2")]
    with committed.begin() as s:
        case_id, _ = create_case(s, NewCase("env_garbage", lon=116.415, lat=39.945), _actor(committed, "command"))
        transition(s, case_id, "whistle", visible_case(s, case_id, street)["version"], street,
                   StepInput(department="公安"))
    with committed() as s:
        version = visible_case(s, case_id, street)["version"]

    def report_in(i):
        with committed.begin() as s:
            new = transition(s, case_id, "report_in", version, police[i], StepInput(note=f"第{i}组到场"))
            time.sleep(0.3)  # hold the rows so the other really waits
            return new
    results, errors = run_together(2, report_in)
    assert results == [version + 1] and len(errors) == 1 and isinstance(errors[0], Conflict)
    with committed() as s:
        ended = s.execute(text("SELECT outcome FROM case_holds WHERE case_id = :c AND kind = 'whistle'"),
                          {"c": case_id}).scalars().all()
        events = s.execute(text("SELECT count(*) FROM case_events WHERE case_id = :c AND action = 'report_in'"),
                           {"c": case_id}).scalar()
    assert ended == ["met"] and events == 1


def fill_hostile_dispatch(s) -> None:
    """The test city, a department and operators with script in their display names, and a case pressed, whistled
    for, reported in on and answered, every note carrying script."""
    build_city(s)
    staff_the_city(s)
    s.execute(text("UPDATE users SET display_name = :n WHERE username IN ('street', 'w1', 'w2')"),
              {"n": "街道" + SHORT})
    create_user(s, username="ga", password=PASSWORD, role="department", scope_code=DISTRICT, department="公安",
                display_name="民警" + SHORT)
    people = {n: actor_for(s, s.scalar(select(User).where(User.username == n))) for n in ("command", "street", "ga")}
    case_id, _ = create_case(s, NewCase("env_garbage", lon=116.415, lat=39.945, description="描述" + HOSTILE),
                             people["command"])
    worker = s.execute(text("SELECT u.username FROM cases c JOIN staff st ON st.id = c.assignee_id "
                            "JOIN users u ON u.id = st.user_id WHERE c.id = :c"), {"c": case_id}).scalar()
    people[worker] = actor_for(s, s.scalar(select(User).where(User.username == worker)))
    for who, action, request in (("street", "supervise", StepInput(note="督办" + HOSTILE)),
                                 ("street", "whistle", StepInput(note="吹哨" + HOSTILE, department="公安")),
                                 ("ga", "report_in", StepInput(note="报到" + HOSTILE)),
                                 (worker, "reply_supervision", StepInput(note="回复" + HOSTILE))):
        transition(s, case_id, action, visible_case(s, case_id, people[who])["version"], people[who], request)


@pytest.fixture(scope="module")
def hostile_site(cluster, tmp_path_factory):
    url = filled_database(cluster, "wangge_redteam_pages", fill_hostile_dispatch)
    with serve(url, tmp_path_factory.mktemp("redteam-home")) as base:
        yield base


@pytest.mark.parametrize("who", ["ga", "street"])
def test_notes_replies_and_names_on_the_case_page_stay_text(hostile_site, watched, who):  # noqa: F811
    page, seen = watched
    login(page, hostile_site, who, "/maps/cases/1")  # the database's only case
    page.wait_for_function("() => window.wangge && window.wangge.loaded", timeout=20_000)
    panel = page.inner_text("#case-panel")
    for text_shown in ("描述" + HOSTILE, "督办" + HOSTILE, "回复" + HOSTILE, "吹哨" + HOSTILE, "报到" + HOSTILE, "街道" + SHORT,
                       "民警" + SHORT):
        assert text_shown in panel, text_shown
    assert "公安" in page.inner_text("#case-holds")
    page.screenshot(path=str(ARTIFACTS / f"redteam-case-{who}.png"))
    assert_nothing_ran(page, seen)


def test_assist_and_its_report_ask_for_what_they_need(hostile_site, watched):  # noqa: F811
    """Found on the way: the case page sent 协办 without a department and 协办反馈 without a note (422 every time)."""
    page, seen = watched
    login(page, hostile_site, "street", "/maps/cases/1")
    page.wait_for_function("() => window.wangge && window.wangge.loaded", timeout=20_000)
    assert "协办" in page.locator("#action-buttons button").all_inner_texts()
    page.click("#action-buttons button:text-is('协办')")
    page.wait_for_function("() => document.querySelectorAll('#f-department option').length > 1")
    page.click("form.case-form button.primary")
    assert "请填写：职能部门" in page.inner_text("#case-message")
    page.select_option("#f-department", "城管")
    page.click("form.case-form button.primary")
    page.wait_for_function("() => window.wangge.sent.includes('assist') && !window.wangge.busy", timeout=10_000)
    assert "城管" in page.inner_text("#case-holds")
    page.evaluate("window.wangge.openForm('assist_report')")
    assert "说明 *" in page.inner_text("form.case-form")
    assert_nothing_ran(page, seen)
