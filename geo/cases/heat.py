"""Incident density for heat layers: cases of a period counted in cells of about two screen pixels.

Binning in PostGIS keeps the answer proportional to the screen, not to the number of cases:
a year of a district's cases at city zoom is a few hundred weighted points.
"""

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.deadlines import CHINA
from geo.cases.reading import case_filters
from geo.cases.workflow import Actor
from geo.errors import InvalidInput
from geo.i18n import msg
from geo.models import CaseStatus

PIXELS_PER_CELL = 2
MAX_ZOOM = 22
DEFAULT_DAYS = 30


def cell_degrees(zoom: int) -> float:
    """Width in degrees of PIXELS_PER_CELL screen pixels of a 256-pixel-tile map at `zoom`."""
    if not 0 <= zoom <= MAX_ZOOM:
        raise InvalidInput(msg("zoom must lie in 0..{max}", max=MAX_ZOOM))
    return 360.0 / 2 ** zoom / 256 * PIXELS_PER_CELL


def heat(session: Session, actor: Actor, *, zoom: int, since: datetime | None = None, until: datetime | None = None,
         category: list[str] | None = None, bbox=None, now: datetime | None = None) -> dict:
    """Cases reported in [since, until) (default the last 30 days) as [lat, lon, count] per cell, with the total."""
    until = _aware(until or now or datetime.now(CHINA))
    since = _aware(since or until - timedelta(days=DEFAULT_DAYS))
    if since >= until:
        raise InvalidInput(msg("from must be before to"))
    where, params = case_filters(actor, category=category, since=since, until=until, bbox=bbox)
    # A merged case is a duplicate report of another: counting it would heat the spot twice.
    where.append("c.status <> :merged")
    params |= {"merged": CaseStatus.merged.value, "cell": cell_degrees(zoom)}
    rows = session.execute(text(
        "SELECT ST_Y(cell), ST_X(cell), n FROM (SELECT ST_SnapToGrid(c.geom, :cell) AS cell, count(*) AS n "
        f"FROM cases c WHERE {' AND '.join(where)} GROUP BY 1) binned ORDER BY n DESC"), params).all()
    return {"from": since, "to": until, "cell_deg": params["cell"], "total": sum(r[2] for r in rows),
            "points": [[round(r[0], 6), round(r[1], 6), r[2]] for r in rows]}


def _aware(moment: datetime) -> datetime:
    """A time without a zone is Beijing time, as the users read it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
