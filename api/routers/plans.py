"""Boundary plans under /api/v1/plans: create (from a file or the current boundaries), read, validate."""

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import ActorDep, SessionDep
from api.errors import request_lang
from geo.errors import InvalidInput
from geo.i18n import msg
from geo.planning import plans, validation

router = APIRouter(prefix="/plans", tags=["planning"])


class FromCurrent(BaseModel):
    communities: list[str] = Field(min_length=1, description="Community codes whose current grids the plan copies")
    name: str | None = None


@router.post("", status_code=201, openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": FromCurrent.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}, "name": {"type": "string"}, "crs": {"type": "string"}}}}}}})
async def create_plan(request: Request, session: SessionDep, actor: ActorDep) -> dict:
    """A draft plan: JSON `{"communities": [...]}` copies their current grids; a multipart `file` (GeoJSON,
    GeoPackage, zipped Shapefile, CSV with WKT) holds new ones. Returns the plan's id and its validation."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or not hasattr(upload, "filename"):
            raise InvalidInput(msg("a plan upload needs a file field"))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.filename or "plan.geojson").name
            path.write_bytes(await upload.read())
            plan_id = plans.create_from_file(session, actor, path, form.get("name"), form.get("crs"))
    else:
        try:
            body = FromCurrent.model_validate_json(await request.body())
        except ValueError as exc:
            raise InvalidInput(msg("a plan needs a JSON body with communities, or a file upload ({error})",
                                   error=str(exc).splitlines()[0])) from None
        plan_id = plans.create_from_current(session, actor, body.communities, body.name)
    return {"id": plan_id, "validation": validation.report_dict(validation.validate_plan(session, plan_id, actor),
                                                                request_lang(request))}


@router.get("/{plan_id}", response_class=JSONResponse)
def get_plan(session: SessionDep, actor: ActorDep, plan_id: int):
    """The plan's grids as GeoJSON, with the plan's fields under `plan`."""
    return JSONResponse(plans.plan_geojson(session, plan_id, actor), media_type="application/geo+json")


@router.get("/{plan_id}/validation")
def validate(request: Request, session: SessionDep, actor: ActorDep, plan_id: int) -> dict:
    """Every problem (errors block publishing, warnings do not) with its geometry, and each grid's measures."""
    return validation.report_dict(validation.validate_plan(session, plan_id, actor), request_lang(request))
