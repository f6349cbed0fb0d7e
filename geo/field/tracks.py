"""Reading patrols with their tracks as GeoJSON: a grid worker their own, supervisors those of their area.

A track is where a person was (PIPL Art. 28): departments and planners never see one, and every read that shows
one is written to the audit log, naming the patrols shown.
"""

import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.access.scope import like_pattern
from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import Role
from geo.core.time import CHINA
from geo.field.patrols import MAX_ACCURACY_M, views

MAX_LIMIT = 500
# The line of each patrol's accurate fixes in time order (as its length counts them); null below two of them.
LINES = text("""
SELECT patrol_id, CASE WHEN count(*) >= 2 THEN ST_AsGeoJSON(ST_MakeLine(geom ORDER BY t), 7) END AS line
FROM patrol_points WHERE patrol_id = ANY(:ids) AND (accuracy IS NULL OR accuracy <= :max)
GROUP BY patrol_id
""")


def visible(actor: Actor) -> tuple[str, dict]:
    """The condition on patrols p that the actor may read: a grid worker only their own, others those whose grid
    lies in their scope (and their own)."""
    require(actor.role, Permission.read_tracks)
    if actor.role == Role.grid_worker:
        return "p.staff_id = :me", {"me": actor.staff_id}
    return "(p.staff_id = :me OR p.grid_code LIKE :scope)", {"me": actor.staff_id, "scope": like_pattern(actor.scope)}


def list_tracks(session: Session, actor: Actor, *, staff: int | None = None, grid: str | None = None,
                since: date | None = None, until: date | None = None, limit: int = 100, offset: int = 0) -> dict:
    """Patrols the actor may read, newest first, started on Beijing days [since, until], as a FeatureCollection of
    LineStrings (null geometry when reduced or with fewer than two accurate fixes)."""
    if since and until and since > until:
        raise InvalidInput(msg("the period starts ({since}) after it ends ({until})", since=since, until=until))
    where, params = visible(actor)
    for condition, name, value in (("p.staff_id = :staff", "staff", staff), ("p.grid_code = :grid", "grid", grid),
                                   ("p.started_at >= :since", "since", since and _start_of(since)),
                                   ("p.started_at < :until", "until", until and _start_of(until + timedelta(days=1)))):
        if value is not None:
            where += f" AND {condition}"
            params[name] = value
    total = session.execute(text(f"SELECT count(*) FROM patrols p WHERE {where}"), params).scalar()
    found = views(session, where + " AND p.id IN (SELECT p.id FROM patrols p WHERE " + where +
                  " ORDER BY p.started_at DESC, p.id DESC LIMIT :limit OFFSET :offset)",
                  params | {"limit": limit, "offset": offset})
    features = _features(session, found)
    filters = {k: v for k, v in (("staff", staff), ("grid", grid), ("from", since), ("to", until)) if v is not None}
    _audit(session, actor, features, filters | {"offset": offset})
    return {"type": "FeatureCollection", "features": features, "numberMatched": total,
            "numberReturned": len(features)}


def get_track(session: Session, actor: Actor, patrol_id: int) -> dict:
    """One patrol the actor may read as a Feature; NotFound otherwise (another's looks like none)."""
    where, params = visible(actor)
    found = views(session, where + " AND p.id = :id", params | {"id": patrol_id})
    if not found:
        raise NotFound(msg("no patrol {id}", id=patrol_id))
    features = _features(session, found)
    _audit(session, actor, features, {})
    return features[0]


def _features(session: Session, patrols: list[dict]) -> list[dict]:
    lines = {r.patrol_id: r.line for r in session.execute(LINES, {"ids": [p["id"] for p in patrols],
                                                                   "max": MAX_ACCURACY_M})}
    return [{"type": "Feature", "id": p["id"], "geometry": json.loads(lines[p["id"]]) if lines.get(p["id"]) else None,
             "properties": p} for p in patrols]


def _audit(session: Session, actor: Actor, features: list[dict], detail: dict) -> None:
    """Every read that shows a track is recorded with whose it was, one's own too: the log says who saw what."""
    if features:
        ids = [f["id"] for f in features]
        staff = sorted({f["properties"]["staff"]["id"] for f in features})
        audit.record(session, actor.username, actor.role, "read_tracks", "patrols:" + ",".join(map(str, ids[:50])),
                     detail | {"count": len(ids), "ids": ids, "staff": staff})


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA)
