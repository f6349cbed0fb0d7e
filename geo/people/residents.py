"""Reading residents, as much as the reader's role allows, each read recorded in the audit log.

Within the reader's scope (the grid of the resident's building). ID numbers and phones are masked
unless a role with `unmask` asks for them whole (and that is recorded separately); names are cut to
the surname for roles without `read_full_names`; special-group membership is left out for roles
without `read_special_groups`, who may not filter by it either (geo/access/permissions.py).
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit, crypto
from geo.access.actor import Actor
from geo.access.permissions import Permission, may, require
from geo.access.privacy import mask_id_number, mask_name, mask_phone
from geo.access.scope import like_pattern
from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import SpecialGroup
from geo.core.query import check_page, optional_filters

MAX_LIMIT = 500

SELECT = """
SELECT r.id, r.name, r.id_number_enc, r.phone_enc, r.gender, r.birth_date, r.residence, r.special_groups,
       h.id AS household_id, h.door, b.id AS building_id, b.name AS building_name, b.address, b.grid_code
FROM residents r JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id
WHERE b.grid_code LIKE :scope
"""


def list_residents(session: Session, actor: Actor, *, grid: str | None = None, community: str | None = None,
                   building: int | None = None, special_group: str | None = None, unmask: bool = False,
                   limit: int = 100, offset: int = 0) -> dict:
    """Residents within the actor's scope, filtered, ordered by id; masked as the actor's role requires."""
    _check(actor, unmask)
    check_page(limit, offset, MAX_LIMIT)
    where, params = optional_filters(("b.grid_code = :grid", "grid", grid),
                                     ("left(b.grid_code, 12) = :community", "community", community),
                                     ("b.id = :building", "building", building))
    params |= {"scope": like_pattern(actor.scope), "limit": limit, "offset": offset}
    if special_group:
        require(actor.role, Permission.read_special_groups)
        if special_group not in SpecialGroup.__members__:
            raise InvalidInput(msg("unknown special group {group!r}; one of {groups}", group=special_group,
                                   groups=", ".join(SpecialGroup)))
        where.append(":group = ANY(r.special_groups)")
        params["group"] = special_group
    condition = "".join(f" AND {w}" for w in where)
    rows = session.execute(text(SELECT + condition + " ORDER BY r.id LIMIT :limit OFFSET :offset"), params).mappings().all()
    total = session.execute(text(f"SELECT count(*) FROM ({SELECT + condition}) s"), params).scalar()
    filters = {k: v for k, v in (("grid", grid), ("community", community), ("building", building),
                                 ("special_group", special_group)) if v is not None}
    _audit(session, actor, [r["id"] for r in rows], unmask, {"filters": filters, "offset": offset})
    return {"total": total, "items": [_view(r, actor, unmask) for r in rows]}


def get_resident(session: Session, actor: Actor, resident_id: int, *, unmask: bool = False) -> dict:
    """One resident within the actor's scope; NotFound otherwise (out of scope looks the same as missing)."""
    _check(actor, unmask)
    row = session.execute(text(SELECT + " AND r.id = :id"), {"scope": like_pattern(actor.scope), "id": resident_id}
                          ).mappings().first()
    if row is None:
        raise NotFound(msg("no resident {id}", id=resident_id))
    _audit(session, actor, [resident_id], unmask, {})
    return _view(row, actor, unmask)


def _check(actor: Actor, unmask: bool) -> None:
    require(actor.role, Permission.read_residents)
    if unmask:
        require(actor.role, Permission.unmask)


def _audit(session: Session, actor: Actor, ids: list[int], unmask: bool, detail: dict) -> None:
    """Every read is recorded; reading whole numbers is recorded as an unmasking."""
    action = "unmask_residents" if unmask else "read_residents"
    audit.record(session, actor.username, actor.role, action, "residents:" + ",".join(map(str, ids[:50])),
                 detail | {"count": len(ids), "ids": ids})


def _view(row, actor: Actor, unmask: bool) -> dict:
    id_number, phone = crypto.reveal(row["id_number_enc"]), crypto.reveal(row["phone_enc"])
    view = {
        "id": row["id"],
        "name": row["name"] if may(actor.role, Permission.read_full_names) else mask_name(row["name"]),
        "id_number": id_number if unmask else mask_id_number(id_number),
        "phone": phone if unmask else mask_phone(phone),
        "gender": row["gender"], "residence": row["residence"],
        "birth_year": row["birth_date"].year if row["birth_date"] else None,
        "household": {"id": row["household_id"], "door": row["door"]},
        "building": {"id": row["building_id"], "name": row["building_name"], "address": row["address"]},
        "grid_code": row["grid_code"],
    }
    if may(actor.role, Permission.read_special_groups):
        view["special_groups"] = list(row["special_groups"])
    return view
