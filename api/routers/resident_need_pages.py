"""The residents' 微心愿 and 积分 pages under /r/: the claim board with their own needs and claims, raising a need,
one need's steps, and their points (ledger, 积分超市, 光荣榜). Shells like the other /r/ pages: their scripts read
/api/v1/needs and /api/v1/points with the login cookie and write through the offline queue."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import PageActorDep, SessionDep
from api.routers.resident_pages import resident_shell

router = APIRouter(prefix="/r", tags=["resident pages"], include_in_schema=False)


@router.get("/needs", response_class=HTMLResponse)
def r_needs(request: Request, actor: PageActorDep):
    """认领墙 and 我的需求: needs waiting for a claim in the resident's community, and their own."""
    return resident_shell(request, actor, "needs.html", "needs")


@router.get("/needs/new", response_class=HTMLResponse)
def r_need_new(request: Request, session: SessionDep, actor: PageActorDep):
    """提出需求: what help, for whom, where."""
    return resident_shell(request, actor, "need_new.html", "needs", session)


@router.get("/needs/{need_id:int}", response_class=HTMLResponse)
def r_need(request: Request, actor: PageActorDep, need_id: int):
    """One need with its steps (the script reads the id from the address)."""
    return resident_shell(request, actor, "need.html", "needs")


@router.get("/points", response_class=HTMLResponse)
def r_points(request: Request, actor: PageActorDep):
    """积分: balance, ledger, the shop and the honours board."""
    return resident_shell(request, actor, "points.html", "points")
