"""Departments as handlers: accounts scoped to a department of a district, leading, assisting, 吹哨报到."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from geo.access.accounts import create_user
from geo.access.actor import SYSTEM, actor_for
from geo.analytics.departments import department_figures
from geo.analytics.window import window
from geo.cases.escalation import tick
from geo.cases.intake import NewCase, create_case
from geo.cases.reading import get_case, list_cases
from geo.cases.workflow import StepInput, transition, visible_case
from geo.core.errors import Conflict, InvalidInput, NotFound
from geo.core.models import User
from geo.core.settings import get_settings
from tests.city import DISTRICT, PASSWORD, STREET, staff_the_city

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # Monday 09:00 in Beijing


@pytest.fixture
def people(session, city):
    staff_the_city(session)
    for name, department in (("cg", "城管"), ("ga", "公安"), ("xf", "消防")):
        create_user(session, username=name, password=PASSWORD, role="department", scope_code=DISTRICT,
                    department=department)
    return lambda name: actor_for(session, session.scalar(select(User).where(User.username == name)))


def step(session, case_id, action, who, now, **fields):
    version = visible_case(session, case_id, who)["version"]
    return transition(session, case_id, action, version, who, StepInput(**fields), now=now)


def test_department_accounts_name_a_known_department_and_a_district(session, city):
    with pytest.raises(InvalidInput, match="no department"):
        create_user(session, username="x1", password=PASSWORD, role="department", scope_code=DISTRICT, department="水务")
    with pytest.raises(InvalidInput, match="district"):
        create_user(session, username="x2", password=PASSWORD, role="department", scope_code=STREET, department="城管")
    with pytest.raises(InvalidInput, match="only a department"):
        create_user(session, username="x3", password=PASSWORD, role="grid_worker", scope_code=STREET, department="城管")


def test_the_lead_department_handles_its_case_and_others_cannot_see_it(session, people):
    case_id, _ = create_case(session, NewCase("order_illegal_building", lon=116.415, lat=39.945), people("command"),
                             now=T0)
    lead = people("cg")
    view = get_case(session, case_id, lead)
    assert (view["handler_level"], view["department"], view["status"]) == ("department", "城管", "dispatched")
    assert {"accept", "return", "request_extension"} <= set(view["allowed_actions"])
    assert [c["id"] for c in list_cases(session, lead, mine=True)["items"]] == [case_id]
    with pytest.raises(NotFound):
        visible_case(session, case_id, people("ga"))
    assert list_cases(session, people("ga"))["total"] == 0
    step(session, case_id, "accept", lead, T0 + timedelta(minutes=10))
    step(session, case_id, "report", lead, T0 + timedelta(hours=1), note="已拆除")
    kinds = session.execute(text("SELECT kind, department, outcome FROM case_holds WHERE case_id = :c"),
                            {"c": case_id}).all()
    assert kinds == [("lead", "城管", "met")]


def test_a_whistled_department_must_report_in_in_time(session, people):
    case_id, _ = create_case(session, NewCase("env_garbage", lon=116.415, lat=39.945), people("command"), now=T0)
    street = people("street")
    step(session, case_id, "whistle", street, T0, department="公安", note="涉嫌占道经营，请派员到场")
    step(session, case_id, "whistle", street, T0, department="消防", note="堆物堵塞消防通道")
    with pytest.raises(Conflict):
        step(session, case_id, "whistle", street, T0, department="公安")
    police = people("ga")
    assert "report_in" in get_case(session, case_id, police)["allowed_actions"]
    assert [c["id"] for c in list_cases(session, police, mine=True)["items"]] == [case_id]
    step(session, case_id, "report_in", police, T0 + timedelta(minutes=40), note="民警已到场")
    hours = get_settings().report_in_hours
    report = tick(session, T0 + timedelta(hours=hours, minutes=1))
    assert report.side_missed == 1
    holds = dict(session.execute(text("SELECT department, outcome || ':' || missed FROM case_holds "
                                      "WHERE case_id = :c AND kind = 'whistle'"), {"c": case_id}).all())
    assert holds == {"公安": "met:false", "消防": None}
    assert session.execute(text("SELECT missed FROM case_holds WHERE case_id = :c AND department = '消防'"),
                           {"c": case_id}).scalar() is True
    step(session, case_id, "report_in", people("xf"), T0 + timedelta(hours=hours + 1))  # late: stays missed
    rows = {r["code"]: r for r in department_figures(session, SYSTEM, window(T0 - timedelta(days=1),
                                                                              T0 + timedelta(days=1)))["rows"]}
    assert (rows["公安"]["whistled"], rows["公安"]["whistled_missed"], rows["公安"]["own_on_time_rate"]) == (1, 0, 1.0)
    assert (rows["消防"]["whistled"], rows["消防"]["whistled_missed"], rows["消防"]["own_on_time_rate"]) == (1, 1, 0.0)
    own = department_figures(session, police, window(T0 - timedelta(days=1), T0 + timedelta(days=1)))["rows"]
    assert [r["code"] for r in own] == ["公安"]


def test_assisting_departments_report_their_share(session, people):
    case_id, _ = create_case(session, NewCase("order_illegal_building", lon=116.415, lat=39.945), people("command"),
                             now=T0)
    step(session, case_id, "assist", people("street"), T0, department="公安")
    with pytest.raises(Conflict):  # the lead does not assist itself
        step(session, case_id, "assist", people("street"), T0, department="城管")
    police = people("ga")
    assert get_case(session, case_id, police)["allowed_actions"] == ["assist_report"]
    step(session, case_id, "assist_report", police, T0 + timedelta(hours=1), note="已配合现场执法")
    assert get_case(session, case_id, police)["allowed_actions"] == []
    view = get_case(session, case_id, people("command"))
    assert [(h["kind"], h["department"], h["outcome"]) for h in view["holds"]] == [
        ("lead", "城管", None), ("assist", "公安", "met")]


def test_the_lead_is_not_whistled_for_and_closing_ends_the_turns_beside_it(session, people):
    case_id, _ = create_case(session, NewCase("order_illegal_building", lon=116.415, lat=39.945), people("command"),
                             now=T0)
    street = people("street")
    with pytest.raises(Conflict):
        step(session, case_id, "whistle", street, T0, department="城管")
    step(session, case_id, "whistle", street, T0, department="公安")
    step(session, case_id, "assist", street, T0 - timedelta(days=3), department="消防")  # long overdue by closing time
    lead = people("cg")
    step(session, case_id, "accept", lead, T0 + timedelta(minutes=5))
    step(session, case_id, "report", lead, T0 + timedelta(minutes=30), note="已拆除")
    for action in ("verify", "close"):
        step(session, case_id, action, street, T0 + timedelta(minutes=40))
    sides = dict(session.execute(text("SELECT department, outcome FROM case_holds WHERE case_id = :c "
                                      "AND kind <> 'lead'"), {"c": case_id}).all())
    assert sides == {"公安": "cancelled", "消防": "missed"}
