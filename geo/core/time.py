"""Beijing time: the zone every deadline, day and month of the service is counted in."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_today(now: datetime | None = None) -> date:
    """The day in Beijing (now, or at moment `now`): boundaries change on Beijing days."""
    return (now or datetime.now(UTC)).astimezone(CHINA).date()
