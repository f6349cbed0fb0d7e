"""The care list (关爱): special-group residents due a care visit at their tier's frequency (data/care_tiers.csv).

due_on is the Beijing day of the resident's last care visit plus their tier's days; a resident never cared for is
due today and overdue ("从未关爱"). A resident is listed when due_on ≤ today + within; overdue when due_on < today.
Membership of a special group is sensitive (PIPL Art. 28): roles without read_special_groups get the counts only.
"""

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.permissions import Permission, may, require
from geo.access.privacy import mask_name
from geo.access.scope import like_pattern
from geo.core.errors import Forbidden, InvalidInput
from geo.core.i18n import msg
from geo.core.models import SPECIAL_GROUP_ZH
from geo.core.time import china_today
from geo.people.care_tiers import care_tiers, tier_of

MAX_WITHIN = 366

CARED = """
SELECT r.id, r.name, r.special_groups, h.id AS household_id, h.door, b.id AS building_id, b.name AS building_name,
       b.address, b.grid_code, a.name AS grid_name,
       (SELECT max(v.visited_at) FROM visits v WHERE v.resident_id = r.id AND v.kind = 'care') AS last_visit_at
FROM residents r JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id
LEFT JOIN area_records a ON a.code = b.grid_code
WHERE b.grid_code LIKE :scope AND b.grid_code LIKE :area AND r.special_groups && CAST(:groups AS text[])
ORDER BY r.id
"""


def care_due(session: Session, actor: Actor, *, grid: str | None = None, within: int = 7,
             now: datetime | None = None) -> dict:
    """Residents of the actor's scope (or of `grid`, an area code inside it) due or overdue a care visit."""
    require(actor.role, Permission.read_field_work)
    if not 0 <= within <= MAX_WITHIN:
        raise InvalidInput(msg("within must lie in 0..{max} days", max=MAX_WITHIN))
    if grid is not None and not actor.scope.covers_code(grid):
        raise Forbidden(msg("area {code} lies outside your area", code=grid))
    today = china_today(now)
    area = "%" if grid is None else grid.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(text(CARED), {"scope": like_pattern(actor.scope), "area": area,
                                         "groups": list(care_tiers())}).mappings().all()
    items = [item for item in (_item(r, today) for r in rows) if item["due_on"] <= today + timedelta(days=within)]
    items.sort(key=lambda i: (i["due_on"], i["resident"]["id"]))
    counts = {"overdue": sum(i["status"] == "overdue" for i in items),
              "due": sum(i["status"] == "due" for i in items)}
    if not may(actor.role, Permission.read_special_groups):
        return {"as_of": today, "counts": counts, "items": [], "masked": True}
    full = may(actor.role, Permission.read_full_names)
    for i in items:
        i["resident"]["name"] = i["resident"]["name"] if full else mask_name(i["resident"]["name"])
    ids = [i["resident"]["id"] for i in items]
    if ids:  # who is on the care list says who is in a special group: every read of it is recorded
        audit.record(session, actor.username, actor.role, "read_care_list", "residents:" + ",".join(map(str, ids[:50])),
                     {"count": len(ids), "ids": ids, "grid": grid, "within": within})
    return {"as_of": today, "counts": counts, "items": items, "masked": False}


def _item(r, today) -> dict:
    tier = tier_of(list(r["special_groups"]))
    last = r["last_visit_at"]
    due_on = china_today(last) + timedelta(days=tier.days) if last else today
    overdue = last is None or due_on < today
    return {"resident": {"id": r["id"], "name": r["name"]}, "household": {"id": r["household_id"], "door": r["door"]},
            "building": {"id": r["building_id"], "name": r["building_name"], "address": r["address"]},
            "grid": {"code": r["grid_code"], "name": r["grid_name"]},
            "tier": {"name": tier.tier, "days": tier.days},
            "groups": [SPECIAL_GROUP_ZH.get(g, g) for g in r["special_groups"]],
            "last_visit_at": last, "due_on": due_on, "status": "overdue" if overdue else "due",
            "days_overdue": (today - due_on).days if overdue else 0}
