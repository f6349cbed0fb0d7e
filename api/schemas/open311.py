"""Open311 GeoReport v2: services and service requests."""

from datetime import datetime

from pydantic import BaseModel, Field


class Service(BaseModel):
    """A case category as a GeoReport service."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class ServiceDefinition(BaseModel):
    """A service's extra questions (GeoReport `services/{code}`): ours ask none."""

    service_code: str
    attributes: list[dict] = Field(default_factory=list)


class ServiceRequest(BaseModel):
    """A case as a GeoReport service request."""

    service_request_id: str
    status: str = Field(description="open or closed")
    status_notes: str = Field(description="The case's own status")
    service_name: str | None
    service_code: str
    description: str | None
    agency_responsible: str | None
    requested_datetime: datetime
    updated_datetime: datetime | None
    expected_datetime: datetime | None
    address: str | None
    lat: float
    long: float


class Receipt(BaseModel):
    """A new request, waiting at intake."""

    service_request_id: str
    service_notice: str


class GeoReportError(BaseModel):
    """A refusal as GeoReport v2 words it (a list of these is the body)."""

    code: int
    description: str
