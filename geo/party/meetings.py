"""A compound's joint meetings (三方联动: branch, owners' committee, property company) on the rhythm
日联、周会、月商、季研、年总."""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.core.errors import InvalidInput
from geo.core.i18n import msg, term
from geo.core.models import MeetingKind
from geo.party.common import label, not_future
from geo.territory.compounds import compound_row

LATEST = 5
MAX_LIMIT = 200
COLUMNS = "id, kind, held_on, attendees, outcome, recorded_by, recorded_at"


def _view(row) -> dict:
    return {**row, "kind_label": label("meeting", row["kind"]), "held_on": row["held_on"].isoformat(),
            "recorded_at": row["recorded_at"].isoformat()}


def latest(session: Session, compound_id: int, limit: int = LATEST) -> list[dict]:
    """The compound's latest meetings, newest first."""
    rows = session.execute(text(f"SELECT {COLUMNS} FROM compound_meetings WHERE compound_id = :id "
                                "ORDER BY held_on DESC, id DESC LIMIT :limit"), {"id": compound_id, "limit": limit})
    return [_view(r) for r in rows.mappings()]


def list_meetings(session: Session, actor: Actor, code: str, limit: int = 100) -> dict:
    """The meetings of one compound in scope (NotFound otherwise), newest first."""
    compound = compound_row(session, actor, code)
    total = session.execute(text("SELECT count(*) FROM compound_meetings WHERE compound_id = :id"),
                            {"id": compound["id"]}).scalar()
    return {"compound": code, "total": total, "items": latest(session, compound["id"], min(limit, MAX_LIMIT))}


def record_meeting(session: Session, actor: Actor, code: str, kind: str, held_on: date, attendees: str,
                   outcome: str) -> dict:
    """Record one meeting of a compound in scope: a known kind, held no later than today."""
    require(actor.role, Permission.record_compound_meetings)
    compound = compound_row(session, actor, code)
    if kind not in MeetingKind.__members__:
        raise InvalidInput(msg("unknown meeting kind {kind!r}; one of {kinds}", kind=kind,
                               kinds=term("pa_meeting", *MeetingKind)))
    not_future(held_on, msg("meeting of compound {code}", code=code))
    if not attendees.strip() or not outcome.strip():
        raise InvalidInput(msg("meeting of compound {code}: attendees and outcome are required", code=code))
    row = session.execute(text(f"INSERT INTO compound_meetings (compound_id, kind, held_on, attendees, outcome, "
                               f"recorded_by) VALUES (:c, :k, :d, :a, :o, :by) RETURNING {COLUMNS}"),
                          {"c": compound["id"], "k": kind, "d": held_on, "a": attendees.strip(),
                           "o": outcome.strip(), "by": actor.username}).mappings().one()
    return _view(row)
