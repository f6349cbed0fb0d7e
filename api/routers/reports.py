"""A resident's own reports (随手拍): report from the phone, follow the timeline, add photos, rate, reopen."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, UploadFile

from api.deps import ActorDep, SessionDep, client_address
from api.files import FILE_RESPONSE, file_response
from api.routers.maps import check_form_origin
from api.schemas.cases import Attachment
from api.schemas.reports import AnonymousReport, LookupIn, Report, ReportIn, Reports, ReportStep, Topic
from geo.cases.attachments import PHOTOS, add_file, stored_file
from geo.core.i18n import msg
from geo.residents import anonymous, reports
from geo.residents.topics import topics

router = APIRouter(prefix="/reports", tags=["residents"])
REPLAYED = {200: {"model": Report, "description": "The report an earlier request with this Idempotency-Key made"}}
SAME_FILE = {200: {"model": Attachment, "description": "The same photo was already added: its first record"}}


@router.get("/topics")
def report_topics() -> list[Topic]:
    """What residents report about, in plain words (each files under one of the case categories)."""
    return [Topic(code=t.code, name=t.name, name_en=t.name_en) for t in topics().values()]


@router.post("", status_code=201, response_model=Report, responses=REPLAYED)
def submit_report(session: SessionDep, actor: ActorDep, body: ReportIn, response: Response,
                  idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> dict:
    """Report what you see; retries with the same Idempotency-Key return the same report."""
    case_id, created = reports.submit(session, actor, reports.NewReport(**body.model_dump()), idempotency_key)
    if not created:
        response.status_code = 200
    return reports.view(session, actor, case_id)


@router.post("/anonymous", status_code=201, response_model=AnonymousReport)
def submit_anonymous(request: Request, session: SessionDep, body: ReportIn) -> dict:
    """Report without signing in: the answer carries a 查询码, shown this once, to follow the report with (nothing
    to rate or reopen: the operator calls back). Limited per address (WANGGE_ANONYMOUS_REPORTS_PER_ADDRESS)."""
    check_form_origin(request)  # a browser's post from another site's page is refused: no one reports through us
    case_id, code = anonymous.submit(session, reports.NewReport(**body.model_dump()), client_address(request))
    return {"query_code": code, "report": reports.shown(session, case_id, [])}


@router.post("/lookup", response_model=Report)
def lookup_report(request: Request, session: SessionDep, body: LookupIn) -> dict:
    """The report a 查询码 opens, as its reporter sees it (in the body, so codes stay out of access logs); wrong
    codes are 404, and look-ups are limited per address (WANGGE_REPORT_LOOKUPS_PER_ADDRESS), right or wrong."""
    return anonymous.lookup(session, body.code, client_address(request))


@router.get("", response_model=Reports)
def my_reports(session: SessionDep, actor: ActorDep, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
    """Your reports, newest first."""
    return {"items": reports.mine(session, actor, limit)}


@router.get("/{case_id}", response_model=Report)
def my_report(session: SessionDep, actor: ActorDep, case_id: int) -> dict:
    """One of your reports with its timeline."""
    return reports.view(session, actor, case_id)


@router.post("/{case_id}/steps", response_model=Report)
def report_step(session: SessionDep, actor: ActorDep, case_id: int, body: ReportStep) -> dict:
    """Rate your closed report (不满意 brings an operator's call back), or reopen it within WANGGE_REOPEN_DAYS."""
    return reports.act(session, actor, case_id, body.action, body.version, rating=body.rating, note=body.note)


@router.post("/{case_id}/photos", status_code=201, response_model=Attachment, responses=SAME_FILE)
def report_photo(session: SessionDep, actor: ActorDep, case_id: int, file: UploadFile, response: Response) -> dict:
    """Add a photo (JPEG, PNG or WebP) to your report; the same photo sent again returns its first record (200)."""
    reports.view(session, actor, case_id, timeline=False)  # yours, or 404
    record, created = add_file(session, "case_attachments", case_id, file.filename, file.content_type or "",
                               file.file, accepted=PHOTOS, kinds=msg("JPEG, PNG or WebP"))
    if not created:
        response.status_code = 200
    return record


@router.get("/{case_id}/photos/{photo_id}", response_class=Response, responses=FILE_RESPONSE)
def report_photo_file(session: SessionDep, actor: ActorDep, case_id: int, photo_id: int) -> Response:
    """One photo of your report (yours or the handler's)."""
    reports.view(session, actor, case_id, timeline=False)  # yours, or 404
    return file_response(*stored_file(session, "case_attachments", case_id, photo_id))
