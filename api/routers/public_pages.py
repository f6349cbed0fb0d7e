"""The public pages (居务公开, WANGGE_PUBLIC): the communities, and per community its counts, figures and closed
cases with their approved replies. Off, every one answers 404. Server-rendered HTML without script; nothing a URL
carries is put back into a page but a validated community code."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.errors import request_lang
from api.routers.maps import render
from geo.residents import public
from maps.public_pages import community_page, index_page

# Off, 404 before anything else (even a malformed code or page number) is looked at.
router = APIRouter(prefix="/public", tags=["public results"], include_in_schema=False,
                   dependencies=[Depends(public.require_public)])
# Public and the same for everyone, but a withdrawn reply must not linger in a cache: revalidate every time.
CACHE = {"Cache-Control": "no-cache"}


@router.get("/", response_class=HTMLResponse)
def public_index(request: Request, session: SessionDep) -> HTMLResponse:
    """Every community, by street, with its cases of the year."""
    rows = public.communities(session, datetime.now(UTC))
    response = render(request, index_page(rows, request_lang(request)))
    response.headers.update(CACHE)
    return response


@router.get("/{community_code}", response_class=HTMLResponse)
def public_community(request: Request, session: SessionDep,
                     community_code: Annotated[str, Path(pattern=r"^[0-9]{12}$")],
                     page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> HTMLResponse:
    """One community: counts by category and stage, on-time and satisfaction, closed cases (30 a page)."""
    data = public.community(session, community_code, datetime.now(UTC), page)
    response = render(request, community_page(data, request_lang(request)))
    response.headers.update(CACHE)
    return response
