"""Incident density for heat layers: cases of a window counted in cells of about two screen pixels.

Binning in PostGIS keeps the answer proportional to the screen, not to the number of cases:
a year of a district's cases at city zoom is a few hundred weighted points.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.analytics.window import Window, window_filters
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.query import bbox_condition

PIXELS_PER_CELL = 2
MAX_ZOOM = 22


def cell_degrees(zoom: int) -> float:
    """Width in degrees of PIXELS_PER_CELL screen pixels of a 256-pixel-tile map at `zoom`."""
    if not 0 <= zoom <= MAX_ZOOM:
        raise InvalidInput(msg("zoom must lie in 0..{max}", max=MAX_ZOOM))
    return 360.0 / 2 ** zoom / 256 * PIXELS_PER_CELL


def heat(session: Session, actor: Actor, win: Window, *, zoom: int, bbox=None) -> dict:
    """The window's cases (merged duplicates left out) as [lat, lon, count] per cell, largest first, with the total."""
    where, params = window_filters(actor, win)
    if bbox:
        where += " AND " + bbox_condition("c.geom", bbox, params)
    params["cell"] = cell_degrees(zoom)
    rows = session.execute(text(
        "SELECT ST_Y(cell), ST_X(cell), n FROM (SELECT ST_SnapToGrid(c.geom, :cell) AS cell, count(*) AS n "
        f"FROM cases c WHERE {where} GROUP BY 1) binned ORDER BY n DESC"), params).all()
    return {"from": win.since, "to": win.until, "cell_deg": params["cell"], "total": sum(r[2] for r in rows),
            "points": [[round(r[0], 6), round(r[1], 6), r[2]] for r in rows]}
