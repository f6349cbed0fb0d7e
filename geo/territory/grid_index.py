"""The grids in force, held in memory for locate: one STRtree per server process, rebuilt when boundaries change.

Locating is the hottest read of all (every case, every patrol report, every hotline call). PostGIS answers
it in about a millisecond; this index answers in microseconds, and asks the database only for the version
of the areas (`data_versions`, migration 0009), which every transaction changing `area_records` raises
before it commits, so a reader never sees a new version with old boundaries or the reverse. A transaction
that has written anything itself is answered by PostGIS instead: its boundaries may be its own, uncommitted.
Same rules as the COVERING query of geo.territory.locate: a grid covers a point on its edge or vertex (for a point,
covers and intersects are one predicate), the smallest grid wins, then the lowest code.
"""

from dataclasses import dataclass
from threading import Lock

import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

GRIDS = """
SELECT g.code, g.name, g.area_m2, c.code, c.name, s.code, s.name, d.code, d.name, ST_AsBinary(g.geom)
FROM areas g
LEFT JOIN areas c ON c.code = g.parent_code
LEFT JOIN areas s ON s.code = c.parent_code
LEFT JOIN areas d ON d.code = s.parent_code
WHERE g.level = 'grid'
ORDER BY g.code
"""


@dataclass(frozen=True)
class GridIndex:
    """The grids in force at one version of the areas (or a newer one: the version is read first)."""

    version: int
    tree: shapely.STRtree
    rows: list[tuple]  # as COVERING's: grid code, name, area; community, street, district code and name

    def covering(self, x: float, y: float) -> list[tuple]:
        """The grids covering the point, the one that answers first."""
        hits = self.tree.query(shapely.Point(x, y), predicate="intersects")
        return sorted((self.rows[i] for i in hits), key=lambda row: (row[2], row[0]))


_current: GridIndex | None = None
_building = Lock()


def grid_index(session: Session, version: int) -> GridIndex:
    """The index for areas version `version`, built from the database when the boundaries have changed."""
    global _current
    index = _current
    if index is not None and index.version == version:
        return index
    with _building:  # one thread builds; the others wait for it rather than build again
        if _current is None or _current.version != version:
            _current = _build(session, version)
        return _current


def _build(session: Session, version: int) -> GridIndex:
    rows = session.execute(text(GRIDS)).all()
    geoms = shapely.from_wkb([bytes(r[-1]) for r in rows]) if rows else np.array([])
    return GridIndex(version, shapely.STRtree(geoms), [tuple(r[:-1]) for r in rows])


def forget() -> None:
    """Drop the index (tests: a rolled-back transaction takes its version back, so versions come again)."""
    global _current
    with _building:
        _current = None
