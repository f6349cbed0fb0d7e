"""Compounds (小区/院落): the list as GeoJSON, one compound's page, and its joint meetings (三方联动)."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from api.deps import ActorDep, ReadSessionDep, SessionDep
from api.params import Body, IsoDate
from api.schemas.common import GeoJSONResponse, geojson
from api.schemas.compounds import CompoundDetail, Compounds, Meeting, Meetings
from geo.party import compounds as party_compounds
from geo.party import meetings
from geo.territory import compounds as geo_compounds

router = APIRouter(prefix="/compounds", tags=["compounds"])


class MeetingIn(Body):
    """A joint meeting: its kind, the day it was held (not in the future), who attended and what it decided."""

    kind: str = Field(max_length=16, description="daily, weekly, monthly, quarterly or yearly (日联…年总)")
    held_on: IsoDate
    attendees: str = Field(min_length=1, max_length=500)
    outcome: str = Field(min_length=1, max_length=2000)


@router.get("", response_class=GeoJSONResponse, responses=geojson(Compounds))
def list_compounds(session: ReadSessionDep, actor: ActorDep,
                   community: Annotated[str | None, Query(max_length=12, description="Community code")] = None):
    """Compounds in your scope (a community outside it: 403), with buildings and households counted."""
    return GeoJSONResponse(geo_compounds.list_compounds(session, actor, community))


@router.get("/{code}", response_class=GeoJSONResponse, responses=geojson(CompoundDetail))
def get_compound(session: SessionDep, actor: ActorDep, code: str):
    """One compound in your scope (404 outside it): counts, branches, open cases, case rate, latest meetings."""
    return GeoJSONResponse(party_compounds.get_compound(session, actor, code))


@router.get("/{code}/meetings", response_model=Meetings)
def list_meetings(session: ReadSessionDep, actor: ActorDep, code: str,
                  limit: Annotated[int, Query(ge=1, le=meetings.MAX_LIMIT)] = 100) -> dict:
    """The compound's joint meetings, newest first."""
    return meetings.list_meetings(session, actor, code, limit)


@router.post("/{code}/meetings", status_code=201, response_model=Meeting)
def record_meeting(session: SessionDep, actor: ActorDep, code: str, body: MeetingIn) -> dict:
    """Record a joint meeting of a compound in your scope."""
    return meetings.record_meeting(session, actor, code, body.kind, body.held_on, body.attendees, body.outcome)
