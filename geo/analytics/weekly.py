"""Weekly case counts per grid (and category), weeks starting Monday 00:00 Beijing time."""

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.analytics.window import Window, window_filters
from geo.core.time import CHINA

WEEKLY = """
SELECT c.grid_code, {category} AS category,
       floor(extract(epoch FROM c.reported_at - :start) / 604800)::int AS week, count(*)
FROM cases c WHERE {where} AND c.grid_code IS NOT NULL GROUP BY 1, 2, 3
"""


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 (Beijing) of the week holding `moment`."""
    local = moment.astimezone(CHINA)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def weekly_counts(session: Session, actor: Actor, end: datetime, weeks: int, *, categories=None,
                  by_category: bool = False) -> tuple[datetime, dict[tuple[str, str | None], np.ndarray]]:
    """The first Monday and, per (grid, category or None), the counts of the `weeks` whole weeks before `end`'s week."""
    start = week_start(end) - timedelta(weeks=weeks)
    win = Window(start, start + timedelta(weeks=weeks), tuple(categories) if categories else None)
    where, params = window_filters(actor, win)
    params["start"] = start
    sql = WEEKLY.format(category="c.category" if by_category else "NULL::text", where=where)
    series: dict[tuple[str, str | None], np.ndarray] = {}
    for grid, category, week, n in session.execute(text(sql), params):
        series.setdefault((grid, category), np.zeros(weeks, dtype=int))[week] = n
    return start, series
