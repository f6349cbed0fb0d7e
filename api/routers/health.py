"""Health: is the database up, which PostGIS, which schema revision, and any warning for the operator. Needs no token."""

from fastapi import APIRouter, Request

from api.deps import SessionDep
from api.errors import request_lang
from api.schemas.health import Health
from geo.cases import official_calendar
from geo.core import migrate
from geo.core.db import postgis_version
from geo.core.i18n import render
from geo.core.time import china_today

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep, request: Request) -> Health:
    """Service status with the PostGIS version, the schema revision and what an operator should act on soon."""
    gap = official_calendar.coverage_gap(session, china_today())
    warnings = [render(official_calendar.gap_warning(gap), request_lang(request))] if gap else []
    return Health(status="ok", postgis=postgis_version(session), schema=migrate.current(session.connection()),
                  warnings=warnings)
