"""双报到: an in-service member (在职党员) reporting in to the community where they live, with a service pledge."""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.core.i18n import msg
from geo.party.common import not_future
from geo.party.members import member_row

MAX_PLEDGE = 500


def report_in(session: Session, actor: Actor, member_id: int, community: str, reported_on: date, pledge: str) -> dict:
    """Record one report-in; 422 for a member who is not in service, 409 for the same member, community and day."""
    require(actor.role, Permission.record_party_work)
    member = member_row(session, actor, member_id)
    level = session.execute(text("SELECT level FROM areas WHERE code = :code"), {"code": community}).scalar()
    if level != "community":
        raise NotFound(msg("no community with code {code}", code=community))
    if not actor.scope.covers_code(community):
        raise Forbidden(msg("area {code} lies outside your scope", code=community))
    if member["kind"] != "in_service":
        raise InvalidInput(msg("member {id} is not an in-service member (在职党员): only they report in (双报到)",
                               id=member_id))
    not_future(reported_on, msg("report-in of member {id}", id=member_id))
    pledge = pledge.strip()
    if not pledge or len(pledge) > MAX_PLEDGE:
        raise InvalidInput(msg("report-in of member {id}: the pledge is required, at most {limit} characters",
                               id=member_id, limit=MAX_PLEDGE))
    row = session.execute(text(
        "INSERT INTO party_report_ins (member_id, community_code, reported_on, pledge, recorded_by) "
        "VALUES (:m, :c, :d, :p, :by) ON CONFLICT (member_id, community_code, reported_on) DO NOTHING "
        "RETURNING id, member_id, community_code, reported_on, pledge, recorded_by"),
        {"m": member_id, "c": community, "d": reported_on, "p": pledge, "by": actor.username}).mappings().first()
    if row is None:
        raise Conflict(msg("member {id} already reported in to community {code} on {day}", id=member_id,
                           code=community, day=reported_on.isoformat()))
    return {**row, "reported_on": row["reported_on"].isoformat()}
