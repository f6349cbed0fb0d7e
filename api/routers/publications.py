"""居务公开, the operator's side: approve a closed case's reply (and a cleaned description) for the public pages,
or withdraw it (geo/residents/publication.py)."""

from fastapi import APIRouter, Response

from api.deps import ActorDep, SessionDep
from api.schemas.public import Publication, PublicationIn
from geo.residents import publication

router = APIRouter(prefix="/cases", tags=["public results"])


@router.get("/{case_id}/publication")
def get_publication(session: SessionDep, actor: ActorDep, case_id: int) -> Publication:
    """What of this case is published (its texts all null when nothing is)."""
    publication.visible(session, actor, case_id)
    return Publication(**publication.published(session, case_id))


@router.post("/{case_id}/publication")
def publish(session: SessionDep, actor: ActorDep, case_id: int, body: PublicationIn) -> Publication:
    """Publish this reply (and cleaned description) of a closed case in your scope; again replaces it."""
    return Publication(**publication.approve(session, actor, case_id, body.reply, body.description))


@router.delete("/{case_id}/publication", status_code=204, response_class=Response,
               responses={204: {"description": "Withdrawn: the case is public as category, dates and grid only"}})
def withdraw(session: SessionDep, actor: ActorDep, case_id: int) -> Response:
    """Take the case's texts off the public pages."""
    publication.withdraw(session, actor, case_id)
    return Response(status_code=204)
