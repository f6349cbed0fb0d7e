"""The party organisation tree and the compounds of the 党建 map layer: counts and coverage, never members."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import ScopeDep, SessionDep
from api.errors import request_lang
from api.params import IsoDate
from api.schemas.common import GeoJSONResponse, geojson
from api.schemas.party_tree import OrgTree, PartyCompounds
from geo.core.i18n import LABELS
from geo.core.time import china_today
from geo.party.coverage import period
from geo.party.tree import org_tree, party_compounds

router = APIRouter(prefix="/party", tags=["party"])


def _labelled(node: dict, words: dict) -> dict:
    """The node with its level's name in the reader's words, all the way down."""
    return {**node, "level_label": words["party_map_level_" + node["level"]],
            "children": [_labelled(c, words) for c in node["children"]]}


@router.get("/orgs", response_model=OrgTree)
def party_orgs(request: Request, session: SessionDep, scope: ScopeDep,
               root: Annotated[int | None, Query(description="Only this organisation and those under it")] = None):
    """The party organisations in your scope as a tree, with counts and whether each worked in the last 90 days."""
    words = LABELS[request_lang(request)]
    return {"roots": [_labelled(n, words) for n in org_tree(session, scope, china_today(), root)]}


@router.get("/compounds", response_class=GeoJSONResponse, responses=geojson(PartyCompounds))
def party_compound_layer(session: SessionDep, scope: ScopeDep,
                         since: Annotated[IsoDate | None, Query(alias="from", description="Default: 90 days to `to`")]
                         = None,
                         until: Annotated[IsoDate | None, Query(alias="to", description="Default: today")] = None,
                         grid: Annotated[str | None, Query(max_length=15, description="Only this grid's")] = None):
    """The compounds you may see (GeoJSON) with organisation and work coverage and their branches' names."""
    start, end = period(since, until, china_today())
    return GeoJSONResponse(party_compounds(session, scope, start, end, grid))
