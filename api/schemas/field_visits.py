"""Household visits, the households of a building and the care list (geo/field)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.cases import Attachment
from api.schemas.common import AreaRef, Person


class BuildingRef(BaseModel):
    """A building named by id, name and address."""

    id: int
    name: str | None
    address: str | None


class HouseholdRef(BaseModel):
    """A household named by id and door."""

    id: int
    door: str | None


class ResidentRef(BaseModel):
    """A resident by id, the name masked to the surname for roles without read_full_names."""

    id: int
    name: str | None


class Visit(BaseModel):
    """A household visit (走访)."""

    id: int
    kind: Literal["home", "return", "help", "safety", "care"]
    visited_at: datetime
    staff: Person
    grid: AreaRef | None
    building: BuildingRef | None
    household: HouseholdRef | None
    resident: ResidentRef | None = Field(description="Whom a care visit was for: null for roles that may not see "
                                                      "special-group membership")
    findings: str | None
    need: str | None
    photos: list[Attachment]
    case_ids: list[int] = Field(description="Cases made from this visit's finding")


class Visits(BaseModel):
    total: int
    items: list[Visit]


class BuildingOfHouseholds(BuildingRef):
    grid_code: str | None


class Household(BaseModel):
    """A household with its members, its last visit (any kind) and how many visits it has had."""

    id: int
    door: str | None
    members: list[ResidentRef]
    last_visit_at: datetime | None
    visits: int


class Households(BaseModel):
    building: BuildingOfHouseholds
    items: list[Household]


class Tier(BaseModel):
    name: str = Field(description="高风险, 重点, 一般 (data/care_tiers.csv)")
    days: int = Field(description="Days between care visits")


class CareItem(BaseModel):
    """A resident due (or overdue) a care visit."""

    resident: ResidentRef
    household: HouseholdRef
    building: BuildingRef
    grid: AreaRef
    tier: Tier
    groups: list[str] = Field(description="Special groups, in Chinese")
    last_visit_at: datetime | None = Field(description="The last care visit; null: never cared for (从未关爱)")
    due_on: date = Field(description="Beijing day of the last care visit plus the tier's days; today if never")
    status: Literal["overdue", "due"]
    days_overdue: int


class CareCounts(BaseModel):
    overdue: int
    due: int


class CareDue(BaseModel):
    """The care list; roles without read_special_groups get the counts only (items empty, masked true)."""

    as_of: date = Field(description="Today in Beijing")
    counts: CareCounts
    items: list[CareItem]
    masked: bool
