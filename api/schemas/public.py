"""居务公开: an approved publication, the public pages' figures and the de-identified Open311 requests."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PublicationIn(BaseModel):
    """The reply as the public should read it, and optionally a description cleaned of names, doors and phones."""

    model_config = ConfigDict(extra="forbid")
    reply: str = Field(min_length=1, max_length=2000)
    description: str | None = Field(default=None, min_length=1, max_length=2000)


class Publication(BaseModel):
    """What is published of a case's free text (all None when nothing is)."""

    case_id: int
    reply: str | None
    description: str | None
    approved_by: str | None
    approved_at: datetime | None


class PublicRequest(BaseModel):
    """A case as the public reads it (GeoReport v2): no person, no exact point; texts only once approved."""

    service_request_id: str
    status: str = Field(description="open or closed")
    service_code: str
    service_name: str
    description: str | None = Field(description="The approved, cleaned description, if any")
    status_notes: str | None = Field(description="The approved reply, once published")
    requested_datetime: datetime
    updated_datetime: datetime | None
    address: str = Field(description="The grid (网格), never a street address")
    lat: float = Field(description="Centre of the WANGGE_PUBLIC_CELL_M square the case lies in, not its point")
    long: float = Field(description="Centre of the WANGGE_PUBLIC_CELL_M square the case lies in, not its point")
