"""League tables: KPIs per area with their change, and the workload of every grid worker."""

from pydantic import BaseModel, Field

from api.schemas.categories import Figures
from api.schemas.common import TimestampText


class AreaName(BaseModel):
    """The area a row ranks."""

    rank: int
    code: str
    name: str
    parent_code: str | None


class LeagueRow(Figures, AreaName):
    """An area's KPIs, their change since the window before, and its workload."""

    cases_change: int | None
    resolution_rate_change: float | None
    on_time_rate_change: float | None
    satisfaction_rate_change: float | None
    workers: int = Field(description="Grid leaders and workers on duty")
    open_now: int = Field(description="Cases open now")
    cases_per_worker: float | None
    open_per_worker: float | None
    held: int = Field(description="Deadlines this area's own handlers held that were decided in the window (met, or "
                                  "passed)")
    held_missed: int = Field(description="…of those, missed (the miss stays here after escalation)")
    own_on_time_rate: float | None = Field(description="Share of its own deadlines met, of those decided")
    visit_coverage: float | None = Field(None, description="入户走访覆盖率 over the window's days (GET /analytics/field)")
    care_on_time: float | None = Field(None, description="按期关爱率")
    proactive_share: float | None = Field(None, description="主动发现率: cases found on patrol or visit ÷ all")
    patrol_hours_per_worker: float | None = Field(None, description="Patrol hours per grid worker")
    checkpoint_coverage: float | None = Field(None, description="Key points checked in at ÷ active key points")


class League(BaseModel):
    """Every area of a level in your scope, best first by `sort`."""

    level: str = Field(description="grid, community or street")
    since: TimestampText = Field(alias="from")
    until: TimestampText = Field(alias="to")
    sort: str
    rows: list[LeagueRow]


class WorkerRow(BaseModel):
    """A grid worker or leader on duty, with their open cases now and their work in the window."""

    id: int
    name: str
    grid: str | None
    duty: str
    open_now: int
    assigned: int = Field(description="Turns with a case begun in the window (dispatched or escalated to them)")
    closed: int = Field(description="Turns finished in the window: reported back, on time or late")
    on_time: int = Field(description="…of those, by their own deadline")
    missed: int = Field(description="Their deadlines that fell due in the window and passed (kept after escalation)")
    avg_handling_hours: float | None = Field(description="Mean hours from their turn's start to their report")
    on_time_rate: float | None
    visits: int = Field(0, description="Visits made in the window")
    households_visited: int = Field(0, description="Different households visited")
    care_visits: int = Field(0, description="Care visits (关爱走访)")
    patrol_hours: float = Field(0, description="Finished patrols started in the window, and reduced days")
    patrol_km: float = 0
    checkins: int = Field(0, description="Key-point check-ins")
    cases_found: int = Field(0, description="Cases found on their patrols or visits")


class Workers(BaseModel):
    """Every grid worker and leader on duty in your scope."""

    since: TimestampText = Field(alias="from")
    until: TimestampText = Field(alias="to")
    rows: list[WorkerRow]
