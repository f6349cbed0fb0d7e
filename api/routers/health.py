"""Health: is the database up, which PostGIS, which schema revision. Needs no token."""

from fastapi import APIRouter

from api.deps import SessionDep
from api.schemas.health import Health
from geo.core import migrate
from geo.core.db import postgis_version

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> Health:
    """Service status with the PostGIS version and the schema revision."""
    return Health(status="ok", postgis=postgis_version(session), schema=migrate.current(session.connection()))
