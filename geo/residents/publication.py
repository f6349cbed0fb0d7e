"""居务公开, the operator's side: approving what of a closed case the public reads, and withdrawing it.

A case's free text (its description, the handler's reply) may name people, doors and phones, so none of it is
public until an operator with `publish_results` approves a text for it: the reply as it should read, and if they
like a cleaned description. Each approval and withdrawal is audited. Unapproved closed cases are public only as their category, dates and grid
(geo/residents/public.py). Every case is checked against the operator's scope, as every case endpoint is.
"""

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.cases.case_row import visible_case
from geo.core.errors import Conflict, InvalidInput
from geo.core.i18n import msg

CLOSED = ("closed", "rated")
MAX_CHARS = 2000

UPSERT = text("""
INSERT INTO case_publications (case_id, reply, description, approved_by, approved_at)
VALUES (:case_id, :reply, :description, :by, :at)
ON CONFLICT (case_id) DO UPDATE SET reply = excluded.reply, description = excluded.description,
                                    approved_by = excluded.approved_by, approved_at = excluded.approved_at
""")


def approve(session: Session, actor: Actor, case_id: int, reply: str, description: str | None = None) -> dict:
    """Publish this reply (and cleaned description) of a closed case in the actor's scope; a second approval
    replaces the first."""
    require(actor.role, Permission.publish_results)
    row = visible_case(session, case_id, actor, lock=True)
    if row["status"] not in CLOSED:
        raise Conflict(msg("case {id} is not closed: only a closed case's reply is published", id=case_id))
    values = {"case_id": case_id, "reply": _text(case_id, reply),
              "description": _text(case_id, description) if description is not None else None,
              "by": actor.username, "at": datetime.now(UTC)}
    session.execute(UPSERT, values)
    audit.record(session, actor.username, actor.role, "publish_results", f"case:{case_id}",
                 {"description": values["description"] is not None})
    return published(session, case_id)


def withdraw(session: Session, actor: Actor, case_id: int) -> None:
    """Take a case's texts off the public pages (it stays public as category, dates and grid)."""
    visible(session, actor, case_id)
    gone = session.execute(text("DELETE FROM case_publications WHERE case_id = :id"), {"id": case_id}).rowcount
    if gone:
        audit.record(session, actor.username, actor.role, "withdraw_results", f"case:{case_id}")


def visible(session: Session, actor: Actor, case_id: int) -> None:
    """NotFound unless the actor may publish and sees the case."""
    require(actor.role, Permission.publish_results)
    visible_case(session, case_id, actor)


def published(session: Session, case_id: int) -> dict:
    """What is published of the case: its approved texts, who approved them and when (NotFound-free: None fields
    when nothing is)."""
    row = session.execute(text("SELECT case_id, reply, description, approved_by, approved_at FROM case_publications "
                               "WHERE case_id = :id"), {"id": case_id}).mappings().first()
    return dict(row) if row else {"case_id": case_id, "reply": None, "description": None, "approved_by": None,
                                  "approved_at": None}


def _text(case_id: int, value: str) -> str:
    """The text as it will be published: trimmed, not empty, not too long."""
    value = (value or "").strip()
    if not value or len(value) > MAX_CHARS:
        raise InvalidInput(msg("case {id}: a published text must be 1 to {most} characters", id=case_id,
                               most=MAX_CHARS))
    return value
