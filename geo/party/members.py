"""Party members (personal data: who is a member), for roles with `read_party_members` in scope, every read audited.

A member is inside a scope when their organisation's area, or the grid of the household they live in, is. Phones are
always masked here; no role sees them whole through this path.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit, crypto
from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.access.privacy import mask_phone
from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg, term
from geo.core.models import MemberKind, MemberStatus
from geo.core.query import check_page, optional_filters
from geo.party.common import MEMBER_IN_SCOPE, label, pattern

MAX_LIMIT = 500
SELECT = f"""
SELECT m.id, m.name, m.phone_enc, m.status, m.kind, m.org_id, o.name AS org_name, m.work_unit, m.joined_on,
       h.id AS household_id, h.door, b.id AS building_id, b.name AS building_name, b.grid_code,
       (SELECT sa.duty FROM staff_assignments sa WHERE sa.staff_id = m.staff_id
                AND (sa.end_date IS NULL OR sa.end_date > current_date) ORDER BY sa.id LIMIT 1) AS duty
FROM party_members m JOIN party_orgs o ON o.id = m.org_id
LEFT JOIN households h ON h.id = m.household_id LEFT JOIN buildings b ON b.id = h.building_id
WHERE {MEMBER_IN_SCOPE}
"""
CONTACTS = """
SELECT c.member_id, h.id AS household_id, h.door, b.id AS building_id, b.name AS building_name
FROM party_contacts c JOIN households h ON h.id = c.household_id JOIN buildings b ON b.id = h.building_id
WHERE c.member_id = ANY(:ids) ORDER BY b.id, h.door
"""
REPORT_INS = """
SELECT r.id, r.member_id, r.community_code, a.name AS community_name, r.reported_on, r.pledge
FROM party_report_ins r LEFT JOIN area_records a ON a.code = r.community_code
WHERE r.member_id = ANY(:ids) ORDER BY r.reported_on DESC, r.id DESC
"""


def _filters(org: int | None, community: str | None, kind: str | None, status: str | None):
    """The WHERE parts and parameters of the list's filters, each code checked."""
    if kind is not None and kind not in MemberKind.__members__:
        raise InvalidInput(msg("unknown member kind {kind!r}; one of {kinds}", kind=kind,
                               kinds=term("pa_member", *MemberKind)))
    if status is not None and status not in MemberStatus.__members__:
        raise InvalidInput(msg("unknown member status {status!r}; one of {statuses}", status=status,
                               statuses=term("pa_status", *MemberStatus)))
    return optional_filters(("m.org_id = :org", "org", org), ("m.kind = :kind", "kind", kind),
                            ("m.status = :status", "status", status),
                            ("(o.area_code = :community OR left(b.grid_code, 12) = :community)", "community", community))


def list_members(session: Session, actor: Actor, *, org: int | None = None, community: str | None = None,
                 kind: str | None = None, status: str | None = None, limit: int = 100, offset: int = 0) -> dict:
    """Members in the actor's scope, filtered, by id; the read is audited with the ids shown."""
    require(actor.role, Permission.read_party_members)
    check_page(limit, offset, MAX_LIMIT)
    where, params = _filters(org, community, kind, status)
    params |= {"pattern": pattern(actor), "limit": limit, "offset": offset}
    condition = "".join(f" AND {w}" for w in where)
    rows = session.execute(text(SELECT + condition + " ORDER BY m.id LIMIT :limit OFFSET :offset"), params
                           ).mappings().all()
    total = session.execute(text(f"SELECT count(*) FROM ({SELECT + condition}) s"), params).scalar()
    filters = {k: v for k, v in (("org", org), ("community", community), ("kind", kind), ("status", status))
               if v is not None}
    _audit(session, actor, [r["id"] for r in rows], {"filters": filters, "offset": offset})
    return {"total": total, "items": views(session, rows)}


def member_row(session: Session, actor: Actor, member_id: int):
    """The member row if in the actor's scope; NotFound otherwise (nothing is revealed or audited)."""
    row = session.execute(text(SELECT + " AND m.id = :id"), {"pattern": pattern(actor), "id": member_id}
                          ).mappings().first()
    if row is None:
        raise NotFound(msg("no party member {id}", id=member_id))
    return row


def get_member(session: Session, actor: Actor, member_id: int) -> dict:
    """One member in scope, audited."""
    require(actor.role, Permission.read_party_members)
    row = member_row(session, actor, member_id)
    _audit(session, actor, [member_id], {})
    return views(session, [row])[0]


def _audit(session: Session, actor: Actor, ids: list[int], detail: dict) -> None:
    """Which members were read, by whom: membership is personal data."""
    audit.record(session, actor.username, actor.role, "read_party_members",
                 "party_members:" + ",".join(map(str, ids[:50])), detail | {"count": len(ids), "ids": ids})


def views(session: Session, rows) -> list[dict]:
    """The members as answered: codes with their Chinese, phone masked, contact households and report-ins."""
    ids = [r["id"] for r in rows]
    contacts: dict[int, list] = {i: [] for i in ids}
    for c in session.execute(text(CONTACTS), {"ids": ids}).mappings():
        contacts[c["member_id"]].append({"household_id": c["household_id"], "building_id": c["building_id"],
                                         "building_name": c["building_name"], "door": c["door"]})
    reports: dict[int, list] = {i: [] for i in ids}
    for r in session.execute(text(REPORT_INS), {"ids": ids}).mappings():
        reports[r["member_id"]].append({"id": r["id"], "community_code": r["community_code"],
                                        "community_name": r["community_name"],
                                        "reported_on": r["reported_on"].isoformat(), "pledge": r["pledge"]})
    return [_view(r, contacts[r["id"]], reports[r["id"]]) for r in rows]


def _view(r, contacts: list, reports: list) -> dict:
    return {
        "id": r["id"], "name": r["name"], "phone": mask_phone(crypto.reveal(r["phone_enc"])),
        "status": r["status"], "status_label": label("status", r["status"]),
        "kind": r["kind"], "kind_label": label("member", r["kind"]),
        "org": {"id": r["org_id"], "name": r["org_name"]}, "work_unit": r["work_unit"],
        "joined_on": r["joined_on"].isoformat() if r["joined_on"] else None,
        "home": ({"household_id": r["household_id"], "building_id": r["building_id"],
                  "building_name": r["building_name"], "door": r["door"], "grid_code": r["grid_code"]}
                 if r["household_id"] else None),
        "grid_role": r["duty"], "grid_role_label": label("duty", r["duty"]),
        "contacts": contacts, "report_ins": reports,
    }


def export_rows(session: Session, actor: Actor) -> list[dict]:
    """Every member in the actor's scope as answered (phones masked), for the export; the caller audits it."""
    rows = session.execute(text(SELECT + " ORDER BY m.id"), {"pattern": pattern(actor)}).mappings().all()
    return views(session, rows)
