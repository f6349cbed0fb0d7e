"""The dispatch view: click to place a case, see which grid and who would receive it, then register it.

The page's code is maps/static/dispatch.js.
"""

from sqlalchemy.orm import Session

from geo.access.scope import Scope
from geo.core.i18n import LABELS
from maps.command_center import MIN_ZOOM, scope_bounds
from maps.page import Page, map_page


def dispatch_page(session: Session, scope: Scope, lang: str = "zh") -> Page:
    """The dispatch view over the caller's scope."""
    # Grid outlines from the zoom the command center shows them at: below it a tile holds thousands of grids,
    # and fetching them held up the page's own requests on a 50,000-grid city (bench/scale.py).
    return map_page("dispatch.html", LABELS[lang]["dispatch"], scope_bounds(session, scope), lang,
                    gridsMinZoom=MIN_ZOOM["grids"])
