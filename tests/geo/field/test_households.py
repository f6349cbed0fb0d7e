"""Households of a building: members masked by role, last visit and number of visits, in scope."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from geo.core.errors import NotFound
from geo.field.households import building_households
from geo.field.visits import NewVisit, record_visit
from tests.field_city import build_field_city
from tests.geo.field._actors import actor

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


def test_households_of_a_building(session):
    ids = build_field_city(session)
    w1 = actor(session, "w1")
    first = ids["b1_households"][0]
    for days in (3, 1):
        record_visit(session, w1, NewVisit("home", household_id=first, visited_at=NOW - timedelta(days=days)), now=NOW)
    seen = building_households(session, w1, ids["b1"])
    assert [h["door"] for h in seen["items"]] == ["101", "201", "301"]
    assert [h["visits"] for h in seen["items"]] == [2, 0, 0]
    assert seen["items"][0]["last_visit_at"] == NOW - timedelta(days=1) and seen["items"][1]["last_visit_at"] is None
    assert seen["items"][0]["members"][0]["name"] == f"住户{ids['b1']}-1"
    masked = building_households(session, actor(session, "command"), ids["b1"])
    assert masked["items"][0]["members"][0]["name"] == "住" + "*" * (len(f"住户{ids['b1']}-1") - 1)
    assert session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'read_residents'")).scalar() >= 2
    with pytest.raises(NotFound):
        building_households(session, actor(session, "wb"), ids["b1"])
