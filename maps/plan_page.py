"""The plan page: a draft over the boundaries in force, its problems and impact, with split/reassign drawing tools
(Leaflet.draw), merge, undo and redo. The page's code is maps/static/plan.js; its data comes from /api/v1/plans."""

import json

from jinja2 import Template
from sqlalchemy.orm import Session

from geo.cases.workflow import Actor
from geo.planning.plans import plan_row
from maps.command_center import MIN_ZOOM, scope_bounds
from maps.labels import LABELS
from maps.offline import VENDOR, PageScript, page


class PlanTools(PageScript):
    """Starts maps/static/plan.js with the page's words and the plan's id."""

    default_js = [*PageScript.default_js, ("draw", f"{VENDOR}/draw/leaflet.draw.js"), ("plan", "/static/plan.js")]
    default_css = [*PageScript.default_css, ("draw_css", f"{VENDOR}/draw/leaflet.draw.css")]
    _template = Template("""
{% macro script(this, kwargs) %}
window.wanggePlan({{ this._parent.get_name() }}, {{ this.config }});
{% endmacro %}
""")

    def __init__(self, plan_id: int, lang: str):
        super().__init__(lang)
        # grid outlines only from the command center's grid zoom on (see maps/dispatch_page.py)
        self.config = json.dumps({"labels": LABELS[lang], "plan": plan_id, "gridsMinZoom": MIN_ZOOM["grids"]},
                                 ensure_ascii=False)


def plan_page(session: Session, plan_id: int, actor: Actor, lang: str = "zh") -> str:
    """The HTML of one plan's page (NotFound or Forbidden as the API answers)."""
    row = plan_row(session, plan_id, actor)
    return page(scope_bounds(session, actor.scope), f"{LABELS[lang]['plan']} {row['name']}", PlanTools(plan_id, lang))
