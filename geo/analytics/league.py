"""League tables: the dispatch KPIs per grid, community or street with their trend, and the workload of
grid workers, for the command center and the street leaders' monthly review.

The trend compares the window with the one just before it, of the same length.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import like_pattern
from geo.analytics.field import LEAGUE_FIELD, field_of_window, worker_field
from geo.analytics.window import Window
from geo.cases.kpis import RATES, holds_by_area, kpis_by_area
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.models import OPEN_STATUSES, SCOPE_PREFIX, Level

LEVELS = {"grid": Level.grid, "community": Level.community, "street": Level.street}
SORTS = ("cases", *RATES, "cases_per_worker", "open_per_worker")
GRID_DUTIES = ["grid_leader", "fulltime_worker", "parttime_worker"]
TRENDS = ("cases", "resolution_rate", "on_time_rate", "satisfaction_rate")

WORKLOAD = """
SELECT prefix, sum(workers)::int AS workers, sum(open_now)::int AS open_now FROM (
    SELECT left(sa.area_code, :digits) AS prefix, count(DISTINCT sa.staff_id) AS workers, 0 AS open_now
    FROM staff_assignments sa
    WHERE sa.duty::text = ANY(:duties) AND sa.area_code LIKE :pattern
      AND sa.start_date <= current_date AND (sa.end_date IS NULL OR sa.end_date >= current_date)
    GROUP BY 1
    UNION ALL
    SELECT left(grid_code, :digits), 0, count(*) FROM cases
    WHERE status = ANY(:open) AND grid_code LIKE :pattern GROUP BY 1
) x GROUP BY prefix
"""

# A worker's record is their own turns (case_holds): a deadline they let pass stays theirs after escalation.
WORKERS = """
SELECT s.id, s.name, sa.area_code AS grid, sa.duty::text AS duty,
       (SELECT count(*) FROM cases c WHERE c.assignee_id = s.id AND c.status = ANY(:open)) AS open_now,
       count(h.id) FILTER (WHERE h.started_at >= :since AND h.started_at < :until) AS assigned,
       count(h.id) FILTER (WHERE h.ended_at >= :since AND h.ended_at < :until AND h.outcome IN ('met', 'missed'))
           AS closed,
       count(h.id) FILTER (WHERE h.ended_at >= :since AND h.ended_at < :until AND h.outcome = 'met') AS on_time,
       count(h.id) FILTER (WHERE h.missed AND h.due_at >= :since AND h.due_at < :until) AS missed,
       avg(extract(epoch FROM h.ended_at - h.started_at) / 3600)
           FILTER (WHERE h.ended_at >= :since AND h.ended_at < :until AND h.outcome IN ('met', 'missed'))
           AS avg_handling_hours
FROM staff_assignments sa JOIN staff s ON s.id = sa.staff_id
LEFT JOIN case_holds h ON h.staff_id = s.id AND h.kind IN ('dispatch', 'escalation')
WHERE sa.duty::text = ANY(:duties) AND sa.area_code LIKE :pattern
  AND sa.start_date <= current_date AND (sa.end_date IS NULL OR sa.end_date >= current_date)
GROUP BY s.id, s.name, sa.area_code, sa.duty ORDER BY open_now DESC, s.id
"""


NOTHING_HELD = {"held": 0, "held_missed": 0, "own_on_time_rate": None}


def _per(n: int, workers: int) -> float | None:
    return round(n / workers, 2) if workers else None


def _change(now, before) -> float | None:
    return None if now is None or before is None else round(now - before, 4)


def league(session: Session, actor: Actor, level: str, win: Window, *, sort: str = "on_time_rate") -> dict:
    """Every area of `level` in the caller's scope with its KPIs, their change since the window before, and workload."""
    if level not in LEVELS or sort not in SORTS:
        raise InvalidInput(msg("level must be one of {levels} and sort one of {sorts}", levels=", ".join(LEVELS),
                               sorts=", ".join(SORTS)))
    lvl, pattern = LEVELS[level], like_pattern(actor.scope)
    digits = SCOPE_PREFIX[lvl]
    areas = session.execute(text("SELECT code, name, parent_code FROM areas "
                                 "WHERE level = :level AND code LIKE :pattern ORDER BY code"),
                            {"level": lvl.value, "pattern": pattern}).all()
    now = kpis_by_area(session, actor.scope, lvl, win.since, win.until)
    before = kpis_by_area(session, actor.scope, lvl, win.since - (win.until - win.since), win.since)
    load = {r.prefix: r for r in session.execute(text(WORKLOAD), {
        "digits": digits, "pattern": pattern, "duties": GRID_DUTIES, "open": [s.value for s in OPEN_STATUSES]})}
    held = holds_by_area(session, actor.scope, lvl, win.since, win.until)
    fieldwork = field_of_window(session, pattern, digits, win)
    rows = [_row(code, name, parent, now.get(code[:digits]), before.get(code[:digits]), load.get(code[:digits]))
            | held.get(code[:digits], NOTHING_HELD) | {k: fieldwork(code[:digits])[k] for k in LEAGUE_FIELD}
            for code, name, parent in areas]
    rows.sort(key=lambda r: (r[sort] is None, -(r[sort] or 0), r["code"]))
    return {"level": level, "from": win.since.isoformat(), "to": win.until.isoformat(), "sort": sort,
            "rows": [{"rank": rank} | row for rank, row in enumerate(rows, 1)]}


def _row(code, name, parent, now, before, load) -> dict:
    figures = now or {"cases": 0} | dict.fromkeys(RATES)
    previous = before or {"cases": 0} | dict.fromkeys(RATES)
    workers, open_now = (load.workers, load.open_now) if load else (0, 0)
    return {"code": code, "name": name, "parent_code": parent} | figures | {
        f"{key}_change": _change(figures[key], previous[key]) for key in TRENDS} | {
        "workers": workers, "open_now": open_now, "cases_per_worker": _per(figures["cases"], workers),
        "open_per_worker": _per(open_now, workers)}


def workers(session: Session, actor: Actor, win: Window) -> dict:
    """Every grid worker and leader on duty in the caller's scope with their open cases now and their work in `win`."""
    rows = session.execute(text(WORKERS), {"duties": GRID_DUTIES, "pattern": like_pattern(actor.scope),
                                           "open": [s.value for s in OPEN_STATUSES], "since": win.since,
                                           "until": win.until}).mappings()
    work = worker_field(session, like_pattern(actor.scope), win)
    return {"from": win.since.isoformat(), "to": win.until.isoformat(), "rows": [
        dict(r) | work(r["id"]) | {"on_time_rate": round(r["on_time"] / r["closed"], 4) if r["closed"] else None,
                   "avg_handling_hours": round(float(r["avg_handling_hours"]), 2)
                   if r["avg_handling_hours"] is not None else None} for r in rows]}
