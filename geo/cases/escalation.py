"""The deadline watch, each round: 黄灯 (yellow) when a deadline is near, 红灯 (red) once it has passed.

Yellow: the handler is warned once per deadline, when WANGGE_WARN_BEFORE of the time limit is left (a `warn`
event). Red: the case is marked overdue, the miss is written on the handler's hold for good, and the case moves
one level up (grid → community → street → district) as an `escalate` event, with a fresh deadline for the next
level; at the top it stays, overdue. A department's side turn (协办, 吹哨报到) that runs out is marked missed.

Safe to run concurrently and repeatedly: rows are taken with SKIP LOCKED, and a case is escalated only once per
passed deadline.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import SYSTEM
from geo.cases import holds, routing
from geo.cases.categories import categories
from geo.cases.deadlines import due_at
from geo.cases.workflow import WATCHED, record
from geo.core.settings import get_settings

DUE = text("""
SELECT id, status, category, grid_code, handler_level, handler_area, due_at
FROM cases
WHERE status = ANY(:watched) AND due_at < :now AND (escalated_at IS NULL OR escalated_at < due_at)
  AND (CAST(:only AS bigint[]) IS NULL OR id = ANY(:only))
ORDER BY due_at
FOR UPDATE SKIP LOCKED
""")

ESCALATE = text("""
UPDATE cases SET overdue = true, escalated_at = :now, version = version + 1,
    handler_level = coalesce(:level, handler_level), handler_area = coalesce(:area, handler_area),
    assignee_id = CASE WHEN :moved THEN :assignee ELSE assignee_id END,
    escalations = escalations + CASE WHEN :moved THEN 1 ELSE 0 END, due_at = coalesce(:due, due_at)
WHERE id = :id
""")

# Main turns whose deadline is near and not yet warned of, on cases still being worked.
NEAR = text("""
UPDATE case_holds h SET warned_at = :now
FROM cases c
WHERE c.id = h.case_id AND c.status = ANY(:watched) AND h.ended_at IS NULL AND h.warned_at IS NULL
  AND h.kind = ANY(:main) AND h.due_at > :now
  AND :now >= h.due_at - (h.due_at - h.started_at) * :share AND (CAST(:only AS bigint[]) IS NULL OR c.id = ANY(:only))
RETURNING h.case_id, c.status, h.due_at, h.level
""")

MISS_MAIN = text("""
UPDATE case_holds SET missed = true, outcome = 'missed', ended_at = CASE WHEN :moved THEN :now ELSE ended_at END
WHERE case_id = :case_id AND ended_at IS NULL AND kind = ANY(:main)
""")

SIDE_MISSED = text("""
UPDATE case_holds SET missed = true
WHERE ended_at IS NULL AND NOT missed AND kind IN ('assist', 'whistle') AND due_at < :now
  AND (CAST(:only AS bigint[]) IS NULL OR case_id = ANY(:only))
RETURNING case_id, kind, department, due_at
""")


@dataclass
class TickReport:
    overdue: int = 0
    escalated: int = 0
    warned: int = 0
    side_missed: int = 0


def tick(session: Session, now: datetime | None = None, only: list[int] | None = None) -> TickReport:
    """Warn of near deadlines, mark passed ones and escalate (of the cases `only` names, when given); the caller
    commits."""
    now = now or datetime.now(UTC)
    report = TickReport()
    watched = [s.value for s in WATCHED]
    for case_id, status, due, level in session.execute(NEAR, {"now": now, "watched": watched, "main": list(holds.MAIN),
                                                              "share": get_settings().warn_before, "only": only}).all():
        report.warned += 1
        record(session, case_id, SYSTEM, "warn", status, status, None,
               {"due_at": due.isoformat(), "level": level}, now)
    for row in session.execute(DUE, {"watched": watched, "now": now, "only": only}).mappings().all():
        report.overdue += 1
        report.escalated += _escalate(session, row, now)
    for case_id, kind, department, due in session.execute(SIDE_MISSED, {"now": now, "only": only}).all():
        report.side_missed += 1
        status = session.execute(text("SELECT status FROM cases WHERE id = :id"), {"id": case_id}).scalar()
        record(session, case_id, SYSTEM, "side_missed", status, status, None,
               {"kind": kind, "department": department, "due_at": due.isoformat()}, now)
    return report


def _escalate(session: Session, row, now: datetime) -> int:
    """The miss goes on the handler's hold; the case moves up with a fresh deadline (1), or stays at the top (0)."""
    up = routing.escalate(session, row["handler_level"], row["grid_code"])
    reason = {"due_at": row["due_at"].isoformat(), "from_level": row["handler_level"], "from_area": row["handler_area"]}
    due = due_at(categories()[row["category"]], now) if up else None
    session.execute(MISS_MAIN, {"case_id": row["id"], "now": now, "moved": up is not None, "main": list(holds.MAIN)})
    session.execute(ESCALATE, {
        "id": row["id"], "now": now, "moved": up is not None, "level": up.level if up else None,
        "area": up.area if up else None, "assignee": up.assignee_id if up else None, "due": due})
    if up is not None:
        reason |= {"to_level": up.level, "to_area": up.area}
        holds.open_hold(session, row["id"], "escalation", up.level, up.area, due, now, staff_id=up.assignee_id)
    note = "overdue: escalated to the next level" if up else "overdue at the top level"
    record(session, row["id"], SYSTEM, "escalate", row["status"], row["status"], note, reason, now)
    return up is not None
