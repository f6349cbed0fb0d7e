"""Party coverage under /api/v1/party: 两个覆盖, members among grid staff, 双报到, 党员联系户, 五级下沉."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api.deps import ActorDep, ReadSessionDep
from api.errors import request_lang
from api.params import IsoDate
from api.schemas.party_coverage import Coverage
from geo.access.permissions import Permission, may
from geo.access.scope import like_pattern
from geo.core.errors import InvalidInput
from geo.core.i18n import LABELS, msg
from geo.core.models import Level
from geo.party.chain import chains, gap_words
from geo.party.compound_coverage import required_activities
from geo.party.coverage import LEVELS, coverage, period, without_staff_membership

router = APIRouter(prefix="/party", tags=["party"])


@router.get("/coverage", response_model=Coverage, response_model_by_alias=True)
def party_coverage(
    request: Request, session: ReadSessionDep, actor: ActorDep,
    level: Annotated[Literal["grid", "community", "street"], Query(description="grid, community or street")]
    = "community",
    since: Annotated[IsoDate | None, Query(alias="from", description="Default: 89 days before `to`")] = None,
    until: Annotated[IsoDate | None, Query(alias="to", description="Default: today (Beijing)")] = None,
) -> dict:
    """Every grid, community or street in your scope with its coverage figures (docs/party.md); at level=community
    each row carries its five-level chain (五级下沉) and the chain's gaps. Members among grid staff (named people)
    only for read_party_members."""
    start, end = period(since, until)
    scope = actor.scope
    if scope.area_level is not None and LEVELS.index(level) > LEVELS.index(_as_level(scope.area_level)):
        raise InvalidInput(msg("level {level} is wider than your scope: ask for a narrower level", level=Level(level)))
    rows = coverage(session, like_pattern(scope), level, start, end)
    if not may(actor.role, Permission.read_party_members):
        rows = without_staff_membership(rows)
    if level == "community":
        lang = request_lang(request)
        found = chains(session, [row["code"] for row in rows], end)
        for row in rows:
            chain = found.get(row["code"])
            row["chain"] = chain and {
                "levels": [{**item, "label": LABELS[lang][f"party_chain_{item['level']}"]} for item in chain["levels"]],
                "gaps": gap_words(chain, lang)}
    return {"level": level, "from": start, "to": end, "required_activities": required_activities(start, end),
            "rows": rows}


def _as_level(area_level: Level) -> str:
    """The coverage level a scope's area is at (a district scope is wider than every level)."""
    return "street" if area_level == Level.district else str(area_level.value)
