"""Intake: a case from any channel is located, checked for near-duplicates, routed and (usually) dispatched.

Resident snapshots and video-AI detections wait at intake (信息收集) for an operator to register
them; the other channels are registered and dispatched at once to the person routing finds.
An Idempotency-Key makes retries safe: the unique (created_by, key) index decides, even when
retries race, and the loser reads the winner's case.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.actor import SYSTEM, Actor
from geo.access.scope import like_pattern
from geo.cases import holds, routing
from geo.cases.categories import categories
from geo.cases.deadlines import due_at
from geo.cases.workflow import record
from geo.core.crs import to_wgs84_point
from geo.core.errors import Forbidden, InvalidInput, OutsideService
from geo.core.i18n import msg
from geo.core.models import OPEN_STATUSES, CaseStatus, Role
from geo.core.settings import get_settings
from geo.territory.locate import locate

CHANNELS = ("patrol", "hotline", "self_report", "petition", "video_ai", "referral")
WAIT_AT_INTAKE = ("self_report", "video_ai")
URGENCIES = ("normal", "urgent")


@dataclass
class NewCase:
    category: str
    description: str | None = None
    lon: float | None = None
    lat: float | None = None
    crs: str | None = None
    building_id: int | None = None
    address: str | None = None
    channel: str = "patrol"
    urgency: str = "normal"
    reporter_name: str | None = None
    reporter_phone: str | None = None
    occurred_at: datetime | None = None
    patrol_id: int | None = None  # found on this patrol or visit: geo/field checks it is the reporter's own
    visit_id: int | None = None


def create_case(session: Session, new: NewCase, actor: Actor, *, idempotency_key: str | None = None,
                now: datetime | None = None) -> tuple[int, bool]:
    """The id of the case for this report, and whether it was created now (False: an idempotent retry)."""
    if actor.role == Role.planner:
        raise InvalidInput(msg("planners do not report cases"))
    if idempotency_key:
        existing = _by_key(session, actor, idempotency_key)
        if existing:
            return existing, False
    if new.channel not in CHANNELS or new.urgency not in URGENCIES:
        raise InvalidInput(msg("channel must be one of {channels} and urgency one of {urgencies}",
                               channels=", ".join(CHANNELS), urgencies=", ".join(URGENCIES)))
    now = now or datetime.now(UTC)
    category = _category(new.category)
    lon, lat = _position(session, new, actor)
    located = _located(session, actor, lon, lat, (new.occurred_at or now).date())
    route = routing.route(session, category.handler_level, category.department, located.grid.code)
    waits = new.channel in WAIT_AT_INTAKE
    dispatched = not waits and (route.assignee_id is not None or route.level == "department")
    status = CaseStatus.intake if waits else CaseStatus.dispatched if dispatched else CaseStatus.registered
    params = {
        "category": category.code, "status": status.value, "channel": new.channel, "description": new.description,
        "lon": lon, "lat": lat, "grid": located.grid.code, "match": located.match, "urgency": new.urgency,
        "address": new.address, "building": new.building_id, "level": route.level, "area": route.area,
        "department": route.department, "assignee": route.assignee_id, "now": now,
        "dispatched_at": now if dispatched else None, "due": due_at(category, now) if dispatched else None,
        "duplicate": _duplicate_of(session, category.code, lon, lat, now), "user": actor.user_id,
        "key": idempotency_key, "patrol": new.patrol_id, "visit": new.visit_id,
    }
    if idempotency_key and not _claim_key(session, actor, idempotency_key):
        return _by_key(session, actor, idempotency_key), False  # a concurrent retry with the same key won the race
    case_id = session.execute(INSERT, params).scalar()
    if idempotency_key:
        session.execute(text("UPDATE case_keys SET case_id = :case_id WHERE created_by IS NOT DISTINCT FROM :user_id "
                             "AND key = :key"), {"case_id": case_id, "user_id": actor.user_id, "key": idempotency_key})
    _history(session, case_id, actor, status, route, now)
    if status == CaseStatus.dispatched:
        holds.open_hold(session, case_id, "lead" if route.level == "department" else "dispatch", route.level,
                        route.area, params["due"], now, department=route.department, staff_id=route.assignee_id)
    if new.reporter_name or new.reporter_phone:
        session.execute(text("INSERT INTO case_reporters (case_id, name, phone_enc, phone_hmac, channel, reported_at) "
                             "VALUES (:case_id, :name, :phone_enc, :phone_hmac, :channel, :reported_at)"),
                        {"case_id": case_id, "name": new.reporter_name, "phone_enc": crypto.seal(new.reporter_phone),
                         "phone_hmac": crypto.lookup(new.reporter_phone), "channel": new.channel, "reported_at": now})
    return case_id, True


def preview(session: Session, actor: Actor, category_code: str, lon: float, lat: float, crs: str | None = None,
            now: datetime | None = None) -> dict:
    """Where a case reported here would go and by when, without writing anything (the dispatch view)."""
    now = now or datetime.now(UTC)
    category = _category(category_code)
    x, y = to_wgs84_point(lon, lat, crs)
    located = _located(session, actor, x, y, now.date())
    route = routing.route(session, category.handler_level, category.department, located.grid.code)
    assignee = session.execute(text("SELECT id, name FROM staff WHERE id = :staff_id"),
                               {"staff_id": route.assignee_id}).first()
    return {"lon": x, "lat": y, "match": located.match, "distance_m": located.distance_m,
            "grid": {"code": located.grid.code, "name": located.grid.name},
            "community": located.community and {"code": located.community.code, "name": located.community.name},
            "handler_level": route.level, "handler_area": route.area, "department": route.department,
            "assignee": {"id": assignee.id, "name": assignee.name} if assignee else None,
            "due_at": due_at(category, now)}


INSERT = text("""
INSERT INTO cases (category, status, channel, description, geom, grid_code, located_match, urgency, address,
                   building_id, handler_level, handler_area, department, assignee_id, reported_at, dispatched_at,
                   due_at, first_due_at, duplicate_of, created_by, idempotency_key, patrol_id, visit_id)
VALUES (:category, :status, :channel, :description, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :grid, :match,
        :urgency, :address, :building, :level, :area, :department, :assignee, :now, :dispatched_at, :due, :due,
        :duplicate, :user, :key, :patrol, :visit)
RETURNING id
""")


def _located(session: Session, actor: Actor, lon: float, lat: float, day):
    """The grid answering for the point on `day`, which must lie in the actor's area: a case reported elsewhere
    belongs to other people, who register it themselves (the command center can, for anywhere in its district).
    A resident has no area: they report what they see anywhere the service covers."""
    try:
        located = locate(session, lon, lat, at=day)
    except OutsideService as exc:
        raise InvalidInput(exc.detail, extra=exc.extra) from None
    if actor.role != Role.resident and not actor.scope.covers_code(located.grid.code):
        # 403, naming neither the grid nor its staff: who answers for a place outside the caller's area is not theirs
        # to see (preview and create refuse alike, before anything is written).
        raise Forbidden(msg("this location is outside your area"))
    return located


def _claim_key(session: Session, actor: Actor, key: str) -> bool:
    """Take the key for this report; False when another report took it (we wait for that one to commit or fail)."""
    return session.execute(text("INSERT INTO case_keys (created_by, key, case_id) VALUES (:user_id, :key, NULL) "
                                "ON CONFLICT ON CONSTRAINT uq_case_keys DO NOTHING RETURNING true"),
                           {"user_id": actor.user_id, "key": key}).scalar() is not None


def _by_key(session: Session, actor: Actor, key: str) -> int | None:
    """The case an earlier report with this key made; None while that report has not committed one."""
    return session.execute(text("SELECT case_id FROM case_keys WHERE created_by IS NOT DISTINCT FROM :user_id "
                                "AND key = :key"), {"user_id": actor.user_id, "key": key}).scalar()


def _category(code: str):
    """The category of that code; InvalidInput when there is none."""
    found = categories().get(code)
    if found is None:
        raise InvalidInput(msg("unknown category {code!r}; GET /api/v1/categories lists them", code=code))
    return found


def _position(session: Session, new: NewCase, actor: Actor) -> tuple[float, float]:
    """WGS84 position from lon/lat (any crs) or from a building in the actor's scope (one outside it is answered
    like one that does not exist)."""
    if new.lon is not None and new.lat is not None:
        return to_wgs84_point(new.lon, new.lat, new.crs)
    if new.building_id is not None:
        row = session.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM buildings "
                                   "WHERE id = :building_id AND (:scope = '%' OR grid_code LIKE :scope)) x"),
                              {"building_id": new.building_id, "scope": like_pattern(actor.scope)}).first()
        if row is None:
            raise InvalidInput(msg("no building {id}", id=new.building_id))
        return row[0], row[1]
    raise InvalidInput(msg("a case needs a location: lon and lat, or a building_id"))


DUPLICATE = text("""
SELECT id FROM cases
WHERE category = :category AND status = ANY(:open) AND reported_at >= :since
  AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :metres)
ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography), id
LIMIT 1
""")


def _duplicate_of(session: Session, category: str, lon: float, lat: float, now: datetime) -> int | None:
    """An open case of the same category nearby and recent (WANGGE_DUPLICATE_M, WANGGE_DUPLICATE_HOURS)."""
    settings = get_settings()
    return session.execute(DUPLICATE, {"category": category, "open": [s.value for s in OPEN_STATUSES], "lon": lon,
                                       "lat": lat, "metres": settings.duplicate_m,
                                       "since": now - timedelta(hours=settings.duplicate_hours)}).scalar()


def _history(session: Session, case_id: int, actor: Actor, status: CaseStatus, route, now: datetime) -> None:
    """The events of a new case: intake, and the register and dispatch steps the system took at once."""
    record(session, case_id, actor, "intake", None, CaseStatus.intake, at=now)
    if status == CaseStatus.intake:
        return
    record(session, case_id, SYSTEM, "register", CaseStatus.intake, CaseStatus.registered, at=now)
    if status == CaseStatus.dispatched:
        record(session, case_id, SYSTEM, "dispatch", CaseStatus.registered, CaseStatus.dispatched, at=now,
               data={"level": route.level, "area": route.area, "department": route.department,
                     "assignee_id": route.assignee_id})
