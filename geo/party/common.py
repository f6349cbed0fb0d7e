"""What the party reads and writes share: Chinese labels for codes, and which compounds, organisations and members
lie inside a caller's scope (docs/party-api.md)."""

from datetime import date

from geo.access.actor import Actor
from geo.access.scope import like_pattern
from geo.core.errors import InvalidInput
from geo.core.i18n import LABELS, msg
from geo.core.time import china_today
from geo.territory.compounds import COMPOUND_IN_SCOPE  # noqa: F401  (re-exported: one definition)

# An organisation is inside when its area is; for a grid-scoped caller also when it covers a compound of their grid
# or names a building there.
ORG_IN_SCOPE = """(o.area_code LIKE :pattern
    OR EXISTS (SELECT 1 FROM party_org_compounds oc JOIN compounds p ON p.id = oc.compound_id
               WHERE oc.org_id = o.id AND p.grid_code LIKE :pattern)
    OR EXISTS (SELECT 1 FROM buildings ob WHERE ob.id = o.building_id AND ob.grid_code LIKE :pattern))"""
# A member is inside when their organisation's area is, or the grid of the household they live in.
MEMBER_IN_SCOPE = """(EXISTS (SELECT 1 FROM party_orgs mo WHERE mo.id = m.org_id AND mo.area_code LIKE :pattern)
    OR EXISTS (SELECT 1 FROM households mh JOIN buildings mb ON mb.id = mh.building_id
               WHERE mh.id = m.household_id AND mb.grid_code LIKE :pattern))"""


def pattern(actor: Actor) -> str:
    """The LIKE pattern of the actor's scope."""
    return like_pattern(actor.scope)


def label(kind: str, code: str | None) -> str | None:
    """The Chinese page word of a code (`pa_<kind>_<code>` in catalog.toml), so pages never show codes."""
    if code is None:
        return None
    return LABELS["zh"].get(f"pa_{kind}_{code}", LABELS["zh"].get(code, code))


def not_future(day: date, what: str) -> date:
    """The day, unless it lies after today (Beijing): what was held or reported has happened."""
    if day > china_today():
        raise InvalidInput(msg("{what}: the day {day} lies in the future", what=what, day=day.isoformat()))
    return day
