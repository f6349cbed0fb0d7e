"""The care list: every status and due_on counted by hand from care visits at known dates.

Today is Beijing 2026-11-30 (NOW 12:00 Beijing). Tiers: r_b1_1 7 days, r_b1_2 30, r_b3_1 90, r_b3_2 7
(高风险 beats 重点), r_b6_1 30 (in B1).
"""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from geo.field.care import care_due
from geo.field.visits import NewVisit, record_visit
from tests.field_city import build_field_city
from tests.geo.field._actors import actor

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def ids(session):
    ids = build_field_city(session)
    w1, wb = actor(session, "w1"), actor(session, "wb")
    for who, resident, at in (
        (w1, "r_b1_1", datetime(2026, 11, 12, 3, 0, tzinfo=UTC)),   # an earlier one: the last counts
        (w1, "r_b1_1", datetime(2026, 11, 19, 17, 30, tzinfo=UTC)),  # Beijing 11-20 01:30 → due 11-27, 3 days over
        (w1, "r_b3_1", datetime(2026, 11, 10, 3, 0, tzinfo=UTC)),   # due 2027-02-08: not listed
        (w1, "r_b3_2", datetime(2026, 11, 25, 3, 0, tzinfo=UTC)),   # due 12-02: due
        (wb, "r_b6_1", datetime(2026, 10, 31, 5, 0, tzinfo=UTC)),   # due 11-30 = today: due, not overdue
    ):
        record_visit(session, who, NewVisit("care", resident_id=ids[resident], visited_at=at), now=NOW)
    # a home visit is no care visit: r_b1_2 stays never cared for
    record_visit(session, w1, NewVisit("home", household_id=ids["b1_households"][1]), now=NOW)
    return ids


def by_resident(answer, ids):
    names = {ids[k]: k for k in ("r_b1_1", "r_b1_2", "r_b3_1", "r_b3_2", "r_b6_1")}
    return {names[i["resident"]["id"]]: (i["status"], i["due_on"], i["days_overdue"]) for i in answer["items"]}


def test_every_status_and_due_date(session, ids):
    answer = care_due(session, actor(session, "comm"), now=NOW)
    assert answer["as_of"] == date(2026, 11, 30) and answer["masked"] is False
    assert by_resident(answer, ids) == {"r_b1_1": ("overdue", date(2026, 11, 27), 3),
                                        "r_b1_2": ("overdue", date(2026, 11, 30), 0),
                                        "r_b3_2": ("due", date(2026, 12, 2), 0)}
    assert answer["counts"] == {"overdue": 2, "due": 1}
    never = next(i for i in answer["items"] if i["resident"]["id"] == ids["r_b1_2"])
    assert never["last_visit_at"] is None and never["tier"] == {"name": "重点", "days": 30}
    b3_2 = next(i for i in answer["items"] if i["resident"]["id"] == ids["r_b3_2"])
    assert b3_2["tier"] == {"name": "高风险", "days": 7} and b3_2["groups"] == ["残疾人", "吸毒人员"]
    assert session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'read_care_list'")).scalar() == 1


def test_within_and_area(session, ids):
    assert set(by_resident(care_due(session, actor(session, "comm"), within=0, now=NOW), ids)) == {"r_b1_1", "r_b1_2"}
    assert by_resident(care_due(session, actor(session, "wb"), now=NOW), ids) == {
        "r_b6_1": ("due", date(2026, 11, 30), 0)}
    assert set(by_resident(care_due(session, actor(session, "comm"), within=70, now=NOW), ids)) == {
        "r_b1_1", "r_b1_2", "r_b3_1", "r_b3_2"}


def test_roles_without_special_groups_get_counts_only(session, ids):
    answer = care_due(session, actor(session, "command"), now=NOW)
    assert answer["masked"] is True and answer["items"] == []
    assert answer["counts"] == {"overdue": 2, "due": 2}  # A1's three and B1's r_b6_1
    assert session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'read_care_list'")).scalar() == 0
