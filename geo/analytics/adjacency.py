"""Which grids neighbour which: queen contiguity (sharing an edge or a corner) within a scope.

Boundaries digitised by hand rarely share vertices exactly, so grids within TOLERANCE_DEG (about
1 m) of each other count as neighbours; a dedicated grid inside a hole neighbours the grid around it.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope, like_pattern
from geo.core.cache import cached

TOLERANCE_DEG = 1e-5
PAIRS = """
SELECT a.code, b.code FROM areas a JOIN areas b
  ON b.level = 'grid' AND b.code LIKE :grids AND a.code < b.code AND ST_DWithin(a.geom, b.geom, :tolerance)
WHERE a.level = 'grid' AND a.code LIKE :grids
"""


def grid_neighbours(session: Session, scope: Scope) -> dict[str, list[str]]:
    """Each grid code in `scope` → its neighbours' codes (an empty list for an island), cached until boundaries change."""
    def compute():
        pattern = like_pattern(scope)
        codes = session.execute(text("SELECT code FROM areas WHERE level = 'grid' AND code LIKE :grids ORDER BY code"),
                                {"grids": pattern}).scalars()
        neighbours: dict[str, list[str]] = {code: [] for code in codes}
        for a, b in session.execute(text(PAIRS), {"grids": pattern, "tolerance": TOLERANCE_DEG}):
            neighbours[a].append(b)
            neighbours[b].append(a)
        return neighbours
    return cached(session, ("areas",), ("grid_neighbours", scope.prefix), compute)
