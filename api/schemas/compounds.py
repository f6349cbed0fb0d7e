"""Compounds as GeoJSON, one compound's page, and its joint meetings."""

from pydantic import BaseModel, Field

from api.schemas.common import DayText, Feature, FeatureCollection, Geometry, TimestampText


class CompoundProperties(BaseModel):
    """A compound (小区/院落): its community, derived grid, the three parties that govern it, and its counts."""

    code: str
    name: str
    community_code: str
    grid_code: str | None = Field(description="Derived from the grid boundaries, never typed in")
    property_company: str | None = Field(description="物业服务企业")
    owners_committee: str | None = Field(description="业主委员会")
    red_property: bool = Field(description="红色物业")
    area_m2: float
    buildings: int
    households: int


class CompoundFeature(Feature):
    """One compound."""

    id: str
    geometry: Geometry
    properties: CompoundProperties


class Compounds(FeatureCollection):
    """Compounds in the caller's scope, by code."""

    features: list[CompoundFeature]
    numberMatched: int
    numberReturned: int


class Meeting(BaseModel):
    """A joint meeting of the compound's branch, owners' committee and property company."""

    id: int
    kind: str = Field(description="daily, weekly, monthly, quarterly or yearly (日联、周会、月商、季研、年总)")
    kind_label: str
    held_on: DayText
    attendees: str
    outcome: str = Field(description="Plain text: set it as text, never as HTML")
    recorded_by: str
    recorded_at: TimestampText


class Meetings(BaseModel):
    """A compound's meetings, newest first."""

    compound: str
    total: int
    items: list[Meeting]


class Branch(BaseModel):
    """A party organisation covering the compound; the secretary's name only for read_party_members."""

    id: int
    name: str
    level: str
    level_label: str
    has_secretary: bool
    secretary: str | None = Field(default=None, description="Absent for roles without read_party_members")


class CompoundDetailProperties(CompoundProperties):
    """The compound page: counts, branches, open cases, case rate and latest meetings."""

    residents: int
    open_cases: int = Field(description="Open cases (any age) in the polygon or in the compound's buildings")
    cases_365: int = Field(description="Cases reported in the last 365 days, located the same way")
    cases_per_100_households: float | None = Field(description="cases_365 × 100 ÷ households (null: no households)")
    branches: list[Branch]
    meetings: list[Meeting] = Field(description="The latest five, newest first")


class CompoundDetail(Feature):
    """One compound with its page's figures."""

    id: str
    geometry: Geometry
    properties: CompoundDetailProperties
