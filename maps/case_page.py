"""The case screen: the case on the map inside its grid, the grid's staff on duty, and the case's history.

The page's code is maps/static/case.js; it reads the case from /api/v1/cases/{id}, so no case text is in the HTML.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.cases.workflow import visible_case
from geo.core.i18n import LABELS
from maps.command_center import STATUS_COLOURS
from maps.page import Page, map_page

AROUND = 0.004  # degrees, about 400 m: the view around the case


def case_page(session: Session, case_id: int, actor: Actor, lang: str = "zh") -> Page:
    """One case's page (NotFound outside the actor's scope)."""
    visible_case(session, case_id, actor)
    lon, lat = session.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM cases WHERE id = :id"), {"id": case_id}).one()
    bounds = [[lat - AROUND, lon - AROUND], [lat + AROUND, lon + AROUND]]
    return map_page("case.html", f"{LABELS[lang]['case']} #{case_id}", bounds, lang, case=case_id,
                    status=STATUS_COLOURS)
