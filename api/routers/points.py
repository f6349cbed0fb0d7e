"""积分制: your balance and ledger, the points shop, redemption, honours by consent; awards staff approve."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, SessionDep
from api.schemas.points import (
    Award,
    Consent,
    ConsentOut,
    Decided,
    Decision,
    Entry,
    Honour,
    Item,
    ItemIn,
    Proposed,
    RedeemIn,
    Statement,
)
from geo.residents import points, points_ledger

router = APIRouter(prefix="/points", tags=["points"])
Community = Annotated[str, Query(max_length=15, description="The community's code")]


@router.get("/me", response_model=Statement)
def my_points(session: SessionDep, actor: ActorDep) -> dict:
    """Your balance, every line of your ledger and the points waiting for approval."""
    return points_ledger.statement(session, actor)


@router.put("/me/honours", response_model=ConsentOut)
def honours_consent(session: SessionDep, actor: ActorDep, body: Consent) -> dict:
    """Agree (or no longer agree) to be shown on your community's 光荣榜, by a name you choose."""
    return points_ledger.set_consent(session, actor, body.consent, body.shown_name)


@router.get("/holders/{holder_id}", response_model=Statement)
def holder_statement(session: SessionDep, actor: ActorDep, holder_id: int) -> dict:
    """A holder's ledger (staff of their community; each read is audited)."""
    return points_ledger.statement(session, actor, holder_id)


@router.get("/shop", response_model=list[Item])
def shop(session: SessionDep, community: Community) -> list[dict]:
    """A community's 积分超市: items, cost and stock."""
    return points_ledger.items(session, community)


@router.post("/shop", status_code=201, response_model=Item)
def add_item(session: SessionDep, actor: ActorDep, body: ItemIn) -> dict:
    """Put an item on your community's shelf."""
    item_id = points_ledger.add_item(session, actor, body.community, body.name, body.cost, body.stock)
    return {"id": item_id, "name": body.name.strip(), "cost": body.cost, "stock": body.stock}


@router.post("/redeem", status_code=201, response_model=Entry)
def redeem(session: SessionDep, actor: ActorDep, body: RedeemIn) -> dict:
    """Spend points on an item while stock lasts (409 when the balance or the stock is short)."""
    return points_ledger.redeem(session, actor, body.item_id, body.holder_id)


@router.get("/honours", response_model=list[Honour])
def honours(session: SessionDep, community: Community) -> list[dict]:
    """光荣榜: the top volunteers of the last year who agreed to be shown (nobody else; no low ranks)."""
    return points_ledger.honours(session, community)


@router.get("/awards", response_model=list[Award])
def awards(session: SessionDep, actor: ActorDep,
           status: Annotated[str, Query(pattern="^(pending|approved|rejected)$")] = "pending") -> list[dict]:
    """Awards of your communities, oldest first."""
    return points.awards(session, actor, status)


@router.post("/awards/{award_id}", response_model=Decided)
def decide_award(session: SessionDep, actor: ActorDep, award_id: int, body: Decision) -> dict:
    """Approve an award into the holder's ledger, or reject it (each is decided once)."""
    return points.decide(session, actor, award_id, body.approve)


@router.post("/activities/{activity_id}", status_code=201, response_model=Proposed)
def activity_awards(session: SessionDep, actor: ActorDep, activity_id: int) -> dict:
    """Propose the points a recorded service activity earns each member who took part (each once)."""
    return {"award_ids": points.propose_for_activity(session, actor, activity_id)}
