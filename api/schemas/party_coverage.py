"""Party coverage per area and the five-level chain per community: counts and shares only, never names."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class ChainLevel(BaseModel):
    """One level of 五级下沉: how much of it is covered (docs/party.md)."""

    level: str = Field(description="street_leader, community_secretary, grid_staff, building_group_leader, "
                                   "contact_member")
    label: str = Field(description="The level in the request's language")
    covered: int
    total: int = Field(description="1 for the two posts (at least one person needed), else grids, residential "
                                   "buildings or households")
    gap: bool = Field(description="True when covered < total")
    staff: int | None = Field(None, description="The two posts: how many staff hold it")


class Chain(BaseModel):
    """A community's five levels and its gaps in words."""

    levels: list[ChainLevel]
    gaps: list[str] = Field(description="e.g. 无街道领导包联, 3 个楼栋无党小组长")


class CoverageRow(BaseModel):
    """An area's figures; a share is null when its denominator is 0."""

    code: str
    name: str
    compounds: int
    org_covered: int = Field(description="Compounds with a party organisation (组织覆盖)")
    org_share: float | None
    work_covered: int = Field(description="Compounds whose organisation worked in the period (工作覆盖)")
    work_share: float | None
    leaders: int = Field(description="Grid leaders on duty on `to`")
    leader_members: int | None = Field(description="Of them, party members (null without read_party_members: the "
                                                   "leaders are named people)")
    leader_member_share: float | None
    workers: int = Field(description="Full-time and part-time grid workers on duty on `to`")
    worker_members: int | None = Field(description="Of them, party members (null without read_party_members)")
    worker_member_share: float | None
    households: int
    members: int = Field(description="Party members living in the area")
    members_per_100_households: float | None
    in_service: int = Field(description="In-service members (在职党员) living in the area")
    reported_in: int = Field(description="Of them, reported in (双报到) on or before `to`")
    reported_in_share: float | None
    contacted: int = Field(description="Households with a contact member (党员联系户)")
    contacted_share: float | None
    chain: Chain | None = Field(None, description="level=community only: 五级下沉")


class Coverage(BaseModel):
    """Every area of the level in your scope."""

    model_config = ConfigDict(populate_by_name=True)
    level: str
    since: date = Field(alias="from")
    until: date = Field(alias="to")
    required_activities: int = Field(description="Activities a compound's organisation must hold in the period")
    rows: list[CoverageRow]
