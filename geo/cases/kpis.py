"""Case-handling KPIs for an area and period, each defined once, here.

Valid cases: reported in the period, not merged into another. Over those:
- 响应率 response_rate: dispatched cases a handler has taken up (now handling or beyond) / cases dispatched.
- 解决率 resolution_rate: closed or rated / valid cases.
- 满意率 satisfaction_rate: (satisfied + 0.9 × basically satisfied) / rated cases (valid follow-ups).
- 按期结案率 on_time_rate: closed no later than the deadline of their first dispatch (moved only by an approved
  延期) / closed cases that had one. Escalation gives the next level a deadline of its own, but the case is
  still late against the first.
- 超时次数 deadline_misses: handlers' deadlines that passed (case_holds.missed), however the case then ended;
  missed_cases: cases with at least one.
- 返工率 rework_rate: closed cases that were sent back after verification / closed cases.
- 回退率 return_rate: dispatched cases whose dispatch was returned / dispatched cases.
- 平均处置时长 avg_handling_hours: mean hours from report to closure, over closed cases.
Rates are None when their denominator is zero.
"""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope, like_pattern
from geo.core.models import SCOPE_PREFIX, Level

VALID = """
    SELECT c.*, c.dispatched_at IS NOT NULL AND c.status IN ('handling', 'reported', 'verified', 'closed', 'rated')
                AS accepted, coalesce(c.first_due_at, c.due_at) AS first_deadline,
           (SELECT count(*) FROM case_holds h WHERE h.case_id = c.id AND h.missed) AS misses
    FROM cases c
    WHERE c.grid_code LIKE :pattern AND c.reported_at >= :since AND c.reported_at < :until AND c.status <> 'merged'
"""
AGGREGATES = """
       count(*) AS cases,
       count(*) FILTER (WHERE dispatched_at IS NOT NULL) AS dispatched,
       count(*) FILTER (WHERE accepted) AS accepted,
       count(*) FILTER (WHERE status IN ('closed', 'rated')) AS closed,
       count(*) FILTER (WHERE rating IS NOT NULL) AS rated,
       count(*) FILTER (WHERE rating = 'satisfied') AS satisfied,
       count(*) FILTER (WHERE rating = 'basically_satisfied') AS basically_satisfied,
       count(*) FILTER (WHERE status IN ('closed', 'rated') AND first_deadline IS NOT NULL) AS closed_with_deadline,
       count(*) FILTER (WHERE status IN ('closed', 'rated') AND closed_at <= first_deadline) AS closed_on_time,
       coalesce(sum(misses), 0) AS deadline_misses, count(*) FILTER (WHERE misses > 0) AS missed_cases,
       count(*) FILTER (WHERE status IN ('closed', 'rated') AND rework_count > 0) AS reworked,
       count(*) FILTER (WHERE dispatched_at IS NOT NULL AND return_count > 0) AS returned,
       avg(extract(epoch FROM closed_at - reported_at) / 3600) FILTER (WHERE status IN ('closed', 'rated'))
           AS avg_handling_hours
"""
KPI_SQL = text(f"WITH v AS ({VALID}) SELECT {AGGREGATES} FROM v")
# The same figures per area of one level: every case's grid code starts with its area's code prefix.
KPI_BY_AREA_SQL = text(f"WITH v AS ({VALID}) SELECT left(grid_code, :digits) AS prefix, {AGGREGATES} FROM v GROUP BY 1")
RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate", "rework_rate", "return_rate",
         "avg_handling_hours")


def _rate(numerator: float, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def kpis(session: Session, scope: Scope, since: datetime, until: datetime) -> dict:
    """The KPIs of every case in `scope` reported in [since, until)."""
    n = session.execute(KPI_SQL, {"pattern": like_pattern(scope), "since": since, "until": until}).mappings().one()
    return {"area": scope.area_code, "since": since, "until": until} | figures(n)


def kpis_by_area(session: Session, scope: Scope, level: Level, since: datetime, until: datetime) -> dict[str, dict]:
    """The KPIs per area code prefix of `level` (SCOPE_PREFIX digits) for the cases in `scope`; areas without
    cases are absent."""
    rows = session.execute(KPI_BY_AREA_SQL, {"pattern": like_pattern(scope), "since": since, "until": until,
                                             "digits": SCOPE_PREFIX[level]}).mappings()
    return {row["prefix"]: figures(row) for row in rows}


def figures(n) -> dict:
    """Counts of one aggregate row turned into the KPIs (None where a denominator is zero)."""
    return {
        "cases": n["cases"],
        "response_rate": _rate(n["accepted"], n["dispatched"]),
        "resolution_rate": _rate(n["closed"], n["cases"]),
        "satisfaction_rate": _rate(n["satisfied"] + 0.9 * n["basically_satisfied"], n["rated"]),
        "on_time_rate": _rate(n["closed_on_time"], n["closed_with_deadline"]),
        "rework_rate": _rate(n["reworked"], n["closed"]),
        "return_rate": _rate(n["returned"], n["dispatched"]),
        "avg_handling_hours": round(float(n["avg_handling_hours"]), 2) if n["avg_handling_hours"] is not None else None,
        "deadline_misses": int(n["deadline_misses"]),
        "missed_cases": n["missed_cases"],
    }


# Each level judged against its own deadlines: the turns its areas held that were decided in the period (ended in
# time, or their deadline passed; least() ignores a NULL end).
HOLDS_BY_AREA_SQL = text("""
SELECT left(h.area_code, :digits) AS prefix, count(*) AS held, count(*) FILTER (WHERE h.missed) AS missed,
       count(*) FILTER (WHERE h.outcome = 'met') AS met
FROM case_holds h
WHERE h.level = :level AND h.kind IN ('dispatch', 'escalation') AND h.area_code LIKE :pattern
  AND least(h.ended_at, h.due_at) >= :since AND least(h.ended_at, h.due_at) < :until
GROUP BY 1
""")


def holds_by_area(session: Session, scope: Scope, level: Level, since: datetime, until: datetime) -> dict[str, dict]:
    """Per area of `level`: the deadlines its handlers held that were decided in [since, until), those missed, and the
    share met of those decided (own_on_time_rate)."""
    rows = session.execute(HOLDS_BY_AREA_SQL, {"pattern": like_pattern(scope), "since": since, "until": until,
                                               "level": level.value, "digits": SCOPE_PREFIX[level]}).mappings()
    return {r["prefix"]: {"held": r["held"], "held_missed": r["missed"],
                          "own_on_time_rate": _rate(r["met"], r["met"] + r["missed"])} for r in rows}
