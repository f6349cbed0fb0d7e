"""Analytics under /api/v1/analytics: counts and rates per grid, hot spots."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import ActorDep, SessionDep
from geo.analytics import grid_layers
from geo.analytics.hotspots import MAX_PERMUTATIONS
from geo.analytics.window import window

router = APIRouter(prefix="/analytics", tags=["analytics"])

Since = Annotated[datetime | None, Query(alias="from", description="Default: 30 days before `to`")]
Until = Annotated[datetime | None, Query(alias="to", description="Default: now (to the next minute)")]
Categories = Annotated[list[str] | None, Query(alias="category", description="Only these categories (repeatable)")]
Statuses = Annotated[list[str] | None, Query(alias="status", description="Only cases now in these states (repeatable)")]


@router.get("/hotspots", response_class=JSONResponse)
def hotspots(
    session: SessionDep, actor: ActorDep, since: Since = None, until: Until = None, category: Categories = None,
    status: Statuses = None,
    level: Annotated[str, Query(pattern="^grid$", description="grid (hexagons: see /analytics/hexbins)")] = "grid",
    measure: Annotated[str, Query(description="count, per_1000_residents or per_100_households")] = "count",
    alpha: Annotated[float, Query(gt=0, lt=1, description="False discovery rate held across all cells")] = 0.05,
    permutations: Annotated[int | None, Query(ge=99, le=MAX_PERMUTATIONS,
                                              description="Default: 999, or 9999 when there are many cells")] = None,
    geometry: Annotated[bool, Query(description="false: properties only, to style the grid tiles by code")] = True,
):
    """Every grid you may see with its cases, rates, Getis-Ord Gi* and local Moran's I, and `significant`
    (permutation p-value within the Benjamini-Hochberg cut-off at `alpha`) and `hotspot` (hot or cold)."""
    win = window(since, until, category, status)
    return JSONResponse(grid_layers.grid_hotspots(session, actor, win, measure=measure, alpha=alpha,
                                                  permutations=permutations, geometry=geometry),
                        media_type="application/geo+json")
