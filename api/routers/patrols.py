"""Patrols (巡查): the phone starts one, sends positions, checks in at key points, reports what it finds, finishes;
supervisors read the tracks of their area (each read audited)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import Field

from api.deps import ActorDep, SessionDep
from api.params import Body, IsoDate, IsoDateTime
from api.schemas.cases import Case
from api.schemas.common import GeoJSONResponse, geojson
from api.schemas.field_patrols import (
    Checkin,
    Patrol,
    PointsResult,
    TrackFeature,
    Tracks,
)
from geo.cases import intake, reading
from geo.field import patrols, tracks

router = APIRouter(prefix="/patrols", tags=["patrols"])
IdempotencyKey = Annotated[str | None, Header(max_length=200, description="Retries with the same key are answered "
                                                                          "with what the first made (200)")]


class PatrolIn(Body):
    """A start: when (default now; at most a day back) and where (for community staff, whose grid it decides)."""

    started_at: IsoDateTime | None = Field(default=None, description="ISO 8601 with its UTC offset")
    lon: float | None = None
    lat: float | None = None


class PointIn(Body):
    """A position from the phone: its own timestamp (ISO 8601 with offset), WGS84, accuracy radius in metres."""

    t: IsoDateTime
    lon: float
    lat: float
    accuracy: float | None = Field(default=None, description="Metres; fixes over 100 m are left out of the length")


class PointsIn(Body):
    points: list[PointIn] = Field(description="At most WANGGE_PATROL_BATCH_POINTS positions, in any order")


class CheckinIn(Body):
    checkpoint_id: int
    lon: float
    lat: float
    accuracy: float | None = None
    t: IsoDateTime | None = Field(default=None, description="When (default now)")


class FinishIn(Body):
    finished_at: IsoDateTime | None = Field(default=None, description="Default now (or the last position's time)")


class PatrolCaseIn(Body):
    """A problem found on the patrol: it becomes a case on the patrol channel."""

    category: str = Field(max_length=32)
    lon: float | None = None
    lat: float | None = None
    crs: str | None = Field(default=None, max_length=20)
    building_id: int | None = None
    address: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    urgency: Literal[intake.URGENCIES] = "normal"  # type: ignore[valid-type]
    occurred_at: IsoDateTime | None = None


def _replayed(model, what: str) -> dict:
    return {200: {"model": model, "description": what}}


@router.post("", status_code=201, response_model=Patrol,
             responses=_replayed(Patrol, "The patrol an earlier request with this Idempotency-Key started"))
def start(session: SessionDep, actor: ActorDep, body: PatrolIn, response: Response,
          idempotency_key: IdempotencyKey = None) -> dict:
    """Start your patrol (one open at a time: 409 names the open one in `patrol_id`)."""
    patrol, created = patrols.start_patrol(session, actor, started_at=body.started_at, lon=body.lon, lat=body.lat,
                                           idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return patrol


@router.get("/current", response_model=Patrol | None)
def current(session: SessionDep, actor: ActorDep) -> dict | None:
    """Your open patrol, or null."""
    return patrols.current(session, actor)


@router.get("", response_class=GeoJSONResponse, responses=geojson(Tracks))
def list_patrols(
    session: SessionDep, actor: ActorDep,
    staff: Annotated[int | None, Query(description="Only this staff member's patrols")] = None,
    grid: Annotated[str | None, Query(max_length=15, description="Only patrols in this grid")] = None,
    since: Annotated[IsoDate | None, Query(alias="from", description="Started on or after this Beijing day")] = None,
    until: Annotated[IsoDate | None, Query(alias="to", description="Started on or before this Beijing day")] = None,
    limit: Annotated[int, Query(ge=1, le=tracks.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """Patrols with their tracks, newest first: a grid worker's own, others' those of grids in their scope."""
    return GeoJSONResponse(tracks.list_tracks(session, actor, staff=staff, grid=grid, since=since, until=until,
                                              limit=limit, offset=offset))


@router.get("/{patrol_id}", response_class=GeoJSONResponse, responses=geojson(TrackFeature))
def get_patrol(session: SessionDep, actor: ActorDep, patrol_id: int):
    """One patrol with its track."""
    return GeoJSONResponse(tracks.get_track(session, actor, patrol_id))


@router.post("/{patrol_id}/points", response_model=PointsResult)
def add_points(session: SessionDep, actor: ActorDep, patrol_id: int, body: PointsIn) -> dict:
    """Positions of your open patrol; each timestamp is stored once, so a batch may be sent again."""
    return patrols.record_points(session, actor, patrol_id, [p.model_dump() for p in body.points])


@router.post("/{patrol_id}/checkins", status_code=201, response_model=Checkin,
             responses=_replayed(Checkin, "You had already checked in at this key point on this patrol"))
def check_in(session: SessionDep, actor: ActorDep, patrol_id: int, body: CheckinIn, response: Response) -> dict:
    """Check in at a key point, within WANGGE_CHECKIN_METRES of it (422 names the distance otherwise)."""
    checkin, created = patrols.check_in(session, actor, patrol_id, body.checkpoint_id, body.lon, body.lat,
                                        body.accuracy, body.t)
    if not created:
        response.status_code = 200
    return checkin


@router.post("/{patrol_id}/finish", response_model=Patrol)
def finish(session: SessionDep, actor: ActorDep, patrol_id: int, body: FinishIn | None = None) -> dict:
    """Finish your patrol; finishing it again returns it."""
    return patrols.finish_patrol(session, actor, patrol_id, body.finished_at if body else None)


@router.post("/{patrol_id}/cases", status_code=201, response_model=Case,
             responses=_replayed(Case, "The case an earlier request with this Idempotency-Key made"))
def report_case(session: SessionDep, actor: ActorDep, patrol_id: int, body: PatrolCaseIn, response: Response,
                idempotency_key: IdempotencyKey = None) -> dict:
    """Report a problem found on your patrol: a case on the patrol channel naming the patrol (photos: POST
    /cases/{id}/attachments)."""
    case_id, created = patrols.report_case(session, actor, patrol_id, intake.NewCase(**body.model_dump()),
                                           idempotency_key)
    if not created:
        response.status_code = 200
    return reading.get_case(session, case_id, actor)
