"""Cases within the caller's scope (intake and workflow come with the dispatch issue)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ScopeDep, SessionDep
from geo import cases as geo_cases
from geo.cases import CaseSummary

router = APIRouter(tags=["cases"])


@router.get("/cases")
def list_cases(
    session: SessionDep, scope: ScopeDep,
    status: Annotated[str | None, Query(description="Only cases in this status")] = None,
    limit: Annotated[int, Query(ge=1, le=geo_cases.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CaseSummary]:
    """Cases you may see, newest first."""
    return geo_cases.list_cases(session, scope, status=status, limit=limit, offset=offset)
