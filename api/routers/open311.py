"""Open311 GeoReport v2, so existing civic-reporting clients work: services, requests (GET/POST), one request.

The services (the case categories) are public, in JSON and XML as clients ask, with `jurisdiction_id` accepted
(this server answers for one jurisdiction). Requests need the usual bearer token, or the token passed as
`api_key` as GeoReport clients do.
"""

from typing import Annotated, Literal

from xml.etree import ElementTree

from fastapi import APIRouter, Form, Query, Response

from api.deps import ActorDep, SessionDep
from api.params import IsoDateTime
from api.schemas.open311 import Receipt, Service, ServiceDefinition, ServiceRequest
from geo.cases import intake, reading
from geo.cases.categories import categories
from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.core.models import OPEN_STATUSES

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


@router.post("/requests.json", status_code=201)
def create_request(session: SessionDep, actor: ActorDep,
                   service_code: Annotated[str, Form()], lat: Annotated[float, Form()], long: Annotated[float, Form()],
                   description: Annotated[str | None, Form(max_length=2000)] = None,
                   address_string: Annotated[str | None, Form(max_length=200)] = None,
                   first_name: Annotated[str | None, Form(max_length=50)] = None,
                   phone: Annotated[str | None, Form(max_length=20, pattern=r"^[0-9+\-]{5,20}$")] = None) -> list[Receipt]:
    """Create a request (a resident self-report): it waits at intake for an operator to register it."""
    new = intake.NewCase(category=service_code, lon=long, lat=lat, description=description, address=address_string,
                         channel="self_report", reporter_name=first_name, reporter_phone=phone)
    case_id, _ = intake.create_case(session, new, actor)
    return [Receipt(service_request_id=str(case_id), service_notice="已受理 received")]


@router.get("/requests/{request_id}.json")
def get_request(session: SessionDep, actor: ActorDep, request_id: str) -> list[ServiceRequest]:
    """One request, as a one-element list (GeoReport v2)."""
    if not (request_id.isascii() and request_id.isdigit()):  # "²" is a digit to Python, not to int()
        raise NotFound(msg("no case {id}", id=request_id))
    return [_request(reading.get_case(session, int(request_id), actor))]
