"""Open311 GeoReport v2 requests for the public (WANGGE_PUBLIC): de-identified, in JSON and XML.

A request is a case as the public pages show it (geo/residents/public.py): open or closed, its service, dates, the
grid as its `address`, lat/long the centre of the WANGGE_PUBLIC_CELL_M square it lies in, and the reply as
`status_notes` only once an operator published it. Off, these answer 404.

The staff's own GET of the same paths (api/routers/open311.py, with a token or `api_key`) is unchanged: these
routes match only callers who bring no credential, and anyone who brings one is routed on to the staff's.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.routing import APIRoute
from starlette.routing import Match

from api.deps import COOKIE, SessionDep
from api.params import IsoDateTime
from api.routers.open311 import XML, Jurisdiction, _xml
from api.schemas.public import PublicRequest
from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.residents import public


class AnonymousRoute(APIRoute):
    """A route for callers without a credential (no Authorization header, login cookie or api_key)."""

    def matches(self, scope):
        """No match when the request carries a credential: the staff's route of the same path answers it."""
        headers = dict(scope.get("headers") or [])
        query = scope.get("query_string", b"")
        credential = (b"authorization" in headers or COOKIE.encode() + b"=" in headers.get(b"cookie", b"")
                      or b"api_key=" in query)
        if not credential:
            return super().matches(scope)
        match, child = super().matches(scope)
        # a method the path never takes is still 405 for everyone; any other credentialed call is the staff's
        if match != Match.NONE and scope.get("method") not in self.methods:
            return Match.PARTIAL, child
        return Match.NONE, {}


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=AnonymousRoute,
                   dependencies=[Depends(public.require_public)])
# GeoReport lets status, service_code and service_request_id each name several, comma-delimited.
Status = Annotated[str | None, Query(pattern=r"^(open|closed)(,(open|closed))?$", description="open, closed or both")]
Codes = Annotated[str | None, Query(max_length=2000, description="One or more service codes, comma-delimited")]
Ids = Annotated[str | None, Query(pattern=r"^[0-9]{1,18}(,[0-9]{1,18}){0,999}$",
                                  description="Request ids, comma-delimited: overrides every other filter")]


def _request(case: dict) -> PublicRequest:
    """A public case in GeoReport's words."""
    return PublicRequest(
        service_request_id=str(case["id"]), status="open" if case["open"] else "closed",
        service_code=case["category"], service_name=case["category_name"], description=case["description"],
        status_notes=case["reply"], requested_datetime=case["reported_at"], updated_datetime=case["updated_at"],
        address=case["grid_name"], lat=case["lat"], long=case["lon"])


def _listed(session, service_code, status, start_date, end_date, limit, page, ids=None) -> list[PublicRequest]:
    split = lambda value: [v.strip() for v in value.split(",") if v.strip()] if value else None  # noqa: E731
    found = public.requests(session, service_codes=split(service_code), status=set(split(status) or ()),
                            start=start_date, end=end_date, ids=[int(i) for i in split(ids)] if ids else None,
                            limit=limit, offset=(page - 1) * limit)
    return [_request(c) for c in found]


def _one(session, request_id: str) -> PublicRequest:
    if not (request_id.isascii() and request_id.isdigit() and len(request_id) < 19):  # "²" is a digit to Python
        raise NotFound(msg("no case {id}", id=request_id))
    return _request(public.request(session, int(request_id)))


def _as_xml(requests: list[PublicRequest]) -> Response:
    """GeoReport XML, leaving out what is not published (an empty field would read as the text "None")."""
    rows = [{k: v for k, v in r.model_dump(mode="json").items() if v is not None} for r in requests]
    return _xml("service_requests", "request", rows)


Limit = Annotated[int, Query(ge=1, le=1000, description="Most requests in the answer (GeoReport: 1000)")]
Page = Annotated[int, Query(ge=1, le=100_000, description="Which `limit` of them, newest first")]


@router.get("/requests.json")
def public_requests(session: SessionDep, jurisdiction_id: Jurisdiction = None, service_code: Codes = None,
                    status: Status = None, start_date: IsoDateTime | None = None, end_date: IsoDateTime | None = None,
                    service_request_id: Ids = None, limit: Limit = 100, page: Page = 1) -> list[PublicRequest]:
    """Public requests, newest first (service_code, status open|closed, reported from start_date to end_date)."""
    return _listed(session, service_code, status, start_date, end_date, limit, page, service_request_id)


@router.get("/requests.xml", response_class=Response, responses=XML)
def public_requests_xml(session: SessionDep, jurisdiction_id: Jurisdiction = None, service_code: Codes = None,
                        status: Status = None, start_date: IsoDateTime | None = None,
                        end_date: IsoDateTime | None = None, service_request_id: Ids = None, limit: Limit = 100,
                        page: Page = 1) -> Response:
    """The public requests as GeoReport XML."""
    return _as_xml(_listed(session, service_code, status, start_date, end_date, limit, page, service_request_id))


@router.get("/requests/{request_id}.json")
def public_request(session: SessionDep, request_id: str, jurisdiction_id: Jurisdiction = None) -> list[PublicRequest]:
    """One public request, as a one-element list (GeoReport v2)."""
    return [_one(session, request_id)]


@router.get("/requests/{request_id}.xml", response_class=Response, responses=XML)
def public_request_xml(session: SessionDep, request_id: str, jurisdiction_id: Jurisdiction = None) -> Response:
    """One public request as GeoReport XML."""
    return _as_xml([_one(session, request_id)])
