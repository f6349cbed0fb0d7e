"""Patrols (巡查): start, positions while open, check-ins at key points, finish, and the cases found on the way.

Only the patrol's own worker writes to it, and positions are taken only while it is open (a track is whereabouts:
PIPL Art. 28). Every write is idempotent: a start by its Idempotency-Key, a position by its timestamp, a check-in by
its key point, a finish by the patrol being finished, so a phone on a bad connection may simply send again.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.cases import intake
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound, OutsideService
from geo.core.i18n import Msg, msg
from geo.core.models import Level, Role
from geo.core.settings import get_settings
from geo.territory.locate import locate

FUTURE = timedelta(minutes=5)  # phones' clocks drift; a fix further ahead than this is a wrong clock, not a position
BACKDATE = timedelta(hours=24)  # a start may be sent late (no signal), but not for another day's work
MAX_ACCURACY_M = 100.0  # fixes less accurate than this are kept on the track but left out of its length

VIEW = """
SELECT p.id, p.staff_id, s.name AS staff_name, p.grid_code, a.name AS grid_name, p.started_at, p.finished_at,
       p.length_m, p.points,
       extract(epoch FROM coalesce(p.finished_at, greatest(now(), p.started_at)) - p.started_at)::int AS duration_s
FROM patrols p JOIN staff s ON s.id = p.staff_id LEFT JOIN area_records a ON a.code = p.grid_code
"""
CHECKINS = text("""
SELECT c.id, c.patrol_id, c.checkpoint_id, k.name, c.at, c.distance_m
FROM patrol_checkins c JOIN checkpoints k ON k.id = c.checkpoint_id
WHERE c.patrol_id = ANY(:ids) ORDER BY c.at, c.id
""")
INSERT_POINTS = text("""
INSERT INTO patrol_points (patrol_id, t, geom, accuracy)
SELECT :patrol, p.t, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), p.accuracy
FROM unnest(CAST(:ts AS timestamptz[]), CAST(:lons AS float8[]), CAST(:lats AS float8[]),
            CAST(:accuracies AS real[])) AS p(t, lon, lat, accuracy)
ON CONFLICT DO NOTHING
RETURNING t
""")
# Recomputed from every stored point in time order, so batches that arrive out of order still give the right length.
TOTALS = text("""
UPDATE patrols SET points = s.n, length_m = s.len FROM (
    SELECT count(*) AS n,
           CASE WHEN count(*) FILTER (WHERE accuracy IS NULL OR accuracy <= :max) >= 2
                THEN ST_Length((ST_MakeLine(geom ORDER BY t) FILTER (WHERE accuracy IS NULL OR accuracy <= :max))
                               ::geography)
                ELSE 0 END AS len
    FROM patrol_points WHERE patrol_id = :id) s
WHERE patrols.id = :id
""")


def field_staff(actor: Actor) -> int:
    """The staff record of a caller who records field work; Forbidden for an account without one."""
    require(actor.role, Permission.record_field_work)
    if actor.staff_id is None:
        raise Forbidden(msg("account {user} has no staff record: patrols and visits are recorded by staff",
                            user=actor.username))
    return actor.staff_id


def views(session: Session, where: str, params: dict) -> list[dict]:
    """Patrols as the API answers them (`where` a condition on p), newest first, with their check-ins."""
    rows = session.execute(text(VIEW + " WHERE " + where + " ORDER BY p.started_at DESC, p.id DESC"), params).all()
    checkins: dict[int, list] = {r.id: [] for r in rows}
    for c in session.execute(CHECKINS, {"ids": list(checkins)}):
        checkins[c.patrol_id].append({"checkpoint_id": c.checkpoint_id, "name": c.name, "at": c.at.isoformat(),
                                      "distance_m": round(c.distance_m, 1)})
    return [{"id": r.id, "staff": {"id": r.staff_id, "name": r.staff_name},
             "grid": {"code": r.grid_code, "name": r.grid_name} if r.grid_code else None,
             "started_at": r.started_at.isoformat(), "finished_at": r.finished_at and r.finished_at.isoformat(),
             "length_m": round(r.length_m, 1), "duration_s": r.duration_s, "points": r.points,
             "checkins": checkins[r.id]} for r in rows]


def view(session: Session, patrol_id: int) -> dict:
    return views(session, "p.id = :id", {"id": patrol_id})[0]


def current(session: Session, actor: Actor) -> dict | None:
    """The caller's open patrol, if any (None for an account without a staff record)."""
    require(actor.role, Permission.record_field_work)
    if actor.staff_id is None:
        return None
    found = views(session, "p.staff_id = :staff AND p.finished_at IS NULL", {"staff": actor.staff_id})
    return found[0] if found else None


def start_patrol(session: Session, actor: Actor, *, started_at: datetime | None = None, lon: float | None = None,
                 lat: float | None = None, idempotency_key: str | None = None,
                 now: datetime | None = None) -> tuple[dict, bool]:
    """The caller's new patrol and True, or (a retry with the same key) the one that key started and False.

    One open patrol per worker: another start while one is open is a Conflict naming it (extra patrol_id)."""
    staff = field_staff(actor)
    now = now or datetime.now(UTC)
    if idempotency_key and (earlier := _by_key(session, actor, idempotency_key)):
        return view(session, earlier), False
    started = started_at or now
    check_moment(msg("started_at"), started, now - BACKDATE, now, msg("a day ago"))
    last = session.execute(text("SELECT id, finished_at FROM patrols WHERE staff_id = :s AND finished_at IS NOT NULL "
                                "ORDER BY finished_at DESC LIMIT 1"), {"s": staff}).first()
    if last and started < min(last.finished_at, now):  # overlapping patrols would count the same hours twice
        raise InvalidInput(msg("started_at: {t} is before the end of your patrol {id} ({at}): patrols do not overlap",
                               t=started.isoformat(), id=last.id, at=last.finished_at.isoformat()))
    if (lon is None) != (lat is None):
        raise InvalidInput(msg("give both lon and lat, or neither"))
    if lon is not None:
        check_position(msg("the start"), lon, lat)
    params = {"staff": staff, "grid": _grid_for(session, actor, lon, lat), "started": started, "user": actor.user_id,
              "key": idempotency_key}
    # ON CONFLICT without a target: a retry racing on the key and a second start racing on the open patrol both
    # land here instead of failing, and the statement waits for the other transaction before deciding.
    made = session.execute(text("INSERT INTO patrols (staff_id, grid_code, started_at, created_by, idempotency_key) "
                                "VALUES (:staff, :grid, :started, :user, :key) ON CONFLICT DO NOTHING RETURNING id"),
                           params).scalar()
    if made is not None:
        return view(session, made), True
    if idempotency_key and (earlier := _by_key(session, actor, idempotency_key)):
        return view(session, earlier), False
    open_id = session.execute(text("SELECT id FROM patrols WHERE staff_id = :staff AND finished_at IS NULL"),
                              {"staff": staff}).scalar()
    raise Conflict(msg("patrol {id} is still open: finish it before starting another", id=open_id),
                   extra={"patrol_id": open_id})


def record_points(session: Session, actor: Actor, patrol_id: int, points: list[dict],
                  now: datetime | None = None) -> dict:
    """Store a batch of positions ({t, lon, lat, accuracy}) of the caller's open patrol, each timestamp once."""
    now = now or datetime.now(UTC)
    patrol = own_open_patrol(session, actor, patrol_id)
    most = get_settings().patrol_batch_points
    if len(points) > most:
        raise InvalidInput(msg("a batch holds at most {max} positions (WANGGE_PATROL_BATCH_POINTS), this one {count}",
                               max=most, count=len(points)))
    for index, p in enumerate(points):
        where = msg("point {index}", index=index)
        check_moment(where, p["t"], patrol.started_at, now)
        check_position(where, p["lon"], p["lat"])
        check_accuracy(where, p.get("accuracy"))
    accuracies = [None if p.get("accuracy") is None else float(p["accuracy"]) for p in points]
    stored = session.execute(INSERT_POINTS, {
        "patrol": patrol_id, "ts": [p["t"] for p in points], "lons": [float(p["lon"]) for p in points],
        "lats": [float(p["lat"]) for p in points], "accuracies": accuracies}).scalars().all()
    session.execute(TOTALS, {"id": patrol_id, "max": MAX_ACCURACY_M})
    if patrol.grid_code is None and points:  # community staff who started without a position: the first one decides
        first = min(points, key=lambda p: p["t"])
        session.execute(text("UPDATE patrols SET grid_code = :grid WHERE id = :id"),
                        {"grid": _grid_for(session, actor, first["lon"], first["lat"], strict=False), "id": patrol_id})
    return {"accepted": len(stored), "duplicates": len(points) - len(stored), "patrol": view(session, patrol_id)}


def finish_patrol(session: Session, actor: Actor, patrol_id: int, finished_at: datetime | None = None,
                  now: datetime | None = None) -> dict:
    """Close the caller's patrol (no positions after this); finishing a finished patrol returns it unchanged."""
    now = now or datetime.now(UTC)
    patrol = own_patrol(session, actor, patrol_id, lock=True)
    if patrol.finished_at is None:
        last = session.execute(text("SELECT max(t) FROM patrol_points WHERE patrol_id = :id"), {"id": patrol_id}
                               ).scalar()
        finished = finished_at or max(now, last or now)
        check_moment(msg("finished_at"), finished, last or patrol.started_at, now,
                     msg("the patrol's start or its last position"))
        session.execute(text("UPDATE patrols SET finished_at = :at WHERE id = :id"), {"at": finished, "id": patrol_id})
    return view(session, patrol_id)


def check_in(session: Session, actor: Actor, patrol_id: int, checkpoint_id: int, lon: float, lat: float,
             accuracy: float | None = None, at: datetime | None = None, now: datetime | None = None) -> tuple[dict, bool]:
    """Check in at a key point within WANGGE_CHECKIN_METRES of it; (the check-in, made now). Once per key point and
    patrol: a second check-in there returns the first."""
    now = now or datetime.now(UTC)
    patrol = own_open_patrol(session, actor, patrol_id)
    point = session.execute(text("SELECT id, name, grid_code, active, ST_Distance(geom::geography, "
                                 "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography) AS distance FROM checkpoints "
                                 "WHERE id = :id"), {"id": checkpoint_id, "lon": lon, "lat": lat}).first()
    if point is None or not actor.scope.covers_code(point.grid_code):
        raise NotFound(msg("no key point {id}", id=checkpoint_id))
    earlier = session.execute(text("SELECT id FROM patrol_checkins WHERE patrol_id = :p AND checkpoint_id = :k"),
                              {"p": patrol_id, "k": checkpoint_id}).scalar()
    if earlier is not None:
        return checkin_view(session, earlier), False
    if not point.active:
        raise InvalidInput(msg("key point {id} {name} has been retired", id=point.id, name=point.name))
    check_moment(msg("the check-in time"), at or now, patrol.started_at, now)
    check_position(msg("the check-in"), lon, lat)
    check_accuracy(msg("the check-in"), accuracy)
    limit = get_settings().checkin_metres
    if point.distance > limit:
        raise InvalidInput(msg("key point {id} {name} is {distance} m away, farther than the {limit} m a check-in "
                               "allows", id=point.id, name=point.name, distance=f"{point.distance:.0f}",
                               limit=f"{limit:g}"), extra={"distance_m": round(point.distance, 1)})
    made = session.execute(text("INSERT INTO patrol_checkins (patrol_id, checkpoint_id, at, distance_m) "
                                "VALUES (:p, :k, :at, :d) RETURNING id"),
                           {"p": patrol_id, "k": checkpoint_id, "at": at or now, "d": point.distance}).scalar_one()
    return checkin_view(session, made), True


def checkin_view(session: Session, checkin_id: int) -> dict:
    r = session.execute(text("SELECT c.id, c.patrol_id, c.checkpoint_id, k.name, c.at, c.distance_m FROM "
                             "patrol_checkins c JOIN checkpoints k ON k.id = c.checkpoint_id WHERE c.id = :id"),
                        {"id": checkin_id}).one()
    return {"id": r.id, "patrol_id": r.patrol_id, "checkpoint_id": r.checkpoint_id, "name": r.name,
            "at": r.at.isoformat(), "distance_m": round(r.distance_m, 1)}


def report_case(session: Session, actor: Actor, patrol_id: int, new: intake.NewCase,
                idempotency_key: str | None = None) -> tuple[int, bool]:
    """A case found on the caller's patrol: channel patrol, patrol_id set; (case id, created now)."""
    own_patrol(session, actor, patrol_id)
    new.channel, new.patrol_id = "patrol", patrol_id
    case_id, created = intake.create_case(session, new, actor, idempotency_key=idempotency_key)
    if not created:  # the caller's case keys are one namespace: the key may have made a case of another patrol's
        made_on = session.execute(text("SELECT patrol_id FROM cases WHERE id = :id"), {"id": case_id}).scalar()
        if made_on != patrol_id:
            raise Conflict(msg("Idempotency-Key {key} already made case {case}, which is not a finding of patrol {id}: "
                               "use a new key", key=idempotency_key, case=case_id, id=patrol_id),
                           extra={"case_id": case_id})
    return case_id, created


def own_patrol(session: Session, actor: Actor, patrol_id: int, *, lock: bool = False):
    """The caller's patrol (locked for update when asked); NotFound for anyone else's, which looks like none."""
    staff = field_staff(actor)
    row = session.execute(text("SELECT id, grid_code, started_at, finished_at FROM patrols WHERE id = :id "
                               "AND staff_id = :staff" + (" FOR UPDATE" if lock else "")),
                          {"id": patrol_id, "staff": staff}).first()
    if row is None:
        raise NotFound(msg("you have no patrol {id}", id=patrol_id))
    return row


def own_open_patrol(session: Session, actor: Actor, patrol_id: int):
    """The caller's patrol, locked (writers of one patrol take turns), refused with Conflict once finished."""
    patrol = own_patrol(session, actor, patrol_id, lock=True)
    if patrol.finished_at is not None:
        raise Conflict(msg("patrol {id} finished at {at}: positions and check-ins are taken only while a patrol is open",
                           id=patrol_id, at=patrol.finished_at.isoformat()), extra={"patrol_id": patrol_id})
    return patrol


def check_moment(where: Msg, moment: datetime, earliest: datetime, now: datetime, what: Msg | None = None) -> None:
    """A phone's timestamp must carry its offset, and lie between `earliest` and five minutes from now."""
    if moment.tzinfo is None:
        raise InvalidInput(msg("{where}: {t} has no UTC offset; send ISO 8601 with one, e.g. 2026-12-01T08:00:00+08:00",
                               where=where, t=moment.isoformat()))
    if moment < earliest:
        raise InvalidInput(msg("{where}: {t} is before {what} ({earliest})", where=where, t=moment.isoformat(),
                               what=what or msg("the patrol's start"), earliest=earliest.isoformat()))
    if moment > now + FUTURE:
        raise InvalidInput(msg("{where}: {t} is more than 5 minutes in the future (now {now})", where=where,
                               t=moment.isoformat(), now=now.isoformat(timespec="seconds")))


def check_position(where: Msg, lon: float, lat: float) -> None:
    """A position must lie where the service works (WANGGE_SERVICE_BOUNDS): elsewhere means a broken fix."""
    west, south, east, north = get_settings().service_bounds
    if not (west <= lon <= east and south <= lat <= north):
        raise InvalidInput(msg("{where}: ({lon}, {lat}) lies outside the service area ({west}..{east} E, "
                               "{south}..{north} N)", where=where, lon=lon, lat=lat, west=west, east=east, south=south,
                               north=north))


def check_accuracy(where: Msg, accuracy: float | None) -> None:
    if accuracy is not None and accuracy < 0:
        raise InvalidInput(msg("{where}: accuracy {accuracy} is negative; it is a radius in metres", where=where,
                               accuracy=accuracy))


def _by_key(session: Session, actor: Actor, key: str) -> int | None:
    return session.execute(text("SELECT id FROM patrols WHERE created_by IS NOT DISTINCT FROM :user "
                                "AND idempotency_key = :key"), {"user": actor.user_id, "key": key}).scalar()


def _grid_for(session: Session, actor: Actor, lon: float | None, lat: float | None, *, strict: bool = True) -> str | None:
    """A grid worker patrols their own grid; others the grid at the position (which must lie in their scope). A
    position beyond every grid is refused at the start, and left undecided (None) for a later batch otherwise."""
    if actor.role == Role.grid_worker and actor.scope.area_level == Level.grid:
        return actor.scope.area_code
    if lon is None:
        return None
    try:
        grid = locate(session, lon, lat).grid.code
    except OutsideService as exc:
        if not strict:
            return None
        raise InvalidInput(exc.detail, extra=exc.extra) from None
    if not actor.scope.covers_code(grid):
        raise Forbidden(msg("this location is outside your area"))
    return grid
