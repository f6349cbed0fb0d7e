"""Open311 GeoReport v2, so existing civic-reporting clients work: services, requests (GET/POST), one request.

The services (the case categories) are public, in JSON and XML as clients ask, with `jurisdiction_id` accepted
(this server answers for one jurisdiction). Reading requests needs the usual bearer token, or the token passed as
`api_key` as GeoReport clients do; posting one needs a client's own api_key (`wangge keys open311 NAME`).
"""

from typing import Annotated, Literal

from xml.etree import ElementTree

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import JSONResponse

from api.deps import ActorDep, SessionDep
from api.errors import request_lang, status_of
from api.params import IsoDateTime
from api.schemas.open311 import GeoReportError, Receipt, Service, ServiceDefinition, ServiceRequest
from geo.access import open311_clients, throttle
from geo.residents import open311_posts
from geo.cases import reading
from geo.cases.categories import categories
from geo.core.errors import NotFound, RateLimited, WanggeError
from geo.core.i18n import msg, render
from geo.core.models import OPEN_STATUSES
from geo.core.settings import get_settings

router = APIRouter(prefix="/open311/v2", tags=["open311"])


Jurisdiction = Annotated[str | None, Query(max_length=100, description="Accepted; this server has one")]
XML = {200: {"content": {"application/xml": {"schema": {"type": "string", "description": "GeoReport v2 XML"}}},
             "description": "The same, as GeoReport XML"}}


def _services() -> list[Service]:
    """Every category as a GeoReport service."""
    return [Service(service_code=c.code, service_name=c.name_zh, description=c.name_en, metadata=False,
                    type="realtime", keywords=c.group, group=c.group) for c in categories().values()]


def _xml(root: str, item: str, rows: list[dict]) -> Response:
    """GeoReport XML: <root><item><field>…</field></item>…</root>, every value as text."""
    top = ElementTree.Element(root)
    for row in rows:
        node = ElementTree.SubElement(top, item) if item else top
        for key, value in row.items():
            ElementTree.SubElement(node, key).text = str(value).lower() if isinstance(value, bool) else str(value)
    body = ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/xml; charset=utf-8")


def _definition(service_code: str) -> ServiceDefinition:
    """The definition of one service; NotFound naming the code otherwise."""
    if service_code not in categories():
        raise NotFound(msg("no service {code}", code=service_code))
    return ServiceDefinition(service_code=service_code)


@router.get("/services.json")
def services(jurisdiction_id: Jurisdiction = None) -> list[Service]:
    """Every category as a GeoReport service (public)."""
    return _services()


@router.get("/services.xml", response_class=Response, responses=XML)
def services_xml(jurisdiction_id: Jurisdiction = None) -> Response:
    """The services as GeoReport XML (public)."""
    return _xml("services", "service", [s.model_dump() for s in _services()])


@router.get("/services/{service_code}.json")
def service_definition(service_code: str, jurisdiction_id: Jurisdiction = None) -> ServiceDefinition:
    """One service's definition: no extra attributes are asked (public)."""
    return _definition(service_code)


@router.get("/services/{service_code}.xml", response_class=Response, responses=XML)
def service_definition_xml(service_code: str, jurisdiction_id: Jurisdiction = None) -> Response:
    """One service's definition as GeoReport XML (public)."""
    return _xml("service_definition", "", [{"service_code": _definition(service_code).service_code}])


def _request(view: dict) -> ServiceRequest:
    """A case view (geo.cases.reading) in GeoReport's words."""
    return ServiceRequest(
        service_request_id=str(view["id"]), status="open" if view["status"] in OPEN_STATUSES else "closed",
        status_notes=view["status"], service_name=view["category"]["name"], service_code=view["category"]["code"],
        description=view["description"], agency_responsible=view["department"] or view["handler_area"],
        requested_datetime=view["reported_at"], updated_datetime=view["closed_at"] or view["dispatched_at"],
        expected_datetime=view["due_at"], address=view["address"], lat=view["lat"], long=view["lon"],
    )


@router.get("/requests.json")
def list_requests(session: SessionDep, actor: ActorDep,
                  service_code: str | None = None, status: Literal["open", "closed"] | None = None,
                  start_date: IsoDateTime | None = None, end_date: IsoDateTime | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[ServiceRequest]:
    """Requests you may see, newest first (GeoReport filters: service_code, status open|closed, dates)."""
    found = reading.list_cases(session, actor, category=[service_code] if service_code else None, since=start_date,
                               until=end_date, open_only=status == "open", limit=limit)
    items = [_request(v) for v in found["items"]]
    return [i for i in items if status in (None, i.status)]


def _georeport_error(request: Request, exc: WanggeError) -> JSONResponse:
    """A refusal as GeoReport clients read it: [{"code", "description"}]; bad input is 400, as the spec says."""
    status = status_of(exc)
    status = 400 if status == 422 else status
    headers = {"Retry-After": str(exc.extra["retry_after"])} if isinstance(exc, RateLimited) else None
    return JSONResponse([{"code": status, "description": render(exc.detail, request_lang(request))}], status,
                        headers=headers)


POSTED = {status: {"model": list[GeoReportError], "description": text} for status, text in (
    (400, "Bad input: the description names the field"), (403, "No api_key, or one unknown or revoked"),
    (429, "Too many requests with this api_key"))}
Field = Annotated[str | None, Form()]


@router.post("/requests.json", status_code=201, response_model=list[Receipt], responses=POSTED)
def create_request(request: Request, session: SessionDep, service_code: Field = None, lat: Field = None,
                   long: Field = None, description: Field = None, address_string: Field = None,
                   email: Field = None, phone: Field = None, first_name: Field = None, last_name: Field = None,
                   api_key: Annotated[str | None, Form(alias="api_key")] = None,
                   api_key_query: Annotated[str | None, Query(alias="api_key")] = None,
                   jurisdiction_id: Field = None):
    """Post a request with your client's api_key (form field or query): a resident self-report that waits at intake
    for an operator to register it. Refusals are GeoReport errors: [{"code", "description"}]."""
    try:
        with session.begin_nested():  # answered, not raised: nothing of a refused post may be committed
            actor = open311_clients.client_actor(session, api_key or api_key_query)
            # each client counts on its own, whatever address it posts from
            throttle.check_request(actor.username, get_settings().open311_posts_per_key)
            new = open311_posts.new_case(service_code, lat, long, description, address_string,
                                         name=" ".join(n for n in (first_name, last_name) if n) or None, phone=phone)
            case_id = open311_posts.create(session, new, actor)
    except WanggeError as exc:
        return _georeport_error(request, exc)
    return [Receipt(service_request_id=str(case_id), service_notice=render(msg(
        "received: an operator registers it soon"), request_lang(request)))]


@router.get("/requests/{request_id}.json")
def get_request(session: SessionDep, actor: ActorDep, request_id: str) -> list[ServiceRequest]:
    """One request, as a one-element list (GeoReport v2)."""
    if not (request_id.isascii() and request_id.isdigit()):  # "²" is a digit to Python, not to int()
        raise NotFound(msg("no case {id}", id=request_id))
    return [_request(reading.get_case(session, int(request_id), actor))]
