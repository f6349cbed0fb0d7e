"""Case categories, and the KPIs of an area."""

from datetime import datetime

from pydantic import BaseModel, Field


class Deadline(BaseModel):
    """How long a category's cases may take."""

    value: int
    unit: str = Field(description="working_hours, working_days, natural_days or emergency_hours")


class Category(BaseModel):
    """A case category with who handles it by default and by when."""

    code: str
    group: str
    name: str = Field(description="The Chinese name")
    name_en: str
    handler_level: str = Field(description="grid, community, street or department")
    department: str | None = Field(description="The department handling it (城管, 公安, 消防, …), if any")
    deadline: Deadline


class Figures(BaseModel):
    """The handling KPIs of a set of cases (rates are null when their denominator is zero; see geo/cases/kpis.py)."""

    cases: int = Field(description="Valid cases: reported in the period, not merged into another")
    response_rate: float | None = Field(description="响应率: dispatched cases taken up / dispatched")
    resolution_rate: float | None = Field(description="解决率: closed or rated / valid cases")
    satisfaction_rate: float | None = Field(description="满意率: (satisfied + 0.9 × basically satisfied) / rated")
    on_time_rate: float | None = Field(description="按期结案率: closed by the deadline of their first dispatch "
                                       "(moved only by an approved extension) / closed with one")
    rework_rate: float | None = Field(description="返工率: closed cases sent back after verification / closed")
    return_rate: float | None = Field(description="回退率: dispatches returned / dispatched")
    avg_handling_hours: float | None = Field(description="平均处置时长: mean hours from report to closure")
    deadline_misses: int = Field(default=0, description="超时次数: handlers' deadlines that passed, however the case ended")
    missed_cases: int = Field(default=0, description="Cases with at least one missed deadline")


class KpiPeriod(BaseModel):
    """The area and period of a set of KPIs."""

    area: str | None = Field(description="The area's code (null: a scope that covers everything)")
    since: datetime
    until: datetime


class Kpis(Figures, KpiPeriod):
    """The KPIs of an area over [since, until)."""
