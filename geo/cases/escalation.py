"""The deadline watch: overdue cases are marked and moved one level up (grid → community → street → district).

Safe to run concurrently and repeatedly: rows are taken with SKIP LOCKED, and a case is escalated
only once per passed deadline (the escalation gives the next level a fresh deadline).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import SYSTEM
from geo.cases import routing
from geo.cases.categories import categories
from geo.cases.deadlines import due_at
from geo.cases.workflow import record
from geo.core.models import CaseStatus

WATCHED = (CaseStatus.registered, CaseStatus.dispatched, CaseStatus.handling, CaseStatus.returned)

DUE = text("""
SELECT id, status, category, grid_code, handler_level, handler_area, due_at
FROM cases
WHERE status = ANY(:watched) AND due_at < :now AND (escalated_at IS NULL OR escalated_at < due_at)
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


@dataclass
class TickReport:
    overdue: int = 0
    escalated: int = 0


def tick(session: Session, now: datetime | None = None) -> TickReport:
    """Mark overdue cases and escalate them; the caller commits."""
    now = now or datetime.now(UTC)
    report = TickReport()
    for row in session.execute(DUE, {"watched": [s.value for s in WATCHED], "now": now}).mappings().all():
        report.overdue += 1
        up = routing.escalate(session, row["handler_level"], row["grid_code"])
        reason = {"due_at": row["due_at"].isoformat(), "from_level": row["handler_level"], "from_area": row["handler_area"]}
        if up is not None:
            report.escalated += 1
            reason |= {"to_level": up.level, "to_area": up.area}
        session.execute(ESCALATE, {
            "id": row["id"], "now": now, "moved": up is not None, "level": up.level if up else None,
            "area": up.area if up else None, "assignee": up.assignee_id if up else None,
            "due": due_at(categories()[row["category"]], now) if up else None})
        note = "overdue: escalated to the next level" if up else "overdue at the top level"
        record(session, row["id"], SYSTEM, "escalate", row["status"], row["status"], note, reason, now)
    return report
