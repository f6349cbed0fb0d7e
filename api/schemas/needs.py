"""三单制 needs as each role reads them, their steps, figures; the points ledger, shop and honours."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.params import Body, IsoDate

NeedStatus = Literal["raised", "ordered", "claimed", "done", "confirmed", "declined", "cancelled"]
NeedAction = Literal["order", "decline", "cancel", "claim", "release", "complete", "redo", "confirm"]
Rating = Literal["satisfied", "basically_satisfied", "dissatisfied"]


class NeedIn(Body):
    """A need: what, for whom, and where (a compound code or a building id; a resident's household by default)."""

    title: str = Field(min_length=1, max_length=100)
    kind: Literal["personal", "public"] = "personal"
    description: str | None = Field(default=None, max_length=2000)
    compound: str | None = Field(default=None, max_length=32)
    building_id: int | None = None
    lon: float | None = Field(default=None, ge=-180, le=180, description="A point in the compound (WGS84)")
    lat: float | None = Field(default=None, ge=-90, le=90)
    source: Literal["visit", "meeting"] | None = Field(
        default=None, description="Staff: where the need was raised (a resident's is always `resident`)")


class NeedStepIn(Body):
    """One step on the version read; each step says which fields it needs (order: org and due_on, ...)."""

    action: NeedAction
    version: int = Field(ge=1)
    org: str | None = Field(default=None, max_length=32, description="order: the organisation's code")
    due_on: IsoDate | None = Field(default=None, description="order: the day it should be done by")
    title: str | None = Field(default=None, max_length=100, description="order: the title published to claimers")
    description: str | None = Field(default=None, max_length=2000, description="order: the text published")
    member_id: int | None = Field(default=None, description="claim (party staff): the member who claims")
    unit: str | None = Field(default=None, max_length=100, description="claim: the unit that claims")
    proof: str | None = Field(default=None, max_length=2000, description="complete: what was done")
    rating: Rating | None = Field(default=None, description="confirm: the resident's rating")
    note: str | None = Field(default=None, max_length=2000, description="decline, release, redo: why")


class Named(BaseModel):
    """Something by code and name."""

    code: str
    name: str | None


class Claimer(BaseModel):
    """Who claimed a need: member, volunteer or unit (a member's name only for those who may see members)."""

    kind: Literal["member", "volunteer", "unit"]
    name: str | None
    yours: bool


class NeedEvent(BaseModel):
    """One step taken."""

    action: str
    status: str
    at: datetime
    note: str | None


class Need(BaseModel):
    """A need as the caller may read it (the board and a claimer read no person, household or building of another)."""

    id: int
    version: int
    status: NeedStatus
    kind: Literal["personal", "public"]
    source: Literal["resident", "visit", "meeting"]
    title: str
    description: str | None
    published_title: str | None = Field(default=None, description="Staff and the resident: what the board shows")
    published_description: str | None = None
    compound: Named | None
    building: str | None
    community: Named
    grid: str | None
    organisation: str | None
    due_on: date | None
    claimer: Claimer | None
    raised_at: datetime
    ordered_at: datetime | None
    claimed_at: datetime | None
    done_at: datetime | None
    confirmed_at: datetime | None
    proof: str | None
    rating: Rating | None
    allowed_actions: list[str]
    orgs: list[Named] | None = Field(default=None, description="To order it: the organisations that may")
    timeline: list[NeedEvent] | None = None


class Needs(BaseModel):
    """A list of needs."""

    items: list[Need]


class NeedFigures(BaseModel):
    """The 三单制 figures of one organisation or community for the month."""

    code: str
    name: str | None
    ordered: int
    claimed: int
    completed: int
    rated: int
    claim_rate: float | None
    median_days_to_claim: float | None
    completion_rate: float | None
    satisfaction_rate: float | None
