"""The case row every step of the workflow reads, what a caller asks for, and who may see a case."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.core.models import Role

# What the workflow needs besides the case's own columns: whether a supervision awaits the handler's reply, the
# side holds open now (kind:department), every department that ever held the case (who may see it), whether a
# resident reported it (then only they rate it) and whether a 回访 awaits an operator.
EXTRAS = """
       EXISTS (SELECT 1 FROM case_supervisions p WHERE p.case_id = c.id AND p.replied_at IS NULL) AS supervision_pending,
       ARRAY(SELECT h.kind || ':' || h.department FROM case_holds h WHERE h.case_id = c.id AND h.ended_at IS NULL
             AND h.kind IN ('assist', 'whistle')) AS side_open,
       ARRAY(SELECT DISTINCT h.department FROM case_holds h WHERE h.case_id = c.id AND h.department IS NOT NULL)
           AS departments_involved,
       EXISTS (SELECT 1 FROM users u WHERE u.id = c.created_by AND u.role = 'resident') AS resident_reported,
       EXISTS (SELECT 1 FROM case_revisits r WHERE r.case_id = c.id AND r.done_at IS NULL) AS revisit_pending"""

CASE_ROW = text(f"""
SELECT c.id, c.version, c.status, c.category, c.grid_code, c.handler_level, c.handler_area, c.department,
       c.assignee_id, c.due_at, c.first_due_at, c.extension_requested, c.resumes_to, c.rework_count, c.return_count,
       c.escalations, c.created_by, c.closed_at, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, {EXTRAS}
FROM cases c WHERE c.id = :id
""")


@dataclass
class StepInput:
    """What a caller asks for beyond the action itself."""

    note: str | None = None
    assignee_id: int | None = None
    rating: str | None = None
    target_id: int | None = None
    department: str | None = None
    data: dict = field(default_factory=dict)


def in_scope(actor: Actor, row) -> bool:
    """Whether the case lies in the actor's area, by its grid or the area handling it; a department sees the cases
    of its district that it leads, assists or was whistled for; a resident sees the cases they reported."""
    if actor.role == Role.resident:
        return actor.user_id is not None and row["created_by"] == actor.user_id
    if actor.scope.prefix is not None and not (actor.scope.covers_code(row["grid_code"])
                                               or actor.scope.covers_code(row["handler_area"])):
        return False
    if actor.role == Role.department:
        return actor.department == row["department"] or actor.department in (row["departments_involved"] or ())
    return True


def visible_case(session: Session, case_id: int, actor: Actor, *, lock: bool = False):
    """The case row if the actor may see it; NotFound otherwise (existence outside scope is not revealed)."""
    row = session.execute(text(CASE_ROW.text + (" FOR UPDATE" if lock else "")), {"id": case_id}).mappings().first()
    if row is None or not in_scope(actor, row):
        raise NotFound(msg("no case {id}", id=case_id))
    return row
