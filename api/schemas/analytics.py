"""Analytics: hot spots per grid and hexagon (GeoJSON), emerging hot spots, the early warnings, time series."""

from pydantic import BaseModel, Field

from api.schemas.common import (
    DayText,
    Feature,
    FeatureCollection,
    Geometry,
    TimestampText,
    Window,
)


class SpotFigures(BaseModel):
    """A cell's hot-spot statistics (null where the cell was not tested: no value or no neighbours)."""

    gi_z: float | None = Field(description="Getis-Ord Gi* z-score")
    gi_p: float | None = Field(description="Gi*'s two-sided p-value")
    moran_i: float | None = Field(description="Local Moran's I")
    moran_p: float | None
    moran_quadrant: str | None = Field(description="HH, LL (clusters), HL or LH (outliers)")
    significant: bool = Field(description="Within the Benjamini-Hochberg cut-off at `alpha`")
    hotspot: str | None = Field(description="hot or cold when significant")


class GridSpotProperties(SpotFigures):
    """One grid's cases in the window, its population, rates and hot-spot statistics."""

    code: str
    name: str
    parent_code: str | None
    kind: str | None
    cases: int
    households: int
    residents: int
    per_1000_residents: float | None = Field(description="null without residents")
    per_100_households: float | None = Field(description="null without households")
    value: float | None = Field(description="The measure tested")


class GridSpotFeature(Feature):
    """A grid (its geometry null when asked for properties only)."""

    id: str
    properties: GridSpotProperties


class GridHotspots(FeatureCollection):
    """Every grid you may see with its cases, rates and hot-spot statistics."""

    features: list[GridSpotFeature]
    window: Window
    measure: str = Field(description="count, per_1000_residents or per_100_households")
    alpha: float
    inference: str = Field(description="permutation or normal")
    significant: int = Field(description="How many grids are significant")


class HexProperties(BaseModel):
    """One H3 hexagon's cases and households; the hot-spot statistics only when hot spots were asked for."""

    cell: str = Field(description="The H3 index")
    cases: int
    households: int
    per_100_households: float | None
    gi_z: float | None = None
    gi_p: float | None = None
    moran_i: float | None = None
    moran_p: float | None = None
    moran_quadrant: str | None = None
    significant: bool | None = None
    hotspot: str | None = None


class HexFeature(Feature):
    """An H3 hexagon."""

    id: str
    geometry: Geometry
    properties: HexProperties


class Hexbins(FeatureCollection):
    """Cases per H3 hexagon over your grids, quiet hexagons included."""

    features: list[HexFeature]
    resolution: int
    inference: str | None = Field(description="permutation or normal for hot spots, else null")
    window: Window
    significant: int


class Trend(BaseModel):
    """One grid's weekly counts and their trend."""

    code: str
    name: str
    weeks: list[int] = Field(description="Cases per week, oldest first")
    trend: str = Field(description="increasing, decreasing, no trend, or flat")
    p: float = Field(description="Mann-Kendall p-value")
    slope: float = Field(description="Sen's slope: cases added per week")
    recent_mean: float
    history_mean: float
    emerging: bool


class Emerging(BaseModel):
    """Grids whose weekly counts rise significantly, emerging ones first."""

    weeks_from: TimestampText = Field(description="Monday 00:00 (Beijing) of the first week")
    weeks_to: TimestampText
    test: str
    alpha: float
    tested: int
    emerging: int
    grids: list[Trend]


class EarlyWarning(BaseModel):
    """A grid and category with far more cases this week than usual, with the evidence."""

    grid: str
    grid_name: str
    category: str
    category_name: str
    count: int = Field(description="Cases this week")
    usual: float = Field(description="Mean cases a week over the history")
    baseline: float = Field(description="What this week is compared with: the usual, but at least 1 a week")
    ratio: float = Field(description="count / baseline")
    p: float = Field(description="Poisson upper-tail p-value")
    history: list[int] = Field(description="Weekly counts, oldest first")
    case_ids: list[int] = Field(description="This week's cases, newest first")
    message: str
    message_en: str


class Warnings(BaseModel):
    """The early-warning list of a day, most surprising first."""

    day: DayText
    week_from: TimestampText
    week_to: TimestampText
    history_weeks: int
    tested: int
    warnings: list[EarlyWarning]


class Period(BaseModel):
    """One day, week or month of a series."""

    period: DayText = Field(description="Its first day (Beijing)")
    cases: int
    closed: int
    on_time: int
    on_time_rate: float | None


class Series(BaseModel):
    """Cases, closed and closed on time per period, empty periods included."""

    interval: str = Field(description="day, week or month")
    area: str | None
    periods: list[Period]


class FieldRow(BaseModel):
    """An area's field figures over the period, each share with its numerator and denominator (null when 0)."""

    code: str
    name: str
    parent_code: str | None
    households: int = Field(description="Households in the area's buildings now")
    households_visited: int = Field(description="…of those, visited at least once (any kind) in the period")
    visit_coverage: float | None = Field(description="入户走访覆盖率: households_visited ÷ households")
    care_due: int = Field(description="Care dues (last care visit + tier days) in the period, decided")
    care_met: int = Field(description="…of those, met by the next care visit on or before the due day")
    care_on_time: float | None = Field(description="按期关爱率: care_met ÷ care_due")
    cases: int = Field(description="Cases reported in the period (merged duplicates left out)")
    patrol_cases: int = Field(description="…of those, found on patrol or visit (channel patrol)")
    proactive_share: float | None = Field(description="主动发现率: patrol_cases ÷ cases")
    patrols: int = Field(description="Finished patrols started in the period, and reduced ones")
    patrol_hours: float
    patrol_km: float
    workers: int = Field(description="Grid workers (full- and part-time) assigned in the area on `to`")
    patrol_hours_per_worker: float | None
    patrol_km_per_worker: float | None
    checkpoints: int = Field(description="Active key points of the area")
    checkpoints_covered: int = Field(description="…of those, checked in at in the period")
    checkpoint_coverage: float | None = Field(description="checkpoints_covered ÷ checkpoints")


class FieldFigures(BaseModel):
    """Every area of a level with its field figures over an inclusive period of Beijing dates."""

    level: str = Field(description="grid, community or street")
    since: str = Field(alias="from")
    until: str = Field(alias="to")
    area: str | None
    rows: list[FieldRow]


class BuildingVisitProperties(BaseModel):
    """A building and when its households were last visited: no personal data."""

    id: int
    name: str | None
    households: int
    last_visit_on: DayText | None = Field(description="Beijing day of its last visit (any kind); null: never")
    days_since_visit: int | None = Field(description="Days from that day to today (Beijing); null: never visited")


class BuildingVisitFeature(Feature):
    """A point on the building's footprint."""

    id: int
    geometry: Geometry
    properties: BuildingVisitProperties


class BuildingVisits(FeatureCollection):
    """Buildings in the view within your scope, by days since their last visit."""

    features: list[BuildingVisitFeature]
    numberReturned: int
    truncated: bool = Field(description="More buildings lie in the view than `limit`: zoom in")
    as_of: DayText = Field(description="Today in Beijing, from which the days are counted")
