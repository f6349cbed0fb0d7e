"""Deadlines across a national holiday and a make-up workday (调休), in China's local time."""

from datetime import datetime, timedelta

import pytest

from geo.cases.categories import categories
from geo.cases.deadlines import add_working_days, add_working_hours, due_at, is_workday
from geo.core.time import CHINA


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


def test_national_day_and_the_make_up_saturday():
    assert not is_workday(local(2026, 10, 5).date())       # a Monday inside the National Day holiday
    assert is_workday(local(2026, 10, 10).date())          # the Saturday worked in exchange
    # Three working days from Wednesday 30 September: 8, 9 and (Saturday) 10 October.
    assert add_working_days(local(2026, 9, 30, 10), 3) == local(2026, 10, 10, 17)


def test_working_hours_skip_the_holiday():
    # 2 hours left on 30 September, the rest on 8 October.
    assert add_working_hours(local(2026, 9, 30, 15), 4) == local(2026, 10, 8, 11)


def test_working_hours_run_into_a_make_up_saturday():
    assert add_working_hours(local(2026, 2, 13, 16), 4) == local(2026, 2, 14, 12)


def test_working_hours_outside_office_time_start_next_morning():
    assert add_working_hours(local(2026, 11, 20, 20), 1) == local(2026, 11, 23, 10)  # Friday evening → Monday


def test_category_deadlines():
    cats = categories()
    start = local(2026, 9, 30, 15)
    assert due_at(cats["env_garbage"], start) == local(2026, 10, 8, 11)            # 4 working hours
    assert due_at(cats["welfare_assistance"], start) == start + timedelta(days=15)  # natural days
    assert due_at(cats["hazard_gas"], start) == start + timedelta(hours=4)          # emergency hours, day and night


@pytest.mark.parametrize("code", list(categories()))
def test_every_category_has_a_usable_deadline(code):
    start = local(2026, 6, 1, 9)
    assert due_at(categories()[code], start) > start
