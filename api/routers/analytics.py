"""Analytics under /api/v1/analytics: counts and rates per grid and hexagon, hot spots."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import ActorDep, ReadSessionDep
from api.errors import request_lang
from api.params import IsoDate, IsoDateTime
from api.schemas.analytics import (
    BuildingVisits,
    Emerging,
    FieldFigures,
    GridHotspots,
    Hexbins,
    Series,
    Warnings,
)
from api.schemas.common import BINARY, GeoJSONResponse, files, geojson
from api.schemas.league import League, Workers
from geo.analytics import (
    building_visits,
    density,
    emerging,
    export,
    field,
    grid_layers,
    hexbins,
    league,
    series,
    warnings,
)
from geo.analytics.hotspots import MAX_PERMUTATIONS
from geo.analytics.window import window
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.time import CHINA
from geo.territory.areas import parse_bbox

router = APIRouter(prefix="/analytics", tags=["analytics"])

Since = Annotated[IsoDateTime | None, Query(alias="from", description="Default: 30 days before `to`")]
Until = Annotated[IsoDateTime | None, Query(alias="to", description="Default: now (to the next minute)")]
Categories = Annotated[list[str] | None, Query(alias="category", description="Only these categories (repeatable)")]
Statuses = Annotated[list[str] | None, Query(alias="status", description="Only cases now in these states (repeatable)")]


Resolution = Annotated[int | None, Query(description=f"H3 resolution {hexbins.MIN_RES}..{hexbins.MAX_RES}")]
Zoom = Annotated[int | None, Query(description="Map zoom: picks the resolution (hexagons about 30 pixels wide)")]
Bbox = Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")]


def _resolution(resolution: int | None, zoom: int | None) -> int:
    if resolution is None and zoom is None:
        raise InvalidInput(msg("hexagons need a resolution or a zoom"))
    return hexbins.check_resolution(resolution) if resolution is not None else hexbins.resolution_for_zoom(zoom)


def _geojson(body: dict) -> GeoJSONResponse:
    return GeoJSONResponse(body)


@router.get("/hotspots", response_class=GeoJSONResponse,
            responses=geojson(GridHotspots | Hexbins, "Grids (level=grid), or H3 hexagons (level=hex)"))
def hotspots(
    session: ReadSessionDep, actor: ActorDep, since: Since = None, until: Until = None, category: Categories = None,
    status: Statuses = None,
    level: Annotated[str, Query(pattern="^(grid|hex)$", description="grid, or hex (H3 hexagons)")] = "grid",
    measure: Annotated[str, Query(description="grid level: count, per_1000_residents or per_100_households")]
    = "count",
    alpha: Annotated[float, Query(gt=0, lt=1, description="False discovery rate held across all cells")] = 0.05,
    permutations: Annotated[int | None, Query(ge=99, le=MAX_PERMUTATIONS,
                                              description="Default 9999: the smallest p-value is 2/(permutations+1)")] = None,
    geometry: Annotated[bool, Query(description="grid level, false: properties only, to style tiles by code")] = True,
    inference: Annotated[str, Query(description="auto (permutations up to 2,500 cells, else Gi*'s normal law), "
                                                "permutation or normal")] = "auto",
    resolution: Resolution = None, zoom: Zoom = None, bbox: Bbox = None,
):
    """Every grid (or hexagon) you may see with its cases, rates, Getis-Ord Gi* and local Moran's I, and
    `significant` (two-sided permutation p-value within the Benjamini-Hochberg cut-off at `alpha`) and
    `hotspot` (hot or cold)."""
    win = window(since, until, category, status)
    if level == "hex":
        return _geojson(hexbins.hexbins(session, actor, win, _resolution(resolution, zoom), bbox=parse_bbox(bbox),
                                        hot=True, alpha=alpha, permutations=permutations, inference=inference))
    return _geojson(grid_layers.grid_hotspots(session, actor, win, measure=measure, alpha=alpha,
                                              permutations=permutations, inference=inference, geometry=geometry))


@router.get("/hexbins", response_class=GeoJSONResponse, responses=geojson(Hexbins))
def hexagon_bins(session: ReadSessionDep, actor: ActorDep, since: Since = None, until: Until = None,
                 category: Categories = None, status: Statuses = None, resolution: Resolution = None, zoom: Zoom = None,
                 bbox: Bbox = None):
    """Cases per H3 hexagon (zeros included over your grids), with households and cases per 100 households."""
    win = window(since, until, category, status)
    return _geojson(hexbins.hexbins(session, actor, win, _resolution(resolution, zoom), bbox=parse_bbox(bbox)))


@router.get("/emerging", response_model=Emerging)
def emerging_hotspots(
    session: ReadSessionDep, actor: ActorDep, until: Until = None, category: Categories = None,
    weeks: Annotated[int, Query(description="Whole weeks tested, ending before the week of `to`")] = 12,
    recent: Annotated[int, Query(description="The last weeks whose mean must exceed the earlier weeks'")] = 4,
    alpha: Annotated[float, Query(description="False discovery rate across grids")] = 0.05,
) -> dict:
    """Grids whose weekly counts rise significantly (Mann-Kendall, Benjamini-Hochberg), emerging ones first."""
    return emerging.emerging(session, actor, window(None, until).until, weeks=weeks, recent=recent,
                             categories=category, alpha=alpha)


@router.get("/warnings", response_model=Warnings)
def warnings_of_the_day(
    session: ReadSessionDep, actor: ActorDep, category: Categories = None,
    on: Annotated[IsoDate | None, Query(description="The day of the list (default today): the week before it is tested")]
    = None,
    history: Annotated[int, Query(description="Weeks of history giving the usual rate")] = 8,
    ratio: Annotated[float, Query(description="Flag at least this many times the usual")] = 3.0,
    min_count: Annotated[int, Query(description="Flag only pairs with at least this many cases this week")] = 3,
    alpha: Annotated[float, Query(description="False discovery rate across every pair tested")] = 0.05,
) -> dict:
    """The early-warning list: grid and category pairs with far more cases this week than usual, with evidence."""
    return warnings.early_warnings(session, actor, on or datetime.now(CHINA).date(), history=history, ratio=ratio,
                                   min_count=min_count, alpha=alpha, categories=category)


Format = Annotated[str, Query(pattern="^(json|csv|xlsx)$", description="json, or a csv / xlsx file to download")]
# The table as JSON (the response model), or as a file of another format.
TABLE_FILES = {200: {"content": {t: {"schema": BINARY} for t in export.FORMATS.values()}}}


def _table(body: dict, fmt: str, name: str, lang: str):
    if fmt == "json":
        return body
    content = export.table_bytes(body["rows"], fmt, lang, title=name)
    return Response(content, media_type=export.FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/league", response_model=League, responses=TABLE_FILES)
def league_table(
    request: Request, session: ReadSessionDep, actor: ActorDep, since: Since = None, until: Until = None,
    level: Annotated[str, Query(description="grid, community or street")] = "grid",
    sort: Annotated[str, Query(description="The column ranking the rows, best first")] = "on_time_rate",
    format: Format = "json",
):
    """KPIs per grid, community or street with their change since the window before, and the workload per worker."""
    body = league.league(session, actor, level, window(since, until), sort=sort)
    return _table(body, format, f"league-{level}", request_lang(request))


@router.get("/workers", response_model=Workers, responses=TABLE_FILES)
def worker_table(request: Request, session: ReadSessionDep, actor: ActorDep, since: Since = None, until: Until = None,
                 format: Format = "json"):
    """Every grid worker and leader on duty: open cases now, cases assigned and closed in the window, on-time rate."""
    return _table(league.workers(session, actor, window(since, until)), format, "workers", request_lang(request))


@router.get("/density.png", response_class=Response,
            responses=files("image/png", description="A transparent PNG in Web Mercator pixels"))
def density_png(
    session: ReadSessionDep, actor: ActorDep, since: Since = None, until: Until = None, category: Categories = None,
    status: Statuses = None,
    bbox: Annotated[str, Query(description="minlon,minlat,maxlon,maxlat: the image's extent")] = None,
    width: Annotated[int, Query(description="Pixels")] = 512, height: Annotated[int, Query(description="Pixels")] = 512,
    bandwidth: Annotated[float, Query(description="Kernel bandwidth in metres")] = 150.0,
) -> Response:
    """A kernel-density surface of cases over `bbox` as a transparent PNG (Web Mercator pixels, for an image overlay).
    `X-Density-Max` gives the darkest colour's value in cases per km²."""
    found = density.density(session, actor, window(since, until, category, status), parse_bbox(bbox), width, height,
                            bandwidth)
    return Response(found.png, media_type="image/png", headers={
        "X-Density-Max": str(found.max_per_km2), "X-Cases": str(found.cases), "Cache-Control": "private, max-age=60"})


@router.get("/series", response_model=Series)
def time_series(
    session: ReadSessionDep, actor: ActorDep, since: Since = None, until: Until = None, category: Categories = None,
    interval: Annotated[str, Query(description="day, week (from Monday) or month, Beijing time")] = "week",
    area: Annotated[str | None, Query(description="A street, community or grid code (default: your scope)")] = None,
) -> dict:
    """Cases, closed and closed on time per day, week or month, empty periods included."""
    return series.series(session, actor, window(since, until, category, default_days=91), interval, area=area)


@router.get("/field", response_model=FieldFigures)
def field_figures(
    session: ReadSessionDep, actor: ActorDep,
    level: Annotated[str, Query(description="grid, community or street")] = "grid",
    first: Annotated[IsoDate | None, Query(alias="from", description="First Beijing day (default: 29 days before `to`)")]
    = None,
    last: Annotated[IsoDate | None, Query(alias="to", description="Last Beijing day, included (default: today)")] = None,
    area: Annotated[str | None, Query(description="A street, community or grid code (default: your scope)")] = None,
) -> dict:
    """Visit coverage, care on time, proactive finding, patrol hours and km per worker and key points covered, per
    area, each with its numerator and denominator."""
    return field.field(session, actor, level, first, last, area=area)


@router.get("/building-visits", response_class=GeoJSONResponse, responses=geojson(BuildingVisits))
def building_visit_days(
    session: ReadSessionDep, actor: ActorDep,
    bbox: Annotated[str, Query(description="minlon,minlat,maxlon,maxlat: the view")],
    limit: Annotated[int, Query(ge=1, le=building_visits.MAX_LIMIT)] = building_visits.MAX_LIMIT,
):
    """Buildings in the view within your scope as points, each with its households and the day of its last visit
    and the days since (null: never visited); no personal data."""
    box = parse_bbox(bbox)
    return _geojson(building_visits.building_visits(session, actor.scope, box, limit=limit))
