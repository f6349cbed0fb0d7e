"""Household visits (走访): record one (with a case for a finding), add its photos, list them within scope."""

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, UploadFile
from pydantic import Field

from api.deps import ActorDep, SessionDep
from api.params import Body, IsoDate, IsoDateTime
from api.schemas.cases import Attachment
from api.schemas.field_visits import Visit, Visits
from geo.cases.intake import URGENCIES
from geo.field import visits as geo_visits

router = APIRouter(prefix="/visits", tags=["visits"])


class FindingIn(Body):
    category: str = Field(max_length=32)
    description: str | None = Field(default=None, max_length=2000)
    urgency: Literal[URGENCIES] = "normal"  # type: ignore[valid-type]


class VisitIn(Body):
    """A visit: its kind, whom (a household, a resident for care; a building for a safety check), when, what."""

    kind: Literal["home", "return", "help", "safety", "care"]
    household_id: int | None = None
    resident_id: int | None = None
    building_id: int | None = None
    visited_at: IsoDateTime | None = Field(default=None, description="Default now; at most 30 days back")
    findings: str | None = Field(default=None, max_length=2000)
    need: str | None = Field(default=None, max_length=2000)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    case: FindingIn | None = Field(default=None, description="A finding to handle: a case (channel patrol) is made")


REPLAYED = {200: {"model": Visit, "description": "The visit an earlier request with this Idempotency-Key recorded"}}
SAME_FILE = {200: {"model": Attachment, "description": "The same photo was already added: its first record"}}


@router.post("", status_code=201, response_model=Visit, responses=REPLAYED)
def record_visit(session: SessionDep, actor: ActorDep, body: VisitIn, response: Response,
                 idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> dict:
    """Record a visit; retries with the same Idempotency-Key return the same visit (and the same case)."""
    fields = body.model_dump(exclude={"case"})
    finding = geo_visits.Finding(**body.case.model_dump()) if body.case else None
    visit_id, created = geo_visits.record_visit(session, actor, geo_visits.NewVisit(**fields, case=finding),
                                                idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return geo_visits.get_visit(session, actor, visit_id)


@router.get("", response_model=Visits)
def list_visits(
    session: SessionDep, actor: ActorDep,
    grid: Annotated[str | None, Query(max_length=15, description="Grid (or community, street) code")] = None,
    staff: Annotated[int | None, Query(description="Staff id of the visitor")] = None,
    building: Annotated[int | None, Query(description="Building id")] = None,
    household: Annotated[int | None, Query(description="Household id")] = None,
    kind: Annotated[Literal["home", "return", "help", "safety", "care"] | None, Query()] = None,
    from_: Annotated[IsoDate | None, Query(alias="from", description="First Beijing day")] = None,
    to: Annotated[IsoDate | None, Query(description="Last Beijing day (inclusive)")] = None,
    limit: Annotated[int, Query(ge=1, le=geo_visits.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    """Visits of your scope, newest first; residents' names masked for roles without full names."""
    return geo_visits.list_visits(session, actor, grid=grid, staff=staff, building=building, household=household,
                                  kind=kind, since=from_, until=to, limit=limit, offset=offset)


@router.post("/{visit_id}/attachments", status_code=201, response_model=Attachment, responses=SAME_FILE)
def attach_photo(session: SessionDep, actor: ActorDep, visit_id: int, file: UploadFile, response: Response) -> dict:
    """Add a photo (JPEG, PNG or WebP, at most WANGGE_ATTACHMENTS_MAX_BYTES) to your own visit; the same photo sent
    again returns its first record (200)."""
    record, created = geo_visits.add_photo(session, actor, visit_id, file.filename, file.content_type or "", file.file)
    if not created:
        response.status_code = 200
    return record
