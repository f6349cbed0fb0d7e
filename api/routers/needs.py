"""三单制: raise a need, the claim board, its steps (下单、接单、完成、确认), figures and the monthly notice."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import ActorDep, SessionDep
from api.errors import request_lang
from api.schemas.common import BINARY
from api.schemas.needs import Need, NeedFigures, NeedIn, Needs, NeedStatus, NeedStepIn
from geo.residents import need_figures, needs
from geo.residents.need_steps import NeedStep, transition

router = APIRouter(prefix="/needs", tags=["needs"])
Month = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM (Beijing time)")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("", status_code=201, response_model=Need)
def raise_need(session: SessionDep, actor: ActorDep, body: NeedIn) -> dict:
    """Raise a need (a resident: for their household unless they name a compound; staff: from a visit or meeting)."""
    need_id = needs.raise_need(session, actor, needs.NewNeed(**body.model_dump()))
    return needs.view(session, actor, needs.need_row(session, actor, need_id))


@router.get("", response_model=Needs)
def list_needs(session: SessionDep, actor: ActorDep, community: Annotated[str | None, Query(max_length=15)] = None,
               status: NeedStatus | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    """The needs of your area, newest first, optionally of one community and status."""
    return {"items": needs.listing(session, actor, community=community, status=status, limit=limit)}


@router.get("/board", response_model=Needs)
def claim_board(session: SessionDep, actor: ActorDep,
                community: Annotated[str | None, Query(max_length=15)] = None) -> dict:
    """认领墙: needs published for a claim, soonest due first (a resident's own community by default)."""
    return {"items": needs.board(session, actor, community)}


@router.get("/mine", response_model=Needs)
def my_needs(session: SessionDep, actor: ActorDep) -> dict:
    """The needs you raised and those you claimed."""
    return {"items": needs.mine(session, actor)}


@router.get("/figures", response_model=list[NeedFigures])
def figures(session: SessionDep, actor: ActorDep, month: Month,
            by: Annotated[str, Query(pattern="^(org|community)$")] = "community") -> list[dict]:
    """Claim rate, days to claim, completion and satisfaction per organisation or community for a month."""
    return need_figures.figures(session, actor, month, by)


@router.get("/monthly.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {"schema": BINARY}}, "description": "月通报 as an xlsx sheet"}})
def monthly_notice(request: Request, session: SessionDep, actor: ActorDep, month: Month,
                   by: Annotated[str, Query(pattern="^(org|community)$")] = "org") -> Response:
    """月通报: the month's figures per organisation (or community) as a spreadsheet."""
    content = need_figures.monthly_notice(session, actor, month, by, request_lang(request))
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="needs-{month}.xlsx"'})


@router.get("/{need_id}", response_model=Need)
def get_need(session: SessionDep, actor: ActorDep, need_id: int) -> dict:
    """One need, as much of it as you may read, with its timeline."""
    return needs.view(session, actor, needs.need_row(session, actor, need_id))


@router.post("/{need_id}/transitions", response_model=Need)
def need_step(session: SessionDep, actor: ActorDep, need_id: int, body: NeedStepIn) -> dict:
    """Take a step on the version you read (409 when it changed or the step is not open now)."""
    fields = body.model_dump(exclude={"action", "version"})
    transition(session, actor, need_id, body.action, body.version, NeedStep(**fields))
    return needs.view(session, actor, needs.need_row(session, actor, need_id))
