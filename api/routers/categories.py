"""Case categories with their handler level and deadline, and the KPIs of an area."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ScopeDep, SessionDep, UserDep
from api.params import IsoDateTime
from api.schemas.categories import Category, Deadline, Kpis
from geo.access.scope import scope_for
from geo.cases.categories import categories
from geo.cases.kpis import kpis
from geo.core.errors import Forbidden, InvalidInput
from geo.core.i18n import msg

router = APIRouter(tags=["cases"])


@router.get("/categories")
def list_categories(user: UserDep) -> list[Category]:
    """Every category: code, names, group, default handler level (and department), deadline."""
    return [Category(code=c.code, group=c.group, name=c.name_zh, name_en=c.name_en, handler_level=c.handler_level,
                     department=c.department or None, deadline=Deadline(value=c.deadline_value, unit=c.deadline_unit))
            for c in categories().values()]


@router.get("/kpis", response_model=Kpis)
def area_kpis(
    session: SessionDep, scope: ScopeDep,
    area: Annotated[str | None, Query(description="Grid, community, street or district code (default: your scope)")] = None,
    since: Annotated[IsoDateTime | None, Query(alias="from", description="Default: 30 days ago")] = None,
    until: Annotated[IsoDateTime | None, Query(alias="to", description="Default: now")] = None,
) -> dict:
    """响应率, 解决率, 满意率, on-time closure, rework and return rates, average handling time (see geo/cases/kpis.py)."""
    until = until or datetime.now(UTC)
    since = since or until - timedelta(days=30)
    if since >= until:
        raise InvalidInput(msg("from must be before to"))
    target = scope
    if area is not None:
        if not scope.covers_code(area):
            raise Forbidden(msg("area {code} lies outside your scope", code=area))
        target = scope_for(session, scope.role, area)
    return kpis(session, target, since, until)
