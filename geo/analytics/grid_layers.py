"""Per-grid analytics as GeoJSON: counts, rates and hot-spot statistics, for the API and the map."""

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import Scope, like_pattern
from geo.analytics.adjacency import grid_neighbours
from geo.analytics.grid_counts import grid_counts
from geo.analytics.hotspots import Spot, hotspots, inference_for
from geo.analytics.window import Window
from geo.core.cache import cached
from geo.core.errors import InvalidInput
from geo.core.i18n import msg

MEASURES = ("count", "per_1000_residents", "per_100_households")
SIMPLIFY_DEG = 0.00002  # about 2 m: a district's grids stay a few hundred KB


def grid_geometries(session: Session, scope: Scope) -> dict[str, dict]:
    """GeoJSON geometry (simplified) of every grid in `scope`, cached until boundaries change."""
    def compute():
        rows = session.execute(text("SELECT code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tol), 6) FROM areas "
                                    "WHERE level = 'grid' AND code LIKE :grids"),
                               {"tol": SIMPLIFY_DEG, "grids": like_pattern(scope)})
        return {code: json.loads(geometry) for code, geometry in rows}
    return cached(session, ("areas",), ("grid_geometries", scope.prefix), compute)


def _value(count, measure: str) -> float | None:
    return float(count.cases) if measure == "count" else getattr(count, measure)


def grid_hotspots(session: Session, actor: Actor, win: Window, *, measure: str = "count", alpha: float = 0.05,
                  permutations: int | None = None, inference: str = "auto", geometry: bool = True) -> dict:
    """A FeatureCollection of the caller's grids: cases in `win`, rates, and Gi*/local Moran on `measure`."""
    if measure not in MEASURES:
        raise InvalidInput(msg("measure must be one of {measures}", measures=", ".join(MEASURES)))

    def compute():
        counts = grid_counts(session, actor, win)
        values = {c.code: _value(c, measure) for c in counts}
        how = inference_for(sum(v is not None for v in values.values()), inference)
        spots = hotspots(values, grid_neighbours(session, actor.scope), alpha=alpha, permutations=permutations,
                         inference=how)
        return [(c, values[c.code], spots.get(c.code, Spot())) for c in counts], how

    key = ("grid_hotspots", actor.scope.prefix, win, measure, alpha, permutations, inference)
    rows, how = cached(session, ("cases", "areas", "people"), key, compute)
    shapes = grid_geometries(session, actor.scope) if geometry else {}
    features = [{"type": "Feature", "id": count.code, "geometry": shapes.get(count.code),
                 "properties": count.as_dict() | {"value": value} | spot.as_dict()} for count, value, spot in rows]
    return {"type": "FeatureCollection", "features": features,
            "window": {"from": win.since.isoformat(), "to": win.until.isoformat()}, "measure": measure, "alpha": alpha,
            "inference": how,
            "significant": sum(1 for _, _, s in rows if s.significant)}
