"""One party organisation: its place in the tree, what it is anchored to, its work and its posts.

Who holds a post is membership, so names (with masked phones) are shown only to roles with `read_party_members`,
and that showing is audited; everyone else sees how many hold each post and which units part-time members come from.
"""

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit, crypto
from geo.access.actor import Actor
from geo.access.permissions import Permission, may
from geo.access.privacy import mask_phone
from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.core.settings import get_settings
from geo.core.time import china_today
from geo.party.common import ORG_IN_SCOPE, label, pattern

ORG = f"""
SELECT o.id, o.code, o.name, o.level, o.parent_id, pa.name AS parent_name, o.area_code, a.name AS area_name,
       o.building_id, b.name AS building_name, o.unit_name, o.unit_kind, o.founded_on
FROM party_orgs o LEFT JOIN party_orgs pa ON pa.id = o.parent_id
LEFT JOIN area_records a ON a.code = o.area_code LEFT JOIN buildings b ON b.id = o.building_id
WHERE o.id = :id AND {ORG_IN_SCOPE}
"""
WORK = """
SELECT (SELECT count(*) FROM party_members WHERE org_id = :id) AS members,
       (SELECT count(*) FROM party_activities WHERE org_id = :id AND held_on > :since AND held_on <= :today)
           AS recent_activities,
       (SELECT max(held_on) FROM party_activities WHERE org_id = :id) AS last_activity
"""
POSTS = """
SELECT s.post, s.unit, m.id AS member_id, m.name, m.phone_enc FROM party_org_posts s
JOIN party_members m ON m.id = s.member_id WHERE s.org_id = :id ORDER BY s.post, s.id
"""


def org_row(session: Session, actor: Actor, org_id: int):
    """The organisation if it lies in the actor's scope; NotFound otherwise (existence outside is not revealed)."""
    row = session.execute(text(ORG), {"id": org_id, "pattern": pattern(actor)}).mappings().first()
    if row is None:
        raise NotFound(msg("no party organisation {id}", id=org_id))
    return row


def get_org(session: Session, actor: Actor, org_id: int) -> dict:
    """The organisation page's data; names of post holders only for `read_party_members`."""
    row = org_row(session, actor, org_id)
    today = china_today()
    days = get_settings().party_active_days
    work = session.execute(text(WORK), {"id": org_id, "since": today - timedelta(days=days), "today": today}
                           ).mappings().one()
    children = session.execute(text("SELECT id, name, level FROM party_orgs WHERE parent_id = :id ORDER BY id"),
                               {"id": org_id}).mappings().all()
    compounds = session.execute(text("SELECT p.code, p.name FROM party_org_compounds oc JOIN compounds p "
                                     "ON p.id = oc.compound_id WHERE oc.org_id = :id ORDER BY p.code"),
                                {"id": org_id}).mappings().all()
    return {
        "id": row["id"], "code": row["code"], "name": row["name"], "level": row["level"],
        "level_label": label("level", row["level"]),
        "parent": {"id": row["parent_id"], "name": row["parent_name"]} if row["parent_id"] else None,
        "children": [{**c, "level_label": label("level", c["level"])} for c in children],
        "area": {"code": row["area_code"], "name": row["area_name"]},
        "compounds": [dict(c) for c in compounds],
        "building": {"id": row["building_id"], "name": row["building_name"]} if row["building_id"] else None,
        "unit": ({"name": row["unit_name"], "kind": row["unit_kind"], "kind_label": label("unit", row["unit_kind"])}
                 if row["unit_name"] else None),
        "founded_on": row["founded_on"].isoformat() if row["founded_on"] else None,
        "members": work["members"], "active_days": days, "recent_activities": work["recent_activities"],
        "last_activity": work["last_activity"].isoformat() if work["last_activity"] else None,
        "posts": _posts(session, actor, org_id),
    }


def _posts(session: Session, actor: Actor, org_id: int) -> dict:
    """Post holders by name (audited) for who may know members; else counts per post and part-time members' units."""
    rows = session.execute(text(POSTS), {"id": org_id}).mappings().all()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["post"]] = counts.get(r["post"], 0) + 1
    answer = {"counts": [{"post": p, "post_label": label("post", p), "count": n} for p, n in counts.items()],
              "units": sorted({r["unit"] for r in rows if r["unit"]})}
    if may(actor.role, Permission.read_party_members):
        answer["holders"] = [{"post": r["post"], "post_label": label("post", r["post"]), "member_id": r["member_id"],
                              "name": r["name"], "phone": mask_phone(crypto.reveal(r["phone_enc"])),
                              "unit": r["unit"]} for r in rows]
        if rows:
            audit.record_shown(session, actor.username, actor.role, "party_members",
                               sorted({r["member_id"] for r in rows}))
    return answer
