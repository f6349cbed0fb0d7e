"""The grid screen: the grid, its buildings (with households), its compounds and their two coverages, staff on duty,
open cases and neighbouring grids.

The page's code is maps/static/grid.js; its data comes from the API (grids, buildings, staff, cases).
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope
from geo.core.errors import NotFound
from geo.core.i18n import LABELS, msg
from maps.command_center import COVERAGE_COLOURS, STATUS_COLOURS
from maps.page import Page, map_page

PAD = 0.15  # of the grid's larger side: the neighbours shown around it


def grid_page(session: Session, code: str, scope: Scope, lang: str = "zh") -> Page:
    """One grid's page (NotFound outside the scope)."""
    row = session.execute(text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                               "(SELECT ST_Envelope(geom) e FROM areas WHERE level = 'grid' AND code = :c) x"),
                          {"c": code}).first()
    if row is None or not scope.covers_code(code):
        raise NotFound(msg("no grid with code {code}", code=code))
    minx, miny, maxx, maxy = row
    pad = PAD * max(maxx - minx, maxy - miny)
    bbox = ",".join(f"{v:.6f}" for v in (minx - pad, miny - pad, maxx + pad, maxy + pad))
    return map_page("grid.html", f"{LABELS[lang]['grids']} {code}", [[miny, minx], [maxy, maxx]], lang,
                    code=code, bbox=bbox, status=STATUS_COLOURS, coverage=COVERAGE_COLOURS)
