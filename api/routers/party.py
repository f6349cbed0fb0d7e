"""Party building: one organisation, members (read_party_members, audited), 双报到, activities and their forms."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, UploadFile
from pydantic import Field

from api.deps import ActorDep, ReadSessionDep, SessionDep
from api.params import Body, IsoDate
from api.schemas.party import Activities, ActivityDetail, FormFile, Members, Org, ReportInRecorded
from api.schemas.party import Member as MemberOut
from geo.party import activities, members, orgs, report_ins

router = APIRouter(prefix="/party", tags=["party"])


class ReportInIn(Body):
    """双报到: the community reported to (in your scope), the day (not in the future) and the service pledge."""

    community: str = Field(min_length=12, max_length=12)
    reported_on: IsoDate
    pledge: str = Field(min_length=1, max_length=report_ins.MAX_PLEDGE, description="服务承诺")


class ActivityIn(Body):
    """An activity of an organisation in your scope; member_ids must be members in your scope."""

    org_id: int
    kind: str = Field(max_length=16, description="three_one, theme_day, volunteer, visit, joint or other")
    held_on: IsoDate
    place: str = Field(min_length=1, max_length=200)
    participants: int = Field(ge=0, le=100_000)
    member_ids: list[int] = Field(default_factory=list, max_length=1000)
    summary: str = Field(min_length=1, max_length=2000)


@router.get("/orgs/{org_id:int}", response_model=Org, response_model_exclude_unset=True)
def get_org(session: SessionDep, actor: ActorDep, org_id: int) -> dict:
    """One organisation in your scope (404 outside it); post holders by name only for read_party_members."""
    return orgs.get_org(session, actor, org_id)


@router.get("/members", response_model=Members)
def list_members(
    session: SessionDep, actor: ActorDep,
    org: Annotated[int | None, Query(description="Organisation id")] = None,
    community: Annotated[str | None, Query(max_length=12, description="Community code")] = None,
    kind: Annotated[str | None, Query(max_length=16, description="resident, in_service or mobile")] = None,
    status: Annotated[str | None, Query(max_length=16, description="full or probationary")] = None,
    limit: Annotated[int, Query(ge=1, le=members.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    """Members in your scope, phones masked; the read is recorded in the audit log."""
    return members.list_members(session, actor, org=org, community=community, kind=kind, status=status, limit=limit,
                                offset=offset)


@router.get("/members/{member_id:int}", response_model=MemberOut)
def get_member(session: SessionDep, actor: ActorDep, member_id: int) -> dict:
    """One member in your scope (404 outside it), recorded in the audit log."""
    return members.get_member(session, actor, member_id)


@router.post("/members/{member_id:int}/report-in", status_code=201, response_model=ReportInRecorded)
def report_in(session: SessionDep, actor: ActorDep, member_id: int, body: ReportInIn) -> dict:
    """Record a 双报到 of an in-service member (409 for the same community and day twice)."""
    return report_ins.report_in(session, actor, member_id, body.community, body.reported_on, body.pledge)


@router.post("/activities", status_code=201, response_model=ActivityDetail, response_model_exclude_unset=True)
def record_activity(session: SessionDep, actor: ActorDep, body: ActivityIn) -> dict:
    """Record an activity of an organisation in your scope."""
    return activities.record_activity(session, actor, org_id=body.org_id, kind=body.kind, held_on=body.held_on,
                                      place=body.place, participants=body.participants, member_ids=body.member_ids,
                                      summary=body.summary)


@router.get("/activities", response_model=Activities, response_model_exclude_unset=True)
def list_activities(
    session: ReadSessionDep, actor: ActorDep,
    org: Annotated[int | None, Query(description="Organisation id")] = None,
    since: Annotated[IsoDate | None, Query(alias="from", description="First day (YYYY-MM-DD)")] = None,
    until: Annotated[IsoDate | None, Query(alias="to", description="Last day (YYYY-MM-DD)")] = None,
    limit: Annotated[int, Query(ge=1, le=activities.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    """Activities of organisations in your scope, newest first; member_ids only for read_party_members."""
    return activities.list_activities(session, actor, org=org, since=since, until=until, limit=limit, offset=offset)


@router.get("/activities/{activity_id:int}", response_model=ActivityDetail, response_model_exclude_unset=True)
def get_activity(session: ReadSessionDep, actor: ActorDep, activity_id: int) -> dict:
    """One activity in your scope with its filed forms."""
    return activities.get_activity(session, actor, activity_id)


@router.post("/activities/{activity_id:int}/forms", status_code=201, response_model=FormFile)
def add_form(session: SessionDep, actor: ActorDep, activity_id: int,
             form: Annotated[str, Form(max_length=16, description="record, guidance or report (备案单、指导单、报告单)")],
             file: UploadFile) -> dict:
    """File a form (PDF, JPEG or PNG, at most WANGGE_ATTACHMENTS_MAX_BYTES); read and checked off the event loop."""
    return activities.add_form(session, actor, activity_id, form, file.filename, file.content_type or "", file.file)
