"""The plan page: a draft over the boundaries in force, its problems and impact, with split/reassign drawing tools
(Leaflet.draw), merge, undo and redo. The page's code is maps/static/plan.js; its data comes from /api/v1/plans."""

from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core.i18n import LABELS
from geo.planning.plans import plan_row
from maps.command_center import MIN_ZOOM, scope_bounds
from maps.page import Page, map_page


def plan_page(session: Session, plan_id: int, actor: Actor, lang: str = "zh") -> Page:
    """One plan's page (NotFound or Forbidden as the API answers)."""
    row = plan_row(session, plan_id, actor)
    # grid outlines only from the command center's grid zoom on (see maps/dispatch_page.py)
    return map_page("plan.html", f"{LABELS[lang]['plan']} {row['name']}", scope_bounds(session, actor.scope), lang,
                    plan=plan_id, gridsMinZoom=MIN_ZOOM["grids"])
