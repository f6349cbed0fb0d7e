"""Weekly or monthly series of cases and their handling for an area, periods in Beijing time."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import like_pattern, scope_for
from geo.analytics.window import Window, window_filters
from geo.core.errors import Forbidden, InvalidInput
from geo.core.i18n import msg

INTERVALS = ("day", "week", "month")
SERIES = """
WITH periods AS (
    SELECT generate_series(date_trunc(:interval, :since AT TIME ZONE 'Asia/Shanghai'),
                           :until AT TIME ZONE 'Asia/Shanghai' - interval '1 microsecond',
                           ('1 ' || :interval)::interval) AS period
), counts AS (
    SELECT date_trunc(:interval, c.reported_at AT TIME ZONE 'Asia/Shanghai') AS period, count(*) AS cases,
           count(*) FILTER (WHERE c.status IN ('closed', 'rated')) AS closed,
           count(*) FILTER (WHERE c.status IN ('closed', 'rated') AND c.closed_at <= coalesce(c.first_due_at, c.due_at))
               AS on_time,
           count(*) FILTER (WHERE c.status IN ('closed', 'rated') AND coalesce(c.first_due_at, c.due_at) IS NOT NULL)
               AS with_deadline
    FROM cases c WHERE {where} GROUP BY 1
)
SELECT p.period, coalesce(n.cases, 0), coalesce(n.closed, 0), coalesce(n.on_time, 0), coalesce(n.with_deadline, 0)
FROM periods p LEFT JOIN counts n ON n.period = p.period ORDER BY p.period
"""


def series(session: Session, actor: Actor, win: Window, interval: str = "week", *, area: str | None = None) -> dict:
    """Cases, closed and closed on time per period of `win` (empty periods as zeros), in `area` or the whole scope."""
    if interval not in INTERVALS:
        raise InvalidInput(msg("interval must be one of {intervals}", intervals=", ".join(INTERVALS)))
    where, params = window_filters(actor, win)
    if area:
        if not actor.scope.covers_code(area):
            raise Forbidden(msg("area {code} lies outside your scope", code=area))
        where += " AND c.grid_code LIKE :area"
        params["area"] = like_pattern(scope_for(session, actor.scope.role, area))
    params |= {"interval": interval}
    rows = session.execute(text(SERIES.format(where=where)), params).all()
    return {"interval": interval, "area": area, "periods": [
        {"period": period.date().isoformat(), "cases": cases, "closed": closed, "on_time": on_time,
         "on_time_rate": round(on_time / deadline, 4) if deadline else None}
        for period, cases, closed, on_time, deadline in rows]}
