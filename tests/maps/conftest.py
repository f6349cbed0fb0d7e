"""A served test city whose people have Chinese names and whose cases stand in every status, for the pages in
Chromium (tests/maps/test_case_page.py, tests/maps/test_chinese_everywhere.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from geo.access.accounts import create_user
from geo.access.actor import actor_for
from geo.cases import escalation, intake, workflow
from geo.core.models import User
from geo.planning.plans import create_from_current
from tests.city import COMM_A, PASSWORD, build_city, staff_the_city
from tests.e2e.conftest import filled_database, page, serve  # noqa: F401 (page: the Chromium page of tests/e2e)

NAMES = {"boss": "王主任", "command": "李指挥", "street": "赵街道", "comm": "孙社区", "w1": "张三", "w2": "李四",
         "wb": "王五", "planner": "周规划", "leader": "刘网格长"}
A1_POINT = (116.415, 39.95)   # grid 甲一: w1 and w2 on duty
B2_POINT = (116.475, 39.955)  # grid 乙二: nobody on duty, so a case stays registered
CASES: dict[str, int] = {}    # by what each case is for; filled when the server's database is
PLANS: dict[str, int] = {}


@pytest.fixture(scope="session")
def case_server(cluster, tmp_path_factory):
    """uvicorn in Chinese (the product's default) over the city with CASES; yields its base URL."""
    url = filled_database(cluster, "wangge_casepage", fill)
    with serve(url, tmp_path_factory.mktemp("casepage-home"), WANGGE_LANG="zh") as base:
        yield base


def fill(s) -> None:
    """The test city, its staff under Chinese names, an admin, a plan, and cases walked to every status."""
    build_city(s)
    staff = staff_the_city(s)
    create_user(s, username="boss", password=PASSWORD, role="admin", scope_code=None)
    for username, name in NAMES.items():
        s.execute(text("UPDATE users SET display_name = :n WHERE username = :u"), {"n": name, "u": username})
        s.execute(text("UPDATE staff SET name = :n WHERE name = :u"), {"n": name, "u": username})
    who = {u: actor_for(s, s.scalar(select(User).where(User.username == u))) for u in NAMES if u != "leader"}
    PLANS["draft"] = create_from_current(s, who["planner"], [COMM_A], "甲社区调整方案")
    CASES["escalated"] = new_case(s, who, staff["w1"])
    escalation.tick(s, datetime.now(UTC) + timedelta(days=60))  # only this case exists yet: it alone goes up
    walks = {"intake": [], "dispatched": [], "walk_desktop": [], "walk_phone": [], "walk_409": [],
             "handling": [("w1", "accept"), ("w1", "request_extension", "需要协调物业")],
             "reported": [("w1", "accept"), ("w1", "report", "已清理")],
             "verified": [("w1", "accept"), ("w1", "report", "已清理"), ("comm", "verify")],
             "closed": [("w1", "accept"), ("w1", "report", "已清理"), ("comm", "verify"), ("comm", "close")],
             "rated": [("w1", "accept"), ("w1", "report", "已清理"), ("comm", "verify"), ("comm", "close"),
                       ("comm", "rate", None, "satisfied")],
             "returned": [("w1", "return", "不属于本网格")],
             "suspended": [("street", "suspend", "等待上级批复")]}
    for purpose, steps in walks.items():
        CASES[purpose] = new_case(s, who, staff["w1"], channel="self_report" if purpose == "intake" else "patrol")
        for actor, action, *rest in steps:
            act(s, who[actor], CASES[purpose], action, *rest)
    CASES["registered"] = new_case(s, who, None, point=B2_POINT)
    CASES["merged"] = new_case(s, who, staff["w1"])
    act(s, who["comm"], CASES["merged"], "merge", target_id=CASES["dispatched"])


def new_case(s, who, assignee: int | None, channel: str = "patrol", point=A1_POINT) -> int:
    """A garbage report near `point` by the command center, handed to `assignee` when dispatched."""
    lon, lat = point[0] + 0.0002 * len(CASES), point[1]  # apart, inside the same grid
    case_id, _ = intake.create_case(s, intake.NewCase("env_garbage", "楼下垃圾堆积", lon, lat, channel=channel,
                                                      reporter_name="陈女士", reporter_phone="13912345678"),
                                    who["command"])
    if assignee is not None:
        s.execute(text("UPDATE cases SET assignee_id = :a WHERE id = :id AND status = 'dispatched'"),
                  {"a": assignee, "id": case_id})
    return case_id


def act(s, actor, case_id: int, action: str, note: str | None = None, rating: str | None = None,
        target_id: int | None = None) -> None:
    """One workflow step at the case's current version."""
    version = s.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
    workflow.transition(s, case_id, action, version, actor, workflow.StepInput(note, rating=rating, target_id=target_id))
