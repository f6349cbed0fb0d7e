"""The departments that handle cases, and their figures."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, ReadSessionDep, UserDep
from api.params import IsoDateTime
from api.schemas.departments import Department, DepartmentFigures, Departments
from geo.access.departments import departments
from geo.analytics.departments import department_figures
from geo.analytics.window import window

router = APIRouter(tags=["cases"])


@router.get("/departments", response_model=Departments)
def list_departments(user: UserDep) -> dict:
    """Every department a case may be led by, assisted by or whistled for."""
    return {"items": [Department(code=d.code, name=d.name, name_en=d.name_en) for d in departments().values()]}


@router.get("/departments/figures", response_model=DepartmentFigures)
def figures(session: ReadSessionDep, actor: ActorDep,
            since: Annotated[IsoDateTime | None, Query(alias="from", description="Default: 30 days before `to`")] = None,
            until: Annotated[IsoDateTime | None, Query(alias="to", description="Default: now")] = None) -> dict:
    """Per department: cases led, assisted and whistled for, decided in the window, and those missed."""
    return department_figures(session, actor, window(since, until))
