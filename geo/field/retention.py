"""Track retention: patrols older than WANGGE_TRACK_DAYS become per-day totals, and their tracks are deleted.

Whereabouts are kept only as long as they serve (PIPL Art. 28; DOMAIN.md "Tracks"). What the figures need stays in
patrol_days: per worker, Beijing day (of the start) and grid, the number of patrols, their seconds, metres and
the key points checked in at. Cases found on a reduced patrol keep channel patrol; their patrol_id becomes null.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.settings import get_settings

LOCK = 0x70617472  # "patr": two rounds at once (the server's and the CLI's) must not add a day twice

# Seconds: finished − started; a patrol never finished counts up to its last position.
REDUCE = text("""
WITH old AS (
    SELECT p.id, p.staff_id, p.grid_code, (p.started_at AT TIME ZONE 'Asia/Shanghai')::date AS day, p.length_m,
           extract(epoch FROM coalesce(p.finished_at, (SELECT max(t) FROM patrol_points WHERE patrol_id = p.id),
                                       p.started_at) - p.started_at) AS seconds
    FROM patrols p WHERE p.started_at < :before AND p.grid_code IS NOT NULL
), days AS (
    SELECT o.staff_id, o.day, o.grid_code, count(*) AS patrols, round(sum(o.seconds))::int AS seconds,
           sum(o.length_m) AS length_m,
           coalesce((SELECT array_agg(DISTINCT c.checkpoint_id ORDER BY c.checkpoint_id) FROM patrol_checkins c
                     JOIN old o2 ON o2.id = c.patrol_id
                     WHERE o2.staff_id = o.staff_id AND o2.day = o.day AND o2.grid_code = o.grid_code),
                    '{}') AS checkpoint_ids
    FROM old o GROUP BY o.staff_id, o.day, o.grid_code
)
INSERT INTO patrol_days (staff_id, day, grid_code, patrols, seconds, length_m, checkpoint_ids)
SELECT staff_id, day, grid_code, patrols, seconds, length_m, checkpoint_ids FROM days
ON CONFLICT (staff_id, day, grid_code) DO UPDATE SET
    patrols = patrol_days.patrols + EXCLUDED.patrols, seconds = patrol_days.seconds + EXCLUDED.seconds,
    length_m = patrol_days.length_m + EXCLUDED.length_m,
    checkpoint_ids = ARRAY(SELECT DISTINCT unnest(patrol_days.checkpoint_ids || EXCLUDED.checkpoint_ids) ORDER BY 1)
RETURNING 1
""")


@dataclass
class Reduced:
    """What one reduction did: patrols reduced, patrol_days rows written, positions deleted, and the cut-off."""

    patrols: int
    days: int
    points: int
    before: datetime


def reduce_tracks(session: Session, now: datetime | None = None) -> Reduced:
    """Reduce every patrol started before now − WANGGE_TRACK_DAYS to patrol_days and delete it with its points and
    check-ins. A patrol in no grid counts for no area's figures: it is deleted without a day."""
    before = (now or datetime.now(UTC)) - timedelta(days=get_settings().track_days)
    session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": LOCK})
    days = len(session.execute(REDUCE, {"before": before}).all())
    ids = list(session.execute(text("SELECT id FROM patrols WHERE started_at < :before"), {"before": before}).scalars())
    if not ids:
        return Reduced(0, days, 0, before)
    session.execute(text("UPDATE cases SET patrol_id = NULL WHERE patrol_id = ANY(:ids)"), {"ids": ids})
    points = session.execute(text("DELETE FROM patrol_points WHERE patrol_id = ANY(:ids)"), {"ids": ids}).rowcount
    session.execute(text("DELETE FROM patrol_checkins WHERE patrol_id = ANY(:ids)"), {"ids": ids})
    session.execute(text("DELETE FROM patrols WHERE id = ANY(:ids)"), {"ids": ids})
    return Reduced(len(ids), days, points, before)
