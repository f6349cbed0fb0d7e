"""Boundary plans under /api/v1/plans: create (from a file or the current boundaries), read, validate, edit, publish."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, UploadFile
from pydantic import Field

from api.deps import ActorDep, SessionDep
from api.errors import request_lang
from api.params import Body, IsoDate
from api.schemas.common import BINARY, JSON_ERRORS, GeoJSONResponse, files, geojson
from api.schemas.plan_impact import Comparison, Impact
from api.schemas.plans import (
    ExportedPlan,
    MergeDone,
    PlanCollection,
    PlanCreated,
    Proposal,
    Published,
    ReassignDone,
    RedoDone,
    SplitDone,
    UndoDone,
    Unscheduled,
    Validation,
)
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.planning import (
    compare,
    edits,
    export,
    impact,
    plans,
    proposal,
    publish,
    validation,
)

router = APIRouter(prefix="/plans", tags=["planning"])


class FromCurrent(Body):
    communities: list[str] = Field(min_length=1, description="Community codes whose current grids the plan copies")
    name: str | None = None


@dataclass
class PlanSource:
    """What a plan request carries: an uploaded file (spooled by Starlette) with its fields, or a JSON body."""

    upload: UploadFile | None = None
    name: str | None = None
    crs: str | None = None
    body: bytes = b""


async def plan_source(request: Request) -> AsyncIterator[PlanSource]:
    """The request's plan source, read without blocking the event loop; the form's files closed afterwards."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        yield PlanSource(body=await request.body())
        return
    if not kind.startswith("multipart/form-data"):  # a text/plain "JSON" is what a cross-site form would send
        raise InvalidInput(msg("a plan is a JSON body (application/json) or a multipart file upload"))
    form = await request.form()
    try:
        upload = form.get("file")
        if upload is None or not hasattr(upload, "filename"):
            raise InvalidInput(msg("a plan upload needs a file field"))
        yield PlanSource(upload, *(value if isinstance(value, str) else None
                                   for value in (form.get("name"), form.get("crs"))))
    finally:
        await form.close()


@router.post("", status_code=201, response_model=PlanCreated, openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": FromCurrent.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}, "name": {"type": "string"}, "crs": {"type": "string"}}}}}}})
def create_plan(request: Request, source: Annotated[PlanSource, Depends(plan_source)], session: SessionDep,
                actor: ActorDep) -> dict:
    """A draft plan: JSON `{"communities": [...]}` copies their current grids; a multipart `file` (GeoJSON,
    GeoPackage, zipped Shapefile, CSV with WKT) holds new ones. Returns the plan's id and its validation."""
    if source.upload is not None:
        plan_id = plans.create_from_upload(session, actor, source.upload.file, source.upload.filename, source.name,
                                           source.crs)
    else:
        try:
            body = FromCurrent.model_validate_json(source.body)
        except ValueError as exc:
            raise InvalidInput(msg("a plan needs a JSON body with communities, or a file upload ({error})",
                                   error=str(exc).splitlines()[0])) from None
        plan_id = plans.create_from_current(session, actor, body.communities, body.name)
    return {"id": plan_id, "validation": validation.report_dict(validation.validate_plan(session, plan_id, actor),
                                                                request_lang(request))}


class ProposeIn(Body):
    community: str = Field(description="A community's code, or a street's: each of its communities is proposed")
    target_min: int = 300
    target_max: int = 500
    grids: int | None = Field(default=None, description="Default: households ÷ the middle of the range")
    steps: int = Field(default=200, ge=1, le=5000, description="ReCom moves")
    seed: int = 1
    name: str | None = None


# exclude_unset on propose, impact, compare and publish: what geo/ leaves out (a street's objective has no epsilon,
# an empty balance no spread, a scheduled plan no counts) stays out of the answer instead of coming back as null.
@router.post("/propose", status_code=201, response_model=Proposal, response_model_exclude_unset=True)
def propose_plan(request: Request, session: SessionDep, actor: ActorDep, body: ProposeIn) -> dict:
    """A balanced draft by ReCom for a community (or every community of a street): whole compounds or buildings,
    contiguous, within the household range, close to the grids in force; with the objective's values and its
    validation."""
    found = proposal.propose(session, actor, body.community, target=(body.target_min, body.target_max),
                             grids=body.grids, steps=body.steps, seed=body.seed, name=body.name)
    return found | {"validation": validation.report_dict(validation.validate_plan(session, found["plan"], actor),
                                                         request_lang(request))}


@router.get("/{plan_id:int}", response_class=GeoJSONResponse, responses=geojson(PlanCollection))
def get_plan(session: SessionDep, actor: ActorDep, plan_id: int):
    """The plan's grids as GeoJSON, with the plan's fields under `plan`."""
    return GeoJSONResponse(plans.plan_geojson(session, plan_id, actor))


@router.get("/{plan_id:int}/validation", response_model=Validation)
def validate(request: Request, session: SessionDep, actor: ActorDep, plan_id: int) -> dict:
    """Every problem (errors block publishing, warnings do not) with its geometry, and each grid's measures."""
    return validation.report_dict(validation.validate_plan(session, plan_id, actor), request_lang(request))


class SplitIn(Body):
    code: str
    line: dict = Field(description="GeoJSON LineString crossing the grid")
    name: str | None = Field(default=None, description="Name of the new grid")


class MergeIn(Body):
    codes: list[str] = Field(min_length=2, description="Neighbouring grids of one community; the first code stays")
    name: str | None = None


class ReassignIn(Body):
    to: str = Field(description="The grid that receives")
    area: dict | None = Field(default=None, description="GeoJSON Polygon: the land handed over")
    buildings: list[int] | None = Field(default=None, description="Or whole buildings, with the land around them")


def _after_edit(request: Request, session, actor, plan_id: int, result) -> dict:
    version = plans.plan_row(session, plan_id, actor)["version"]
    return {"result": result, "version": version,
            "validation": validation.report_dict(validation.validate_plan(session, plan_id, actor),
                                                 request_lang(request))}


@router.post("/{plan_id:int}/split", response_model=SplitDone)
def split(request: Request, session: SessionDep, actor: ActorDep, plan_id: int, body: SplitIn) -> dict:
    """Cut a grid in two along a line; the larger part keeps the code, the other gets the next unused one."""
    return _after_edit(request, session, actor, plan_id,
                       {"new_code": edits.split(session, plan_id, actor, body.code, body.line, body.name)})


@router.post("/{plan_id:int}/merge", response_model=MergeDone)
def merge(request: Request, session: SessionDep, actor: ActorDep, plan_id: int, body: MergeIn) -> dict:
    """Join neighbouring grids of one community into the first."""
    return _after_edit(request, session, actor, plan_id,
                       {"code": edits.merge(session, plan_id, actor, body.codes, body.name)})


@router.post("/{plan_id:int}/reassign", response_model=ReassignDone)
def reassign(request: Request, session: SessionDep, actor: ActorDep, plan_id: int, body: ReassignIn) -> dict:
    """Hand land (an `area` polygon: moving a shared edge, a block) or whole `buildings` to grid `to`."""
    if (body.area is None) == (body.buildings is None):
        raise InvalidInput(msg("give either area or buildings"))
    givers = (edits.reassign(session, plan_id, actor, body.to, body.area) if body.area is not None
              else edits.move_buildings(session, plan_id, actor, body.to, body.buildings))
    return _after_edit(request, session, actor, plan_id, {"from": givers})


@router.post("/{plan_id:int}/undo", response_model=UndoDone)
def undo(request: Request, session: SessionDep, actor: ActorDep, plan_id: int) -> dict:
    """Take back the last edit (409 when there is none)."""
    return _after_edit(request, session, actor, plan_id, {"undone": edits.undo(session, plan_id, actor)})


@router.post("/{plan_id:int}/redo", response_model=RedoDone)
def redo(request: Request, session: SessionDep, actor: ActorDep, plan_id: int) -> dict:
    """Apply again the first edit taken back (409 when there is none)."""
    return _after_edit(request, session, actor, plan_id, {"redone": edits.redo(session, plan_id, actor)})


@router.get("/{plan_id:int}/impact", response_model=Impact, response_model_exclude_unset=True)
def plan_impact(session: SessionDep, actor: ActorDep, plan_id: int, target_min: int = 300, target_max: int = 500) -> dict:
    """Per grid old against new (households, residents, special groups, staff, open cases, last year's cases),
    the moves between grids, and the balance against the target households per grid."""
    return impact.impact(session, plan_id, actor, (target_min, target_max))


# GeoJSON, documented by its model (GeoJSONResponse names the media type), or GeoPackage bytes.
EXPORTS = {**JSON_ERRORS, 200: {"model": ExportedPlan, "description": "The plan's grids as a file",
                                "content": {export.FORMATS["gpkg"]: {"schema": BINARY}}}}


@router.get("/{plan_id:int}/export", response_class=GeoJSONResponse, responses=EXPORTS)
def export_plan(session: SessionDep, actor: ActorDep, plan_id: int, format: str = "geojson") -> Response:
    """The plan's grids as a GeoJSON or GeoPackage file."""
    content = export.grids_file(session, plan_id, actor, format)
    return Response(content, media_type=export.FORMATS[format],
                    headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.{format}"'})


@router.get("/{plan_id:int}/assignments.csv", response_class=Response,
            responses=files("text/csv", description="One row per building: its grid now and under the plan"))
def plan_assignments(session: SessionDep, actor: ActorDep, plan_id: int) -> Response:
    """Every building with its grid now and under the plan."""
    return Response(export.assignments_csv(session, plan_id, actor), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}-buildings.csv"'})


@router.get("/{plan_id:int}/compare/{other_id:int}", response_model=Comparison,
            response_model_exclude_unset=True)
def compare_plans(session: SessionDep, actor: ActorDep, plan_id: int, other_id: int, target_min: int = 300,
                  target_max: int = 500) -> dict:
    """Two plans side by side: validity, balance, compactness, what each moves; households per grid code."""
    return compare.compare(session, plan_id, other_id, actor, (target_min, target_max))


class PublishIn(Body):
    effective_from: IsoDate = Field(description="The day the plan's grids come into force (Beijing time): today or later")


@router.post("/{plan_id:int}/publish", response_model=Published, response_model_exclude_unset=True,
             responses={409: {"description": "Not a draft, or validation errors (listed)"}})
def publish_plan(session: SessionDep, actor: ActorDep, plan_id: int, body: PublishIn) -> dict:
    """Make a valid draft the boundaries in force from `effective_from`, atomically: today applies at once
    (grids retired, redrawn and issued; buildings, open cases and staff follow), a later day is scheduled and
    applied by `wangge cases tick` on that day. Answers with what changed."""
    return publish.publish(session, plan_id, actor, body.effective_from)


@router.post("/{plan_id:int}/unschedule", response_model=Unscheduled,
             responses={409: {"description": "Not scheduled (a draft, or already in force)"}})
def unschedule_plan(session: SessionDep, actor: ActorDep, plan_id: int) -> dict:
    """Send a scheduled plan back to draft before its day: `at=` days to come answer without it again."""
    return publish.unschedule(session, plan_id, actor)
