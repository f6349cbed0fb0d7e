"""The organisation-tree page (/maps/party): the party organisations in scope as a collapsible tree beside a map of
the compounds coloured by their two coverages (the command center's 党建 layer draws them the same way).

The page's code is maps/static/party.js; its data comes from /api/v1/party/orgs and /api/v1/party/compounds.
"""

from sqlalchemy.orm import Session

from geo.access.scope import Scope
from geo.core.i18n import LABELS
from maps.command_center import COVERAGE_COLOURS, scope_bounds
from maps.page import Page, map_page


def party_page(session: Session, scope: Scope, lang: str = "zh") -> Page:
    """The organisation tree of `scope` beside its compounds."""
    return map_page("party.html", f"{LABELS[lang]['party_map_title']} · {LABELS[lang]['title']}",
                    scope_bounds(session, scope), lang, coverage=COVERAGE_COLOURS)
