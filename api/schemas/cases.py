"""Cases: one case as the workflow shows it, lists of them, where a new one would go, attachments, heat cells."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

from api.schemas.common import AreaRef, Person


class CategoryRef(BaseModel):
    """A case's category: its code and names (null names: a code no longer in the catalogue)."""

    code: str
    name: str | None
    name_en: str | None


class CaseView(BaseModel):
    """A case as lists show it, with what you may do next."""

    id: int
    version: int = Field(description="Send it back with a transition: 409 if the case changed meanwhile")
    status: str = Field(description="registered, dispatched, handling, reported, verified, closed, rated, …")
    channel: str | None = Field(description="patrol, hotline, self_report, …")
    urgency: str = Field(description="normal or urgent")
    description: str | None
    address: str | None
    lon: float
    lat: float
    located_match: str | None = Field(description="covers or nearest: how the point found its grid")
    handler_level: str | None = Field(description="grid, community, street or department")
    handler_area: str | None = Field(description="The code of the area handling it")
    department: str | None
    reported_at: datetime
    dispatched_at: datetime | None
    due_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    escalations: int
    extension_requested: bool
    rework_count: int = Field(description="Times sent back after verification")
    return_count: int = Field(description="Times the dispatch was returned")
    rating: str | None = Field(description="satisfied, basically_satisfied or dissatisfied")
    duplicate_of: int | None
    merged_into: int | None
    patrol_id: int | None = Field(default=None, description="Found on this patrol (channel patrol)")
    visit_id: int | None = Field(default=None, description="Found on this household visit (channel patrol)")
    category: CategoryRef
    grid: AreaRef | None
    assignee: Person | None
    allowed_actions: list[str] = Field(description="The transitions you may send now")
    first_due_at: datetime | None = Field(description="The deadline of the first dispatch, which 按期结案率 counts "
                                                      "against (moved only by an approved extension)")
    light: Literal["green", "yellow", "red"] | None = Field(
        description="红灯 red: the current deadline has passed; 黄灯 yellow: WANGGE_WARN_BEFORE of its time limit or "
                    "less is left; green before; null for a case not being worked")
    supervision_pending: bool = Field(description="督办: a higher level pressed the case and awaits the handler's reply")


class CaseEvent(BaseModel):
    """One step of a case's history."""

    at: datetime
    actor: str = Field(description="Who took the step (a username, or `system`)")
    actor_name: str | None = Field(default=None, description="The account's display name (null: none, or the system)")
    actor_role: str | None = Field(default=None, description="The account's role (null: the system)")
    action: str
    from_status: str | None
    to_status: str
    note: str | None
    data: dict[str, Any] = Field(description="What the step recorded (assignee, target, rating, …)")


class CaseReporter(BaseModel):
    """Who reported the case: the name cut to the surname unless your role may read full names, the phone masked."""

    name: str | None
    phone: str | None
    channel: str | None
    reported_at: datetime


class Attachment(BaseModel):
    """A file stored with a case."""

    id: int
    filename: str
    content_type: str
    size: int = Field(description="Bytes")
    uploaded_at: datetime


class Hold(BaseModel):
    """One handler's turn with the case and its own deadline; a deadline missed stays missed."""

    kind: Literal["dispatch", "escalation", "lead", "assist", "whistle"] = Field(
        description="dispatch, escalation (the next level), lead (牵头 department), assist (协办), whistle (吹哨报到)")
    level: str = Field(description="grid, community, street, district or department")
    area_code: str | None
    area_name: str | None
    department: str | None
    staff_id: int | None
    staff_name: str | None
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None
    outcome: str | None = Field(description="met, missed, handed (re-dispatched), returned, cancelled; null: open")
    missed: bool
    note: str | None = Field(description="A department's report-in or assisting report")


class Supervision(BaseModel):
    """督办: who pressed the case, and the handler's reply."""

    at: datetime
    by_user: str = Field(description="The username of who pressed")
    by_name: str = Field(description="Their name as shown (the username when the account has none)")
    by_role: str
    note: str
    replied_at: datetime | None
    replied_by: str | None
    reply: str | None


class Case(CaseView):
    """One case with its history, reporters, attachments, handlers' turns and supervisions."""

    history: list[CaseEvent]
    reporters: list[CaseReporter]
    attachments: list[Attachment]
    holds: list[Hold]
    supervisions: list[Supervision]


class CaseList(BaseModel):
    """A page of cases, newest first, with how many matched in all."""

    total: int
    items: list[CaseView]


class Preview(BaseModel):
    """Where a case reported at a point would go, and by when (nothing is written)."""

    lon: float
    lat: float
    match: str = Field(description="covers or nearest")
    distance_m: float
    grid: AreaRef
    community: AreaRef | None
    handler_level: str
    handler_area: str | None
    department: str | None
    assignee: Person | None = Field(description="The person routing picks (null: nobody on duty)")
    due_at: datetime


# A tuple, so the count stays an integer; documented as a plain array (schemathesis reads no prefixItems).
Cell = Annotated[tuple[float, float, int], WithJsonSchema(
    {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3, "description": "[lat, lon, count]"})]


class Heat(BaseModel):
    """Cases of a period as weighted cells for a heat layer, largest first."""

    since: datetime = Field(alias="from")
    until: datetime = Field(alias="to")
    cell_deg: float = Field(description="The cells' width in degrees")
    total: int
    points: list[Cell] = Field(description="[lat, lon, count] per cell")
