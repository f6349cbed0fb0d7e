"""What a plan changes (old against new per grid, the moves) and two plans side by side."""

from pydantic import BaseModel, Field


class GridImpact(BaseModel):
    """One grid before and after (null: the grid does not exist on that side)."""

    code: str
    status: str = Field(description="kept, new or retired")
    buildings_before: int | None
    households_before: int | None
    residents_before: int | None
    special_before: int | None = Field(description="Residents in a special group")
    open_cases_before: int | None
    cases_last_year_before: int | None
    buildings_after: int | None
    households_after: int | None
    residents_after: int | None
    special_after: int | None
    open_cases_after: int | None
    cases_last_year_after: int | None
    staff_before: int | None
    staff_after: int | None


class Move(BaseModel):
    """What goes from one grid to another (null: outside every grid)."""

    source: str | None
    target: str | None
    buildings: int
    households: int
    residents: int
    open_cases: int


class MovedBuilding(BaseModel):
    """A building that changes grid."""

    id: int
    name: str | None
    source: str | None = Field(alias="from")
    target: str | None = Field(alias="to")
    households: int
    lon: float
    lat: float


class MovedCase(BaseModel):
    """An open case that changes grid."""

    id: int
    source: str | None = Field(alias="from")
    target: str | None = Field(alias="to")


class Unplaced(BaseModel):
    """What no grid of the plan would cover."""

    buildings: int
    open_cases: int


class Balance(BaseModel):
    """Households per grid against the target range (only `grids` when there are none)."""

    grids: int
    below: int | None = None
    within: int | None = None
    above: int | None = None
    min: int | None = None
    max: int | None = None
    mean: float | None = None
    std: float | None = None


class BeforeAfter(BaseModel):
    """The balance of the grids in force, and of the plan's."""

    before: Balance
    after: Balance


class Impact(BaseModel):
    """Old against new per grid, the moves between grids, and the balance before and after."""

    plan: int
    target_households: list[int] = Field(description="[min, max] households per grid")
    grids: list[GridImpact]
    moves: list[Move]
    moved_buildings: list[MovedBuilding]
    moved_open_cases: list[MovedCase]
    unplaced: Unplaced
    balance: BeforeAfter


class PlanSummary(BaseModel):
    """One plan's figures for the comparison."""

    plan: int
    valid: bool
    errors: int
    warnings: int
    balance: Balance = Field(description="After publishing")
    polsby_popper_mean: float | None
    polsby_popper_min: float | None
    grids_new: int
    grids_retired: int
    households_moved: int
    open_cases_moved: int
    households: dict[str, int | None] = Field(description="Households per grid code after publishing")


class GridHouseholds(BaseModel):
    """One grid code's households under each plan (null: not a grid of that plan)."""

    code: str
    households: list[int | None]


class Comparison(BaseModel):
    """Two plans side by side."""

    target_households: list[int]
    plans: list[PlanSummary]
    grids: list[GridHouseholds]
