"""GET /party/orgs (the organisation tree) and GET /party/compounds (the 党建 map layer)."""

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import DayText, Feature, FeatureCollection


class OrgNode(BaseModel):
    """A party organisation; an ancestor outside your scope keeps only id, name and level (in_scope false)."""

    id: int
    code: str | None
    name: str
    level: str
    level_label: str = Field(description="The level in the request's language (街道党工委, 社区党委, …)")
    in_scope: bool
    members: int | None = Field(description="Members of this organisation and those under it")
    compounds: int | None = Field(description="Compounds it and those under it cover (组织覆盖)")
    has_secretary: bool | None
    worked: bool | None = Field(description="It or those under it held the required activities in the last 90 days")
    last_activity: DayText | None
    bbox: list[float] | None = Field(description="[minlon, minlat, maxlon, maxlat] of what it is anchored to")
    children: list["OrgNode"]


class OrgTree(BaseModel):
    """The organisation tree in your scope."""

    roots: list[OrgNode]


class Period(BaseModel):
    """The days a coverage counts, both included."""

    since: DayText = Field(alias="from")
    until: DayText = Field(alias="to")


class PartyCompoundProperties(BaseModel):
    """A compound and its two coverages (两个覆盖); organisation names, never members."""

    code: str
    name: str
    grid_code: str | None
    community_code: str
    property_company: str | None
    red_property: bool
    org_covered: bool
    work_covered: bool
    activities: int = Field(description="Activities of its organisation in the period")
    last_activity: DayText | None = Field(description="Its organisation's last activity up to `to`, in the period or not")
    branches: list[str]
    gap: bool = Field(description="Not covered by an organisation, or not worked in the period")


class PartyCompoundFeature(Feature):
    """One compound's outline."""

    id: int
    properties: PartyCompoundProperties


class PartyCompounds(FeatureCollection):
    """The compounds you may see, for the 党建 layer."""

    type: Literal["FeatureCollection"]
    features: list[PartyCompoundFeature]
    period: Period
