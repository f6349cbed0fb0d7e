"""Cases per grid in a window, with the grid's households and residents and the rates they give.

Rates keep big grids from always looking worst: cases per 1,000 residents and per 100 households.
A grid with nobody registered (a school, a market) has no rate, not an infinite one.
"""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import like_pattern
from geo.analytics.window import Window, window_filters

COUNTS = """
WITH g AS (SELECT code, name, parent_code, kind FROM areas WHERE level = 'grid' AND code LIKE :grids),
n AS (SELECT c.grid_code, count(*) AS cases FROM cases c WHERE {where} AND c.grid_code LIKE :grids GROUP BY 1),
p AS (SELECT b.grid_code, count(DISTINCT h.id) AS households, count(r.id) AS residents
      FROM buildings b JOIN households h ON h.building_id = b.id LEFT JOIN residents r ON r.household_id = h.id
      WHERE b.grid_code LIKE :grids GROUP BY 1)
SELECT g.code, g.name, g.parent_code, g.kind, coalesce(n.cases, 0) AS cases,
       coalesce(p.households, 0) AS households, coalesce(p.residents, 0) AS residents
FROM g LEFT JOIN n ON n.grid_code = g.code LEFT JOIN p ON p.grid_code = g.code ORDER BY g.code
"""


@dataclass
class GridCount:
    """One grid's cases in a window and its population."""

    code: str
    name: str
    parent_code: str | None
    kind: str
    cases: int
    households: int
    residents: int

    @property
    def per_1000_residents(self) -> float | None:
        """Cases per 1,000 registered residents (None without residents)."""
        return round(self.cases * 1000 / self.residents, 3) if self.residents else None

    @property
    def per_100_households(self) -> float | None:
        """Cases per 100 households (None without households)."""
        return round(self.cases * 100 / self.households, 3) if self.households else None

    def as_dict(self) -> dict:
        """The figures as the API returns them."""
        return {"code": self.code, "name": self.name, "parent_code": self.parent_code, "kind": self.kind,
                "cases": self.cases, "households": self.households, "residents": self.residents,
                "per_1000_residents": self.per_1000_residents, "per_100_households": self.per_100_households}


def grid_counts(session: Session, actor: Actor, win: Window) -> list[GridCount]:
    """Every grid in the caller's scope (those without cases too) with its cases in `win`, by code."""
    where, params = window_filters(actor, win)
    params["grids"] = like_pattern(actor.scope)
    return [GridCount(*row) for row in session.execute(text(COUNTS.format(where=where)), params)]
