"""Who may see what: the one place that turns a caller's scope into a filter.

Area codes nest by prefix (district 6 digits, street 9, community 12, grid 15), so a scope is
a code prefix and "visible" is a LIKE on the code of the grid or area a row belongs to.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.models import SCOPE_PREFIX, Area, Level, Role


@dataclass(frozen=True)
class Scope:
    """A caller's role and the area they may see; `area_code` None means everything."""

    role: Role
    area_code: str | None = None
    area_level: Level | None = None

    @property
    def prefix(self) -> str | None:
        """The code prefix every visible area code starts with."""
        if self.area_code is None:
            return None
        if self.area_level is None:  # NOWHERE
            return self.area_code
        return self.area_code[:SCOPE_PREFIX[self.area_level]]

    def covers_code(self, code: str | None) -> bool:
        """Whether an area code lies within this scope (in Python, for single objects)."""
        return self.prefix is None or (code is not None and code.startswith(self.prefix))


EVERYTHING = Scope(Role.admin)
# No area code starts with "-": a resident's scope holds no area. They reach their own reports, household and needs
# through their account, never through an area, so a filter that forgot them would show nothing rather than all.
NOWHERE = "-"


def scope_for(session: Session, role: str, area_code: str | None) -> Scope:
    """The Scope of a role over an area, checking that the area exists."""
    if Role(role) == Role.resident:
        return Scope(Role.resident, NOWHERE)
    if area_code is None:
        if Role(role) != Role.admin:
            raise InvalidInput(msg("role {role} needs a scope (a district, street, community or grid code)", role=role))
        return Scope(Role.admin)
    level = session.scalar(select(Area.level).where(Area.code == area_code))  # not the whole row: geometry is big
    if level is None:
        raise InvalidInput(msg("scope {code}: no such district, street, community or grid", code=area_code))
    return Scope(Role(role), area_code, Level(level))


def visible(scope: Scope, code_column) -> ColumnElement[bool]:
    """SQL condition: the row whose area/grid code is `code_column` is inside `scope`."""
    if scope.prefix is None:
        return true()
    return code_column.startswith(scope.prefix, autoescape=True)


def like_pattern(scope: Scope) -> str:
    """The LIKE pattern (for hand-written SQL) matching every area code inside `scope`."""
    if scope.prefix is None:
        return "%"
    return scope.prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
