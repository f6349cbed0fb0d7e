"""The dispatch view, as a 12345 hotline desk uses it: the whole intake form (reporter, address, channel, urgency,
category, description, attachments), the place picked on the map or found by address, and where the case would go.

The page's code is maps/static/dispatch.js.
"""

from sqlalchemy.orm import Session

from geo.access.scope import Scope
from geo.cases.intake import CHANNELS, URGENCIES
from geo.core.i18n import LABELS
from geo.core.models import Role
from maps.command_center import MIN_ZOOM, scope_bounds
from maps.page import Page, map_page

# Who takes calls: the command center is the 12345 desk; street, community and grid staff report what they find.
HOTLINE_DESKS = (Role.admin, Role.command_center)
# Attachments the API accepts (geo/cases/attachments.py), for the file picker.
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def default_channel(role: Role) -> str:
    """The channel a form starts with for this role: the hotline at the desk, patrol in the field."""
    return "hotline" if role in HOTLINE_DESKS else "patrol"


def dispatch_page(session: Session, scope: Scope, lang: str = "zh") -> Page:
    """The dispatch view over the caller's scope."""
    # Grid outlines from the zoom the command center shows them at: below it a tile holds thousands of grids,
    # and fetching them held up the page's own requests on a 50,000-grid city (bench/scale.py).
    return map_page("dispatch.html", LABELS[lang]["dispatch"], scope_bounds(session, scope), lang,
                    gridsMinZoom=MIN_ZOOM["grids"], channels=list(CHANNELS), urgencies=list(URGENCIES),
                    channel=default_channel(scope.role), accept=ACCEPT)
