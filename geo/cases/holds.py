"""Each handler's turn with a case, with its own deadline (case_holds), and the traffic lights drawn from it.

The main line of a case is one hold at a time: the first dispatch, then each level it is escalated to, or the
department that leads it (牵头). Assisting departments (协办) and departments whistled for (吹哨报到) hold the
case beside it. A hold ends met or missed by its own deadline; a miss is never undone, so the grid that let a
deadline pass keeps it on its record however the case ends.
"""

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.settings import get_settings

MAIN = ("dispatch", "escalation", "lead")
LIGHTS = ("green", "yellow", "red")

OPEN_HOLD = text("""
INSERT INTO case_holds (case_id, kind, level, area_code, department, staff_id, started_at, due_at)
VALUES (:case_id, :kind, :level, :area, :department, :staff, :started, :due)
""")
# The current main hold of a case: the latest one, open or not (rework reopens the one that reported).
CURRENT = "SELECT id FROM case_holds WHERE case_id = :case_id AND kind = ANY(:main) ORDER BY id DESC LIMIT 1"
END_CURRENT = text(f"""
UPDATE case_holds SET ended_at = :now,
    outcome = coalesce(CAST(:outcome AS text), CASE WHEN missed OR :now > due_at THEN 'missed' ELSE 'met' END),
    missed = missed OR (CAST(:outcome AS text) IS NULL AND :now > due_at)
WHERE id = ({CURRENT}) AND ended_at IS NULL
""")


# Cases loaded in bulk (backfill, the demo city) come with their state, not their steps: each dispatched one is
# given the turn of the handler it has, with its deadline, met or missed as its columns say.
DERIVE = text("""
INSERT INTO case_holds (case_id, kind, level, area_code, department, staff_id, started_at, due_at, ended_at, outcome,
                        missed)
SELECT c.id, CASE WHEN c.handler_level = 'department' THEN 'lead' WHEN c.escalations > 0 THEN 'escalation'
                  ELSE 'dispatch' END,
       coalesce(c.handler_level, 'district'), c.handler_area, c.department, c.assignee_id,
       coalesce(c.escalated_at, c.dispatched_at), c.due_at, e.ended_at,
       CASE WHEN e.ended_at IS NOT NULL THEN CASE WHEN e.ended_at <= c.due_at THEN 'met' ELSE 'missed' END END,
       c.overdue OR coalesce(e.ended_at > c.due_at, false)
FROM cases c
CROSS JOIN LATERAL (SELECT CASE WHEN c.status IN ('reported', 'verified', 'closed', 'rated')
                                THEN coalesce(c.closed_at, c.due_at) END AS ended_at) e
WHERE c.dispatched_at IS NOT NULL AND c.due_at IS NOT NULL AND c.status <> 'merged'
  AND NOT EXISTS (SELECT 1 FROM case_holds h WHERE h.case_id = c.id)
  AND (CAST(:only AS bigint[]) IS NULL OR c.id = ANY(:only))
""")


def derive_missing(session: Session, case_ids: list[int] | None = None) -> int:
    """Holds for dispatched cases that have none (loaded in bulk), from their columns; how many were added."""
    return session.execute(DERIVE, {"only": case_ids}).rowcount


def open_hold(session: Session, case_id: int, kind: str, level: str, area: str | None, due: datetime,
              started: datetime, *, department: str | None = None, staff_id: int | None = None) -> None:
    """Give the case to one more handler, with its own deadline."""
    session.execute(OPEN_HOLD, {"case_id": case_id, "kind": kind, "level": level, "area": area,
                                "department": department, "staff": staff_id, "started": started, "due": due})


def end_main(session: Session, case_id: int, now: datetime, outcome: str | None = None) -> None:
    """End the current main hold: met or missed by its deadline, or the outcome given (handed, returned…)."""
    session.execute(END_CURRENT, {"case_id": case_id, "now": now, "outcome": outcome, "main": list(MAIN)})


def reopen_main(session: Session, case_id: int) -> None:
    """Rework: the handler who reported holds the case again, against the same deadline (a miss stays)."""
    session.execute(text(f"UPDATE case_holds SET ended_at = NULL, outcome = CASE WHEN missed THEN 'missed' END "
                         f"WHERE id = ({CURRENT})"), {"case_id": case_id, "main": list(MAIN)})


def extend_main(session: Session, case_id: int, due: datetime) -> None:
    """An approved extension (延期) moves the current handler's deadline; a deadline already missed stays missed."""
    session.execute(text(f"UPDATE case_holds SET due_at = :due, warned_at = NULL WHERE id = ({CURRENT}) AND NOT missed"),
                    {"case_id": case_id, "due": due, "main": list(MAIN)})


def end_side(session: Session, case_id: int, kind: str, department: str, now: datetime, note: str | None) -> bool:
    """A department's report on a side hold (协办 report, 吹哨 report-in); False when it holds none open."""
    done = session.execute(text(
        "UPDATE case_holds SET ended_at = :now, note = :note, "
        "outcome = CASE WHEN missed OR :now > due_at THEN 'missed' ELSE 'met' END, missed = missed OR :now > due_at "
        "WHERE case_id = :case_id AND kind = :kind AND department = :department AND ended_at IS NULL RETURNING id"),
        {"case_id": case_id, "kind": kind, "department": department, "now": now, "note": note}).first()
    return done is not None


def end_open_sides(session: Session, case_id: int, now: datetime) -> None:
    """The case is closed: a side turn still open ends, cancelled while in time, missed once its deadline passed."""
    session.execute(text("UPDATE case_holds SET ended_at = :now, missed = missed OR :now > due_at, "
                         "outcome = CASE WHEN missed OR :now > due_at THEN 'missed' ELSE 'cancelled' END "
                         "WHERE case_id = :case_id AND ended_at IS NULL AND kind IN ('assist', 'whistle')"),
                    {"case_id": case_id, "now": now})


def end_all(session: Session, case_id: int, now: datetime, outcome: str = "cancelled") -> None:
    """Every open hold of a case ends (a merged case)."""
    session.execute(text("UPDATE case_holds SET ended_at = :now, outcome = :outcome "
                         "WHERE case_id = :case_id AND ended_at IS NULL"),
                    {"case_id": case_id, "now": now, "outcome": outcome})


def open_side(session: Session, case_id: int, department: str) -> set[str]:
    """The kinds of side hold `department` has open on the case (assist, whistle)."""
    rows = session.execute(text("SELECT kind FROM case_holds WHERE case_id = :case_id AND department = :department "
                                "AND ended_at IS NULL AND kind IN ('assist', 'whistle')"),
                           {"case_id": case_id, "department": department}).scalars()
    return set(rows)


def warn_at(started: datetime, due: datetime) -> datetime:
    """When a deadline turns yellow: WANGGE_WARN_BEFORE of its time limit before it passes."""
    return due - timedelta(seconds=(due - started).total_seconds() * get_settings().warn_before)


def light(started: datetime | None, due: datetime | None, now: datetime) -> str | None:
    """红灯 red once the deadline has passed, 黄灯 yellow when it is near, green before; None without a deadline."""
    if due is None:
        return None
    if now > due:
        return "red"
    return "yellow" if started is not None and now >= warn_at(started, due) else "green"


def case_holds(session: Session, case_id: int) -> list[dict]:
    """Every hold of a case, oldest first, with who held it."""
    return [dict(r) for r in session.execute(text(
        "SELECT h.kind, h.level, h.area_code, a.name AS area_name, h.department, h.staff_id, s.name AS staff_name, "
        "h.started_at, h.due_at, h.ended_at, h.outcome, h.missed, h.note "
        "FROM case_holds h LEFT JOIN areas a ON a.code = h.area_code LEFT JOIN staff s ON s.id = h.staff_id "
        "WHERE h.case_id = :case_id ORDER BY h.id"), {"case_id": case_id}).mappings()]
