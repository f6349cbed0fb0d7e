"""The command-center screen: boundaries as vector tiles coloured by open or overdue cases, open cases clustered,
grid staff, an incident heat layer and KPIs.

Nothing is inlined: the page's code is maps/static/command-center.js, and its data comes from the API with the
login cookie — tiles (/tiles/…), cases, staff points and heat cells limited to the view, KPIs.
"""

from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.permissions import Permission, may
from geo.access.scope import Scope, like_pattern
from geo.analytics.window import DEFAULT_DAYS
from geo.cases import official_calendar
from geo.core.errors import InvalidInput
from geo.core.i18n import LABELS, msg, render
from geo.core.time import china_today
from maps.page import Page, map_page

# Cases per grid → colour; the legend shows the same steps.
STEPS = {
    "open": [(0, "#f7fbff"), (1, "#c6dbef"), (3, "#6baed6"), (6, "#2171b5"), (10, "#08306b")],
    "overdue": [(0, "#fff5f0"), (1, "#fcbba1"), (2, "#fb6a4a"), (4, "#cb181d"), (7, "#67000d")],
    "rate": [(0, "#fff7ec"), (5, "#fdd49e"), (10, "#fc8d59"), (20, "#d7301f"), (40, "#7f0000")],  # per 1,000 residents
    "hex": [(0, "#ffffcc"), (1, "#c7e9b4"), (3, "#7fcdbb"), (6, "#1d91c0"), (10, "#0c2c84")],
}
# The 党建 layer: a compound's fill by its coverages, organisation and work (green), organisation only (amber), none.
COVERAGE_COLOURS = {"both": "#31a354", "org_only": "#f0a30a", "none": "#de2d26"}
HOTSPOT_COLOURS = {"hot": "#d7301f", "cold": "#2b8cbe", "not_significant": "#f0f0f0"}
STATUS_COLOURS = {"intake": "#969696", "registered": "#6a51a3", "dispatched": "#3182bd", "handling": "#31a354",
                  "reported": "#fd8d3c", "verified": "#e6550d", "returned": "#de2d26", "suspended": "#636363"}
# Below these zooms a layer is not requested: a tile of 50,000 grids helps nobody and costs the server seconds.
HEAT_PERIODS = (7, 30, 90, 365)  # days; labels days_N
MIN_ZOOM = {"districts": 0, "streets": 9, "communities": 11, "grids": 13, "staff": 15, "buildings": 15}
# The field layers (maps/static/field-layers.js): grids by visit coverage of the last 30 days (share of households
# visited, lower bounds), buildings by days since their last visit (upper bounds; beyond the last, or never: "more").
FIELD = {
    # red to blue, pale in the middle: the building dots' saturated red and green stay readable on any grid
    # red to green, not the blues of the open-case fill underneath
    "coverage": [(0, "#d73027"), (0.3, "#fc8d59"), (0.6, "#fee08b"), (0.9, "#1a9850")], "noHouseholds": "#bdbdbd",
    "days": [(7, "#1a9641"), (30, "#a6d96a"), (90, "#fdae61")], "stale": "#d7191c", "track": "#6a3d9a",
}


def scope_bounds(session: Session, scope: Scope) -> list[list[float]]:
    """[[south, west], [north, east]] of the grids in the caller's scope (where the work is), else of its area."""
    row = session.execute(text(
        "SELECT ST_YMin(e), ST_XMin(e), ST_YMax(e), ST_XMax(e) FROM (SELECT coalesce("
        " (SELECT ST_Extent(geom) FROM areas WHERE level = 'grid' AND code LIKE :pattern),"
        " (SELECT ST_Extent(geom) FROM areas WHERE code = :code)) e) x"),
        {"pattern": like_pattern(scope), "code": scope.area_code}).one()
    if row[0] is None:
        return [[18.0, 73.0], [54.0, 135.0]]  # nothing imported yet: China
    return [[row[0], row[1]], [row[2], row[3]]]


def command_center(session: Session, scope: Scope, lang: str = "zh", heat_days: int = DEFAULT_DAYS) -> Page:
    """The command-center page for `scope`, its heat layer over the last `heat_days` days."""
    if heat_days not in HEAT_PERIODS:
        raise InvalidInput(msg("days must be one of {periods}", periods=", ".join(map(str, HEAT_PERIODS))))
    # Layers the role may not read (geo/access/permissions.py) are left off rather than asked for and refused.
    can = {"cases": may(scope.role, Permission.read_cases), "staff": may(scope.role, Permission.read_staff),
           "tracks": may(scope.role, Permission.read_tracks)}
    page = map_page("command_center.html", LABELS[lang]["title"], scope_bounds(session, scope), lang,
                    steps=STEPS, hotspotColours=HOTSPOT_COLOURS, status=STATUS_COLOURS, can=can, minZoom=MIN_ZOOM,
                    heatDays=heat_days, heatPeriods=HEAT_PERIODS, partyColours=COVERAGE_COLOURS, field=FIELD)
    gap = official_calendar.coverage_gap(session, china_today())
    return replace(page, fields={"notice": render(official_calendar.gap_warning(gap, for_operator=False), lang) if gap else None})
