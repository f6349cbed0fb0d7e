"""Party organisations, members, 双报到 and activities; membership fields only for read_party_members."""

from pydantic import BaseModel, Field

from api.schemas.common import DayText, TimestampText


class OrgRef(BaseModel):
    """An organisation named by id and name."""

    id: int
    name: str


class OrgChild(OrgRef):
    """An organisation directly below."""

    level: str
    level_label: str


class CompoundRef(BaseModel):
    """A compound by code and name."""

    code: str
    name: str


class AreaName(BaseModel):
    """An area by code and name."""

    code: str
    name: str | None


class BuildingRef(BaseModel):
    """A building by id and name."""

    id: int
    name: str | None


class Unit(BaseModel):
    """The unit a unit organisation belongs to."""

    name: str
    kind: str | None
    kind_label: str | None


class PostCount(BaseModel):
    """How many hold one post."""

    post: str
    post_label: str
    count: int


class PostHolder(BaseModel):
    """Who holds a post (read_party_members only), phone masked."""

    post: str
    post_label: str
    member_id: int
    name: str
    phone: str | None = Field(description="139****0000")
    unit: str | None = Field(description="A part-time member's unit")


class Posts(BaseModel):
    """Counts per post and part-time members' units for everyone; the holders only for read_party_members."""

    counts: list[PostCount]
    units: list[str]
    holders: list[PostHolder] | None = Field(default=None, description="Absent without read_party_members")


class Org(BaseModel):
    """One party organisation."""

    id: int
    code: str
    name: str
    level: str
    level_label: str
    parent: OrgRef | None
    children: list[OrgChild]
    area: AreaName
    compounds: list[CompoundRef]
    building: BuildingRef | None
    unit: Unit | None
    founded_on: DayText | None
    members: int
    active_days: int = Field(description="The window of recent_activities, in days")
    recent_activities: int
    last_activity: DayText | None
    posts: Posts


class Home(BaseModel):
    """The household a member lives in."""

    household_id: int
    building_id: int
    building_name: str | None
    door: str | None
    grid_code: str | None


class ContactHousehold(BaseModel):
    """A household a member keeps contact with (党员联系户)."""

    household_id: int
    building_id: int
    building_name: str | None
    door: str | None


class ReportIn(BaseModel):
    """One 双报到."""

    id: int
    community_code: str
    community_name: str | None
    reported_on: DayText
    pledge: str


class Member(BaseModel):
    """A party member (personal data: every read is audited); phone masked."""

    id: int
    name: str
    phone: str | None = Field(description="139****0000")
    status: str
    status_label: str
    kind: str
    kind_label: str
    org: OrgRef
    work_unit: str | None
    joined_on: DayText | None
    home: Home | None
    grid_role: str | None = Field(description="The duty of the staff record linked to the member")
    grid_role_label: str | None
    contacts: list[ContactHousehold]
    report_ins: list[ReportIn]


class Members(BaseModel):
    """A page of members by id, with how many matched."""

    total: int
    items: list[Member]


class ReportInRecorded(BaseModel):
    """The report-in as recorded."""

    id: int
    member_id: int
    community_code: str
    reported_on: DayText
    pledge: str
    recorded_by: str


class FormFile(BaseModel):
    """A filed form of an activity."""

    id: int
    form: str = Field(description="record, guidance or report (备案单、指导单、报告单)")
    form_label: str
    filename: str
    content_type: str
    size: int
    uploaded_at: TimestampText


class Activity(BaseModel):
    """An activity; member_ids only for read_party_members."""

    id: int
    org_id: int
    org_name: str
    kind: str
    kind_label: str
    held_on: DayText
    place: str
    participants: int
    summary: str = Field(description="Plain text: set it as text, never as HTML")
    recorded_by: str
    recorded_at: TimestampText
    member_ids: list[int] | None = Field(default=None, description="Absent without read_party_members")


class ActivityDetail(Activity):
    """An activity with its forms."""

    forms: list[FormFile]


class Activities(BaseModel):
    """Activities, newest first."""

    total: int
    items: list[Activity]
