"""The audit log, for administrators."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep
from api.params import IsoDateTime
from api.schemas.audit import AuditEntries, ChainCheck
from geo.access import audit as geo_audit

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditEntries)
def audit_entries(
    session: SessionDep,
    actor: Annotated[str | None, Query(description="Username")] = None,
    action: Annotated[str | None, Query(description="e.g. read_residents, unmask_residents, case_dispatch, publish_plan")]
    = None,
    since: Annotated[IsoDateTime | None, Query(alias="from")] = None,
    until: Annotated[IsoDateTime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=geo_audit.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    """Entries newest first, each with the hash that chains it to the one before."""
    return geo_audit.entries(session, actor=actor, action=action, since=since, until=until, limit=limit, offset=offset)


@router.get("/verify")
def verify_chain(session: SessionDep) -> ChainCheck:
    """Recompute the hash chain: how many entries, and the first one that was changed, removed or inserted."""
    found = geo_audit.verify(session)
    return ChainCheck(intact=found.intact, entries=found.entries, broken_at=found.broken_at, reason=found.reason)
