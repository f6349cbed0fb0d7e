"""Cases (事件/案件): reading them within a scope. Intake and the workflow come with the dispatch issue."""

from dataclasses import dataclass
from datetime import datetime

from geoalchemy2.functions import ST_X, ST_Y
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.errors import InvalidInput
from geo.i18n import msg
from geo.models import Case
from geo.scope import Scope, visible

MAX_LIMIT = 1000


@dataclass
class CaseSummary:
    """A case as lists show it."""

    id: int
    category: str
    status: str
    channel: str | None
    grid_code: str | None
    reported_at: datetime
    lon: float
    lat: float


def list_cases(session: Session, scope: Scope, *, status: str | None = None, limit: int = 100,
               offset: int = 0) -> list[CaseSummary]:
    """The cases `scope` may see, newest first."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(msg("limit must lie in 1..{max} and offset must not be negative", max=MAX_LIMIT))
    query = (
        select(Case.id, Case.category, Case.status, Case.channel, Case.grid_code, Case.reported_at,
               ST_X(Case.geom), ST_Y(Case.geom))
        .where(visible(scope, Case.grid_code))
        .order_by(Case.reported_at.desc(), Case.id.desc())
        .limit(limit).offset(offset)
    )
    if status:
        query = query.where(Case.status == status)
    return [CaseSummary(*row) for row in session.execute(query)]
