"""Household visits (走访): recorded once per Idempotency-Key, in the visitor's scope, with a case for a finding.

A visit names a household (or, for a safety check, at least a building) and, for a care visit (关爱), the
resident cared for, who must be on the care list (geo/people/care_tiers.py). Phones going offline send visits
late, so visited_at may lie up to MAX_AGE back; never more than SLACK ahead of the server's clock.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import BinaryIO

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.permissions import Permission, may, require
from geo.access.privacy import mask_name
from geo.access.scope import like_pattern
from geo.cases.attachments import PHOTOS, add_file
from geo.cases.intake import NewCase, create_case
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import VisitKind
from geo.core.query import check_page
from geo.field.patrols import check_position
from geo.core.time import CHINA
from geo.people.care_tiers import tier_of

SLACK = timedelta(minutes=5)
MAX_AGE = timedelta(days=30)
MAX_LIMIT = 500


@dataclass
class Finding:
    """What a visit found that needs handling: it becomes a case (channel patrol) in the same transaction."""

    category: str
    description: str | None = None
    urgency: str = "normal"


@dataclass
class NewVisit:
    kind: str
    household_id: int | None = None
    resident_id: int | None = None
    building_id: int | None = None
    visited_at: datetime | None = None
    findings: str | None = None
    need: str | None = None
    lon: float | None = None
    lat: float | None = None
    case: Finding | None = None


def record_visit(session: Session, actor: Actor, new: NewVisit, *, idempotency_key: str | None = None,
                 now: datetime | None = None) -> tuple[int, bool]:
    """The id of the visit for this report, and whether it was recorded now (False: a retry of the same key)."""
    require(actor.role, Permission.record_field_work)
    if actor.staff_id is None:
        raise Forbidden(msg("{user} has no staff record: visits are recorded by staff", user=actor.username))
    if idempotency_key:
        existing = _by_key(session, actor, idempotency_key)
        if existing:
            return _retried(session, existing, new, idempotency_key), False
    now = now or datetime.now(UTC)
    kind = _kind(new.kind)
    at = _visited_at(new.visited_at, now)
    if (new.lon is None) != (new.lat is None):
        raise InvalidInput(msg("give both lon and lat, or neither"))
    if new.lon is not None:  # a visit's position is a doorstep of the service area, not wherever a broken fix says
        check_position(msg("the visit"), new.lon, new.lat)
    place = _place(session, actor, new, kind)
    point = ("ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)" if new.lon is not None and new.lat is not None
             else "(SELECT ST_PointOnSurface(geom) FROM buildings WHERE id = :building)")
    visit_id = session.execute(text(
        "INSERT INTO visits (staff_id, household_id, resident_id, building_id, grid_code, kind, visited_at, findings, "
        f"need, geom, created_by, idempotency_key) VALUES (:staff, :household, :resident, :building, :grid, :kind, :at, "
        f":findings, :need, {point}, :user, :key) ON CONFLICT ON CONSTRAINT uq_visits_key DO NOTHING RETURNING id"),
        place | {"staff": actor.staff_id, "kind": kind, "at": at, "findings": new.findings, "need": new.need,
                 "lon": new.lon, "lat": new.lat, "user": actor.user_id, "key": idempotency_key}).scalar()
    if visit_id is None:  # a concurrent retry with the same key committed first: its visit is the one
        return _retried(session, _by_key(session, actor, idempotency_key), new, idempotency_key), False
    if new.case:
        found = NewCase(new.case.category, new.case.description, new.lon, new.lat, building_id=place["building"],
                        channel="patrol", urgency=new.case.urgency, occurred_at=at, visit_id=visit_id)
        # the case's key follows the visit's: a replay that reaches here (the visit was rolled back) makes it once
        # no key of its own: the visit's key already makes it once (a replay returns above, a racing one waits on the
        # visit's row and returns below), and a derived key ('visit:<key>') shared the namespace of the caller's own
        # case keys, so a case reported with that key would have been handed back as this finding
        create_case(session, found, actor, now=now)
    return visit_id, True


def _by_key(session: Session, actor: Actor, key: str) -> int | None:
    return session.execute(text("SELECT id FROM visits WHERE created_by IS NOT DISTINCT FROM :user "
                                "AND idempotency_key = :key"), {"user": actor.user_id, "key": key}).scalar()


def _retried(session: Session, visit_id: int, new: NewVisit, key: str) -> int:
    """The visit `key` recorded, when this request is its retry; Conflict when it says another visit (the phone
    would take the first visit's answer for this one, and this one would be lost unseen)."""
    row = session.execute(text("SELECT kind, household_id, resident_id, building_id, findings, need FROM visits "
                               "WHERE id = :id"), {"id": visit_id}).mappings().one()
    sent = {"kind": new.kind, "household_id": new.household_id, "resident_id": new.resident_id,
            "building_id": new.building_id, "findings": new.findings, "need": new.need}
    differ = [k for k, v in sent.items() if v != row[k] and (v is not None or k not in ("household_id", "building_id"))]
    if differ:
        raise Conflict(msg("Idempotency-Key {key} already recorded visit {id}, whose {fields} differ from this "
                           "request's: use a new key", key=key, id=visit_id, fields=", ".join(differ)),
                       extra={"visit_id": visit_id})
    return visit_id


def _kind(value: str) -> str:
    if value not in set(VisitKind):
        raise InvalidInput(msg("kind {kind!r} is not a kind of visit; one of {kinds}", kind=value,
                               kinds=", ".join(VisitKind)))
    return value


def _visited_at(value: datetime | None, now: datetime) -> datetime:
    """When the visit was made: now unless given; not in the future, not older than MAX_AGE."""
    if value is None:
        return now
    if value.tzinfo is None:
        raise InvalidInput(msg("visited_at {at} needs a time zone, e.g. +08:00", at=value.isoformat()))
    if value > now + SLACK:
        raise InvalidInput(msg("visited_at {at} lies in the future (more than {minutes} minutes ahead)",
                               at=value.isoformat(), minutes=int(SLACK.total_seconds() // 60)))
    if value < now - MAX_AGE:
        raise InvalidInput(msg("visited_at {at} is more than {days} days ago; record visits within {days} days",
                               at=value.isoformat(), days=MAX_AGE.days))
    return value


PLACE = """
SELECT b.id AS building, b.grid_code AS grid, h.id AS household, r.id AS resident, r.household_id AS of_household,
       r.special_groups
FROM buildings b LEFT JOIN households h ON h.id = :household AND h.building_id = b.id
LEFT JOIN residents r ON r.id = :resident
WHERE b.id = coalesce(:building, (SELECT building_id FROM households WHERE id = :household),
                      (SELECT h2.building_id FROM residents r2 JOIN households h2 ON h2.id = r2.household_id
                       WHERE r2.id = :resident))
"""


def _place(session: Session, actor: Actor, new: NewVisit, kind: str) -> dict:
    """Building, grid, household and resident of the visit, checked against each other and the actor's scope."""
    sent = _named(new)  # before the resident's household is filled in: a refusal names only what the caller sent
    if new.household_id is None and new.resident_id is not None:
        new.household_id = session.execute(text("SELECT household_id FROM residents WHERE id = :r"),
                                           {"r": new.resident_id}).scalar()
        if new.household_id is None:
            raise NotFound(msg("no resident {id}", id=new.resident_id))
    if new.household_id is None and (kind != VisitKind.safety or new.building_id is None):
        raise InvalidInput(msg("a {kind} visit needs household_id (or resident_id)", kind=kind) if kind != "safety"
                           else msg("a safety visit needs building_id or household_id"))
    if kind == VisitKind.care and new.resident_id is None:
        raise InvalidInput(msg("a care visit needs resident_id: the resident cared for"))
    row = session.execute(text(PLACE), {"building": new.building_id, "household": new.household_id,
                                        "resident": new.resident_id}).mappings().first()
    if row is None:
        raise NotFound(msg("no building {id}", id=new.building_id) if new.building_id is not None
                       else msg("no household {id}", id=new.household_id))
    # scope first: a mismatch reported for a building outside it would say which households and residents it holds;
    # and the refusal names the id sent, never the building found for it (that would say where the household lives)
    if not actor.scope.covers_code(row["grid"]):
        raise Forbidden(sent)
    if new.household_id is not None and row["household"] is None:
        raise InvalidInput(msg("household {id} is not in building {building}", id=new.household_id,
                               building=row["building"]))
    if new.resident_id is not None and row["of_household"] != new.household_id:
        raise InvalidInput(msg("resident {id} does not live in household {household}", id=new.resident_id,
                               household=new.household_id) if row["resident"] else
                           msg("no resident {id}", id=new.resident_id))
    if kind == VisitKind.care and tier_of(list(row["special_groups"] or [])) is None:
        raise InvalidInput(msg("resident {id} is not on the care list: a care visit is for residents of a cared-for "
                               "special group", id=new.resident_id))
    return {"building": row["building"], "grid": row["grid"], "household": new.household_id,
            "resident": new.resident_id}


def _named(new: NewVisit):
    """The refusal for an object outside the caller's area, naming the first id the caller sent."""
    if new.building_id is not None:
        return msg("building {id} lies outside your area", id=new.building_id)
    if new.household_id is not None:
        return msg("household {id} lies outside your area", id=new.household_id)
    return msg("resident {id} lies outside your area", id=new.resident_id)


def add_photo(session: Session, actor: Actor, visit_id: int, filename: str | None, content_type: str,
              content: bytes | BinaryIO) -> tuple[dict, bool]:
    """A photo of a visit, by its author only; the same photo sent again returns the first record."""
    require(actor.role, Permission.record_field_work)
    author = session.execute(text("SELECT created_by, grid_code FROM visits WHERE id = :v"), {"v": visit_id}).first()
    if author is None or not actor.scope.covers_code(author.grid_code):
        raise NotFound(msg("no visit {id}", id=visit_id))
    if author.created_by != actor.user_id:
        raise Forbidden(msg("visit {id} was recorded by someone else: only its author adds photos", id=visit_id))
    return add_file(session, "visit_attachments", visit_id, filename, content_type, content, PHOTOS,
                    kinds=msg("JPEG, PNG or WebP"))


LIST = """
SELECT v.id, v.kind, v.visited_at, v.findings, v.need, st.id AS staff_id, st.name AS staff_name, v.grid_code,
       a.name AS grid_name, b.id AS building_id, b.name AS building_name, b.address, h.id AS household_id, h.door,
       r.id AS resident_id, r.name AS resident_name
FROM visits v JOIN staff st ON st.id = v.staff_id LEFT JOIN area_records a ON a.code = v.grid_code
LEFT JOIN buildings b ON b.id = v.building_id LEFT JOIN households h ON h.id = v.household_id
LEFT JOIN residents r ON r.id = v.resident_id
WHERE v.grid_code LIKE :scope
"""


def list_visits(session: Session, actor: Actor, *, grid: str | None = None, staff: int | None = None,
                building: int | None = None, household: int | None = None, kind: str | None = None,
                since=None, until=None, limit: int = 100, offset: int = 0) -> dict:
    """Visits in the actor's scope (by the visit's grid), newest first; `since`/`until` are Beijing days."""
    require(actor.role, Permission.read_field_work)
    check_page(limit, offset, MAX_LIMIT)
    if kind is not None:
        _kind(kind)
    where, params = [], {"scope": like_pattern(actor.scope), "limit": limit, "offset": offset}
    for condition, name, value in (("v.grid_code LIKE :grid", "grid", _prefix(grid)),
                                   ("v.staff_id = :staff", "staff", staff), ("v.building_id = :building", "building",
                                   building), ("v.household_id = :household", "household", household),
                                   ("v.kind = :kind", "kind", kind),
                                   ("v.visited_at >= :since", "since", _start(since)),
                                   ("v.visited_at < :until", "until", _start(until, 1))):
        if value is not None:
            where.append(condition)
            params[name] = value
    if household is not None and not may(actor.role, Permission.read_special_groups):
        where.append("v.kind <> 'care'")  # the door's care visits, counted, would say the same as shown
    sql = LIST + "".join(f" AND {w}" for w in where)
    rows = session.execute(text(sql + " ORDER BY v.visited_at DESC, v.id DESC LIMIT :limit OFFSET :offset"),
                           params).mappings().all()
    total = session.execute(text(f"SELECT count(*) FROM ({sql}) s"), params).scalar()
    items = views(session, actor, rows)
    return {"total": total, "items": items}


def _prefix(code: str | None) -> str | None:
    """A LIKE pattern for an area code and everything inside it (a grid, or a whole community or street)."""
    return None if code is None else code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _start(day, plus: int = 0) -> datetime | None:
    return None if day is None else datetime.combine(day + timedelta(days=plus), time(), CHINA)


def get_visit(session: Session, actor: Actor, visit_id: int) -> dict:
    """One visit within the actor's scope (a visit outside it looks like one that does not exist)."""
    row = session.execute(text(LIST + " AND v.id = :id"), {"scope": like_pattern(actor.scope), "id": visit_id}
                          ).mappings().first()
    if row is None:
        raise NotFound(msg("no visit {id}", id=visit_id))
    return views(session, actor, [row])[0]


def views(session: Session, actor: Actor, rows) -> list[dict]:
    """Visits as the API shows them: names masked by role; a care visit's whom and what only to read_special_groups."""
    ids = [r["id"] for r in rows]
    photos, cases = {}, {}
    for p in session.execute(text("SELECT visit_id, id, filename, content_type, size, uploaded_at FROM "
                                  "visit_attachments WHERE visit_id = ANY(:ids) ORDER BY id"), {"ids": ids}).mappings():
        photos.setdefault(p["visit_id"], []).append({k: p[k] for k in ("id", "filename", "content_type", "size",
                                                                       "uploaded_at")})
    for c in session.execute(text("SELECT visit_id, id FROM cases WHERE visit_id = ANY(:ids) ORDER BY id"), {"ids": ids}):
        cases.setdefault(c.visit_id, []).append(c.id)
    full, groups = may(actor.role, Permission.read_full_names), may(actor.role, Permission.read_special_groups)
    shown, items = [], []
    for r in rows:
        resident = None
        # a care visit says someone of the household is in a special group: roles that may not know that see that
        # a care visit was made in the building, not to which door, for whom, nor what was found
        hidden = r["kind"] == VisitKind.care and not groups
        if r["resident_id"] is not None and not hidden:
            resident = {"id": r["resident_id"], "name": r["resident_name"] if full else mask_name(r["resident_name"])}
            shown.append(r["resident_id"])
        items.append({
            "id": r["id"], "kind": r["kind"], "visited_at": r["visited_at"],
            "staff": {"id": r["staff_id"], "name": r["staff_name"]},
            "grid": {"code": r["grid_code"], "name": r["grid_name"]} if r["grid_code"] else None,
            "building": {"id": r["building_id"], "name": r["building_name"], "address": r["address"]}
            if r["building_id"] else None,
            "household": {"id": r["household_id"], "door": r["door"]} if r["household_id"] and not hidden else None,
            "resident": resident, "findings": None if hidden else r["findings"], "need": None if hidden else r["need"],
            # the photos (their names) and the cases found are findings too
            "photos": [] if hidden else photos.get(r["id"], []), "case_ids": [] if hidden else cases.get(r["id"], []),
        })
    if shown:
        audit.record_shown(session, actor.username, actor.role, "residents", shown)
    return items
