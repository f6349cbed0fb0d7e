"""Departments that handle cases, and how they answer."""

from pydantic import BaseModel, Field

from api.schemas.common import TimestampText


class Department(BaseModel):
    """A department: the code cases and accounts name it by, and its names."""

    code: str
    name: str
    name_en: str


class Departments(BaseModel):
    """Every department (data/departments.csv or WANGGE_DEPARTMENTS_FILE)."""

    items: list[Department]


class DepartmentRow(Department):
    """A department's turns decided in the window (ended in time, or deadline passed), by kind, and the share of its
    own deadlines it met."""

    led: int = Field(description="Cases it led (牵头)")
    led_missed: int
    assisted: int = Field(description="Cases it assisted (协办)")
    assisted_missed: int
    whistled: int = Field(description="Times it was whistled for (吹哨) and had to report in (报到)")
    whistled_missed: int = Field(description="Report-ins later than WANGGE_REPORT_IN_HOURS, or never made")
    own_on_time_rate: float | None


class DepartmentFigures(BaseModel):
    """Every department's figures in your scope (a department account: its own)."""

    since: TimestampText = Field(alias="from")
    until: TimestampText = Field(alias="to")
    rows: list[DepartmentRow]
