"""Cases: intake from every channel, lists and detail within scope, workflow transitions, attachments."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, ReadSessionDep, SessionDep
from api.files import FILE_RESPONSE, file_response
from api.params import IsoDateTime
from api.schemas.cases import Attachment, Case, CaseList, Heat, Preview
from geo.analytics import heat as heat_layer
from geo.analytics.window import window
from geo.cases import intake, reading, workflow
from geo.cases.attachments import add_file, stored_file
from geo.cases.categories import categories
from geo.core import geojson
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.models import CaseStatus
from geo.territory.areas import parse_bbox

router = APIRouter(prefix="/cases", tags=["cases"])


class Reporter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=20, pattern=r"^[0-9+\-]{5,20}$")


class CaseIn(BaseModel):
    """A report: where (lon/lat in any crs, or a building), what (category, description), from whom."""

    model_config = ConfigDict(extra="forbid")
    category: str = Field(max_length=32)
    lon: float | None = Field(default=None, allow_inf_nan=False)
    lat: float | None = Field(default=None, allow_inf_nan=False)
    crs: str | None = Field(default=None, max_length=20)
    building_id: int | None = None
    address: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    channel: Literal[intake.CHANNELS] = "patrol"  # type: ignore[valid-type]
    urgency: Literal[intake.URGENCIES] = "normal"  # type: ignore[valid-type]
    reporter: Reporter | None = None
    occurred_at: IsoDateTime | None = None


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(max_length=24)
    version: int = Field(ge=1)
    note: str | None = Field(default=None, max_length=2000)
    assignee_id: int | None = None
    rating: Literal[workflow.RATINGS] | None = None  # type: ignore[valid-type]
    target_id: int | None = None
    department: str | None = Field(default=None, max_length=40, description="For assist and whistle: the department")


REPLAYED = {200: {"model": Case, "description": "The case an earlier request with this Idempotency-Key made"}}


@router.post("", status_code=201, response_model=Case, responses=REPLAYED)
def create(session: SessionDep, actor: ActorDep, body: CaseIn, response: Response,
           idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> dict:
    """Report a case; it is located, routed and dispatched. Retries with the same Idempotency-Key return the same case."""
    new = intake.NewCase(**body.model_dump(exclude={"reporter"}),
                         reporter_name=body.reporter.name if body.reporter else None,
                         reporter_phone=body.reporter.phone if body.reporter else None)
    case_id, created = intake.create_case(session, new, actor, idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return reading.get_case(session, case_id, actor)


@router.get("", response_model=CaseList)
def list_cases(
    session: SessionDep, actor: ActorDep,
    status: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    since: Annotated[IsoDateTime | None, Query(alias="from")] = None,
    until: Annotated[IsoDateTime | None, Query(alias="to")] = None,
    overdue: bool | None = None,
    open: Annotated[bool, Query(description="Only cases not yet closed")] = False,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    polygon: Annotated[str | None, Query(description="A GeoJSON Polygon the cases must lie in")] = None,
    limit: Annotated[int, Query(ge=1, le=reading.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    """Cases you may see, newest first: by status, category, time, overdue, bbox or polygon."""
    _known(status, [s.value for s in CaseStatus], "unknown status {value!r}; allowed: {allowed}")
    _known(category, list(categories()), "unknown category {value!r}; allowed: {allowed}")
    return reading.list_cases(session, actor, status=status, category=category, since=since, until=until,
                              overdue=overdue, open_only=open, bbox=parse_bbox(bbox), polygon=_polygon(polygon),
                              limit=limit, offset=offset)


@router.get("/heat", response_model=Heat)
def heat(
    session: ReadSessionDep, actor: ActorDep,
    zoom: Annotated[int, Query(ge=0, le=heat_layer.MAX_ZOOM, description="Map zoom: cells are about 2 pixels wide")],
    since: Annotated[IsoDateTime | None, Query(alias="from", description="Default: 30 days before `to`")] = None,
    until: Annotated[IsoDateTime | None, Query(alias="to", description="Default: now")] = None,
    category: Annotated[list[str] | None, Query()] = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
) -> dict:
    """Cases reported in a period you may see, as `[lat, lon, count]` per cell, for a heat layer."""
    return heat_layer.heat(session, actor, window(since, until, category), zoom=zoom, bbox=parse_bbox(bbox))


@router.get("/preview", response_model=Preview)
def preview(session: SessionDep, actor: ActorDep, category: str,
            lon: Annotated[float, Query(allow_inf_nan=False)], lat: Annotated[float, Query(allow_inf_nan=False)],
            crs: str | None = None) -> dict:
    """Where a case at this point would go: grid, handler level, the person routing picks, and the deadline."""
    return intake.preview(session, actor, category, lon, lat, crs)


@router.get("/mine", response_model=CaseList)
def my_cases(session: SessionDep, actor: ActorDep, open: bool = True,
             limit: Annotated[int, Query(ge=1, le=reading.MAX_LIMIT)] = 100,
             offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    """The cases assigned to you (a grid worker's task list)."""
    return reading.list_cases(session, actor, open_only=open, mine=True, limit=limit, offset=offset)


@router.get("/{case_id}", response_model=Case)
def get_case(session: SessionDep, actor: ActorDep, case_id: int) -> dict:
    """One case with its full history, reporters (masked) and attachments."""
    return reading.get_case(session, case_id, actor)


@router.post("/{case_id}/transitions", response_model=Case)
def transition(session: SessionDep, actor: ActorDep, case_id: int, body: TransitionIn) -> dict:
    """Move a case on: send the action and the `version` you last saw (409 if it changed or the action is not allowed)."""
    request = workflow.StepInput(body.note, body.assignee_id, body.rating, body.target_id, body.department)
    workflow.transition(session, case_id, body.action, body.version, actor, request)
    return reading.get_case(session, case_id, actor)


SAME_FILE = {200: {"model": Attachment, "description": "The same content was already attached: its first record"}}


@router.post("/{case_id}/attachments", status_code=201, response_model=Attachment, responses=SAME_FILE)
def attach(session: SessionDep, actor: ActorDep, case_id: int, file: UploadFile, response: Response) -> dict:
    """Add a photo or document (JPEG, PNG, WebP or PDF, at most WANGGE_ATTACHMENTS_MAX_BYTES); the same file sent
    again returns its first record (200)."""
    workflow.attachable_case(session, case_id, actor)
    record, created = add_file(session, "case_attachments", case_id, file.filename, file.content_type or "", file.file)
    if not created:
        response.status_code = 200
    return record


@router.get("/{case_id}/attachments/{attachment_id}", response_class=Response, responses=FILE_RESPONSE)
def attachment(session: SessionDep, actor: ActorDep, case_id: int, attachment_id: int) -> Response:
    """One photo or document of a case you may read."""
    workflow.visible_case(session, case_id, actor)
    return file_response(*stored_file(session, "case_attachments", case_id, attachment_id))


def _known(values: list[str] | None, allowed: list[str], template: str) -> None:
    """Refuse a filter value that names nothing: an empty list would read as "no such cases" (a typo kept silent)."""
    unknown = [v for v in values or () if v not in allowed]
    if unknown:
        raise InvalidInput(msg(template, value=unknown[0], allowed=", ".join(allowed)))


def _polygon(value: str | None) -> dict | None:
    if value is None:
        return None
    try:
        geometry = json.loads(value)
    except json.JSONDecodeError:
        raise InvalidInput(msg("polygon must be a GeoJSON Polygon or MultiPolygon")) from None
    geojson.read(geometry, ("Polygon", "MultiPolygon"))
    return geometry
