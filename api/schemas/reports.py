"""A resident's own reports as they follow them: stage, where it went, the reply, the timeline."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.params import Body

Stage = Literal["received", "dispatched", "handling", "replied", "closed", "rated", "reopened", "called_back"]


class Topic(BaseModel):
    """One entry of the residents' list, in plain words."""

    code: str
    name: str
    name_en: str


class ReportIn(Body):
    """随手拍: a topic of the residents' list, where (WGS84, from the phone or a tap on the map), what was seen."""

    topic: str = Field(max_length=40)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    description: str | None = Field(default=None, max_length=2000)
    address: str | None = Field(default=None, max_length=200)


class ReportStep(Body):
    """Rate (评价) or reopen (重新办理) one's report, on the version read."""

    action: Literal["rate", "reopen"]
    version: int = Field(ge=1)
    rating: Literal["satisfied", "basically_satisfied", "dissatisfied"] | None = None
    note: str | None = Field(default=None, max_length=2000, description="Why it is reopened (required then)")


class Named(BaseModel):
    code: str
    name: str
    name_en: str


class HandledBy(BaseModel):
    """Where the report went: a grid, community, street or department; never a person."""

    level: str
    name: str | None


class Photo(BaseModel):
    id: int
    content_type: str


class TimelineStep(BaseModel):
    """One step the resident follows: 已受理, 已派遣至 X, 处理中, 已回复, 已办结, 已评价, 重新办理, 已回访."""

    stage: Stage
    at: datetime
    to: str | None = Field(default=None, description="Where it was dispatched")
    note: str | None = Field(default=None, description="The handler's reply, or why it was reopened")


class Report(BaseModel):
    """One of the resident's reports."""

    id: int
    status: str
    stage: Stage
    version: int
    category: Named
    description: str | None
    address: str | None
    reported_at: datetime
    closed_at: datetime | None
    rating: str | None
    handled_by: HandledBy | None
    reply: str | None
    photos: list[Photo]
    allowed_actions: list[str] = Field(description="What the resident may do now: rate, reopen")
    timeline: list[TimelineStep] | None = None


class Reports(BaseModel):
    items: list[Report]


class AnonymousReport(BaseModel):
    """A report made without signing in, and its 查询码: shown this once, the only way to follow it."""

    query_code: str = Field(description="Keep it: with it (POST /api/v1/reports/lookup) you follow the report")
    report: Report


class LookupIn(Body):
    """A 查询码, as printed (XXXX-XXXX-XXXX) or typed without the dashes, in any case."""

    code: str = Field(max_length=40)
