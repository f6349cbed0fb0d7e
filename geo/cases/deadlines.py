"""Deadlines in working hours, working days, natural days or emergency hours, on China's official calendar.

Working days follow the official calendar (geo.cases.official_calendar: the notices an operator loaded, then
chinese-calendar's holidays and make-up workdays, 调休; Monday–Friday for a year neither covers). Working hours are the local
office day (WANGGE_WORK_DAY, default 09:00–17:00, Asia/Shanghai).
"""

from datetime import datetime, time, timedelta

from geo.cases.categories import Category
from geo.cases.official_calendar import is_workday
from geo.core.settings import get_settings
from geo.core.time import CHINA


def _office_hours() -> tuple[time, time]:
    start, end = get_settings().work_day.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of office time after `start`."""
    opens, closes = _office_hours()
    local = start.astimezone(CHINA)
    left = timedelta(hours=hours)
    day = local.date()
    while True:
        if is_workday(day):
            begin = max(local, datetime.combine(day, opens, CHINA))
            end = datetime.combine(day, closes, CHINA)
            if begin < end:
                if begin + left <= end:
                    return begin + left
                left -= end - begin
        day += timedelta(days=1)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the office day `days` working days after the day of `start`."""
    _, closes = _office_hours()
    day = start.astimezone(CHINA).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_workday(day)
    return datetime.combine(day, closes, CHINA)


def due_at(category: Category, start: datetime, *, extra_factor: float = 1.0) -> datetime:
    """When a case of `category` dispatched at `start` must be handled."""
    value = category.deadline_value * extra_factor
    unit = category.deadline_unit
    if unit == "working_hours":
        return add_working_hours(start, value)
    if unit == "working_days":
        return add_working_days(start, max(1, round(value)))
    if unit == "natural_days":
        return start + timedelta(days=value)
    return start + timedelta(hours=value)  # emergency_hours: the clock runs day and night
