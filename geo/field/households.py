"""The households of a building as a visitor needs them: who lives there (names masked by role), when last visited."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.permissions import Permission, may, require
from geo.access.privacy import mask_name
from geo.access.scope import like_pattern
from geo.core.errors import NotFound
from geo.core.i18n import msg

HOUSEHOLDS = """
SELECT h.id, h.door, v.last_visit_at, coalesce(v.visits, 0) AS visits
FROM households h
LEFT JOIN (SELECT household_id, max(visited_at) AS last_visit_at, count(*) AS visits FROM visits
           WHERE household_id IS NOT NULL AND (:care OR kind <> 'care') GROUP BY household_id) v
       ON v.household_id = h.id
WHERE h.building_id = :building
ORDER BY length(h.door), h.door, h.id
"""


def building_households(session: Session, actor: Actor, building_id: int) -> dict:
    """A building of the actor's scope with its households, members, last visit and number of visits (any kind)."""
    require(actor.role, Permission.read_residents)
    building = session.execute(text("SELECT id, name, address, grid_code FROM buildings WHERE id = :id "
                                    "AND grid_code LIKE :scope"),
                               {"id": building_id, "scope": like_pattern(actor.scope)}).mappings().first()
    if building is None:  # outside the scope looks like missing: the list would say who lives where
        raise NotFound(msg("no building {id}", id=building_id))
    # care visits counted only for roles that may know who is on the care list (a door's care visit says so)
    households = session.execute(text(HOUSEHOLDS), {"building": building_id, "care": may(
        actor.role, Permission.read_special_groups)}).mappings().all()
    members: dict[int, list[dict]] = {}
    full = may(actor.role, Permission.read_full_names)
    for r in session.execute(text("SELECT r.id, r.name, r.household_id FROM residents r JOIN households h "
                                  "ON h.id = r.household_id WHERE h.building_id = :b ORDER BY r.id"),
                             {"b": building_id}):
        members.setdefault(r.household_id, []).append({"id": r.id, "name": r.name if full else mask_name(r.name)})
    ids = [m["id"] for ms in members.values() for m in ms]
    if ids:  # names of residents are personal data: who saw them is recorded
        audit.record(session, actor.username, actor.role, "read_residents", "residents:" + ",".join(map(str, ids[:50])),
                     {"count": len(ids), "ids": ids, "building": building_id})
    return {"building": {"id": building["id"], "name": building["name"], "address": building["address"],
                         "grid_code": building["grid_code"]},
            "items": [{"id": h["id"], "door": h["door"], "members": members.get(h["id"], []),
                       "last_visit_at": h["last_visit_at"], "visits": h["visits"]} for h in households]}
