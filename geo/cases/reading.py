"""Reading cases within a scope: lists with filters, one case with its history, a grid worker's own cases."""

import json
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit, crypto
from geo.access.actor import Actor
from geo.access.permissions import Permission, may
from geo.access.privacy import mask_name, mask_phone
from geo.access.scope import like_pattern
from geo.cases.case_row import EXTRAS
from geo.cases.categories import categories
from geo.cases.holds import case_holds, light
from geo.cases.workflow import WATCHED, allowed_actions, visible_case
from geo.core.models import OPEN_STATUSES, Role
from geo.core.query import bbox_condition, check_page

MAX_LIMIT = 1000

VIEW = f"""
SELECT c.id, c.version, c.status, c.category, c.channel, c.urgency, c.description, c.address,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.grid_code, g.name AS grid_name, c.located_match,
       c.handler_level, c.handler_area, c.department, c.assignee_id, s.name AS assignee_name,
       c.reported_at, c.dispatched_at, c.due_at, c.closed_at, c.overdue, c.escalations, c.extension_requested,
       c.rework_count, c.return_count, c.rating, c.resumes_to, c.duplicate_of, c.merged_into, c.first_due_at,
       c.patrol_id, c.visit_id,
       greatest(c.dispatched_at, c.escalated_at) AS deadline_from, {EXTRAS}
FROM cases c LEFT JOIN areas g ON g.code = c.grid_code LEFT JOIN staff s ON s.id = c.assignee_id
"""


def case_view(row, actor: Actor) -> dict:
    """A case as the API returns it, with what the caller may do next."""
    category = categories().get(row["category"])
    view = {k: row[k] for k in ("id", "version", "status", "channel", "urgency", "description", "address", "lon", "lat",
                                "located_match", "handler_level", "handler_area", "department", "reported_at",
                                "dispatched_at", "due_at", "closed_at", "overdue", "escalations", "extension_requested",
                                "rework_count", "return_count", "rating", "duplicate_of", "merged_into",
                                "patrol_id", "visit_id")}
    view["category"] = {"code": row["category"], "name": category.name_zh if category else None,
                        "name_en": category.name_en if category else None}
    view["grid"] = {"code": row["grid_code"], "name": row["grid_name"]} if row["grid_code"] else None
    view["assignee"] = {"id": row["assignee_id"], "name": row["assignee_name"]} if row["assignee_id"] else None
    view["allowed_actions"] = allowed_actions(actor, row)
    view["first_due_at"] = row["first_due_at"]
    view["supervision_pending"] = row["supervision_pending"]
    watched = row["status"] in WATCHED
    view["light"] = light(row["deadline_from"], row["due_at"], datetime.now(UTC)) if watched else None
    return view


# Who took each step as people know them: the account's display name and role (none for `system` or a gone account).
HISTORY = text("""
SELECT e.at, e.actor, u.display_name AS actor_name, u.role AS actor_role, e.action, e.from_status, e.to_status,
       e.note, e.data
FROM case_events e LEFT JOIN users u ON u.username = e.actor WHERE e.case_id = :id ORDER BY e.id
""")


def get_case(session: Session, case_id: int, actor: Actor) -> dict:
    """One case with its history, reporters (phones masked) and attachments."""
    visible_case(session, case_id, actor)
    row = session.execute(text(VIEW + " WHERE c.id = :id"), {"id": case_id}).mappings().one()
    view = case_view(row, actor)
    view["history"] = [dict(e) for e in session.execute(HISTORY, {"id": case_id}).mappings()]
    reporters = session.execute(text("SELECT id, name, phone_enc, channel, reported_at FROM case_reporters "
                                     "WHERE case_id = :id ORDER BY id"), {"id": case_id}).all()
    full_names = may(actor.role, Permission.read_full_names)  # as for residents: the surname only, unless the role may
    view["reporters"] = [{"name": r.name if full_names else mask_name(r.name),
                          "phone": mask_phone(crypto.reveal(r.phone_enc)), "channel": r.channel,
                          "reported_at": r.reported_at} for r in reporters]
    if reporters:  # like residents: every read of who reported what is recorded
        audit.record(session, actor.username, actor.role, "read_reporters", f"case:{case_id}",
                     {"count": len(reporters), "ids": [r.id for r in reporters]})
    view["holds"] = case_holds(session, case_id)
    view["supervisions"] = [dict(s) for s in session.execute(text(
        "SELECT p.at, p.by_user, coalesce(u.display_name, p.by_user) AS by_name, p.by_role, p.note, p.replied_at, "
        "p.replied_by, p.reply FROM case_supervisions p LEFT JOIN users u ON u.username = p.by_user "
        "WHERE p.case_id = :id ORDER BY p.id"), {"id": case_id}).mappings()]
    view["attachments"] = [dict(a) for a in session.execute(text(
        "SELECT id, filename, content_type, size, uploaded_at FROM case_attachments WHERE case_id = :id ORDER BY id"),
        {"id": case_id}).mappings()]
    return view


def list_cases(session: Session, actor: Actor, *, status: list[str] | None = None, category: list[str] | None = None,
               since: datetime | None = None, until: datetime | None = None, overdue: bool | None = None,
               open_only: bool = False, bbox=None, polygon: dict | None = None, mine: bool = False,
               limit: int = 100, offset: int = 0) -> dict:
    """Cases the actor may see, newest first, with the total that matched."""
    check_page(limit, offset, MAX_LIMIT)
    where, params = case_filters(actor, status, category, since, until, overdue, open_only, bbox, polygon, mine)
    clause = " WHERE " + " AND ".join(where)
    rows = session.execute(text(VIEW + clause + " ORDER BY c.reported_at DESC, c.id DESC LIMIT :limit OFFSET :offset"),
                           {**params, "limit": limit, "offset": offset}).mappings()
    items = [case_view(r, actor) for r in rows]
    total = session.execute(text("SELECT count(*) FROM cases c" + clause), params).scalar()
    return {"total": total, "items": items}


def case_filters(actor, status=None, category=None, since=None, until=None, overdue=None, open_only=False, bbox=None,
                 polygon=None, mine=False) -> tuple[list[str], dict]:
    """WHERE conditions (fixed SQL) and their bound parameters for cases `actor` may see, filtered."""
    # Only fixed SQL fragments are joined here; every value is a bound parameter.
    where = ["(c.grid_code LIKE :pattern OR c.handler_area LIKE :pattern OR :pattern = '%')"]
    params: dict = {"pattern": like_pattern(actor.scope)}
    optional = [
        (status, "c.status = ANY(:status)", "status"), (category, "c.category = ANY(:category)", "category"),
        (since, "c.reported_at >= :since", "since"), (until, "c.reported_at < :until", "until"),
        (overdue, "c.overdue = :overdue", "overdue"),
    ]
    for value, sql, key in optional:
        if value is not None:
            where.append(sql)
            params[key] = value
    if open_only:
        where.append("c.status = ANY(:open)")
        params["open"] = [s.value for s in OPEN_STATUSES]
    if bbox:
        where.append(bbox_condition("c.geom", bbox, params))
    if polygon:
        where.append("ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON(:polygon), 4326), c.geom)")
        params["polygon"] = json.dumps(polygon)
    if actor.role == Role.department:  # its district's cases that it leads, assists or was whistled for
        where.append("(c.department = :department OR EXISTS (SELECT 1 FROM case_holds h WHERE h.case_id = c.id "
                     "AND h.department = :department))")
        params["department"] = actor.department
    if mine and actor.role == Role.department:  # what it leads, and the turns beside the lead it owes a report on
        where.append("((c.handler_level = 'department' AND c.department = :department) OR EXISTS (SELECT 1 FROM "
                     "case_holds h WHERE h.case_id = c.id AND h.department = :department AND h.ended_at IS NULL))")
    elif mine:
        where.append("c.assignee_id = :me")
        params["me"] = actor.staff_id if actor.staff_id is not None else -1
    return where, params
