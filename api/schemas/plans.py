"""Boundary plans: the plan and its grids, validation reports, proposals, edits and publishing."""

from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import (
    DayText,
    Feature,
    FeatureCollection,
    Geometry,
    TimestampText,
)


class Problem(BaseModel):
    """One thing wrong with a plan, where, and the geometry to show on the map."""

    code: str = Field(description="overlap, gap, not_contiguous, code_prefix, numbering, …")
    severity: str = Field(description="error (blocks publishing) or warning")
    grids: list[str]
    message: str = Field(description="In the request's language")
    geometry: Geometry | None


class GridMeasure(BaseModel):
    """One grid's measures."""

    code: str
    community_code: str
    area_m2: float
    polsby_popper: float = Field(description="4πA/P²: 1 for a circle, lower the more ragged")


class Validation(BaseModel):
    """Every problem of a plan and each grid's measures."""

    valid: bool = Field(description="No errors (warnings allowed)")
    errors: int
    warnings: int
    problems: list[Problem]
    grids: list[GridMeasure]


class PlanCreated(BaseModel):
    """A new draft plan and its validation."""

    id: int
    validation: Validation


class Objective(BaseModel):
    """What a proposal's search minimised: households outside the range first, then cut edges, then moves."""

    households_outside_range: int
    cut_edges: int
    households_moved: int = Field(description="Households that would change grid")
    objective: float
    grids: int
    steps: int
    seed: int
    epsilon: float | None = Field(default=None, description="The balance tolerance (one community only)")
    communities: dict[str, "Objective"] | None = Field(
        default=None, description="Each community's terms (a street's proposal only)")


class Proposal(BaseModel):
    """A draft proposed by ReCom, its objective and validation, and households per grid."""

    plan: int = Field(description="The new plan's id")
    objective: Objective
    households: dict[str, int] = Field(description="Households per grid code")
    validation: Validation


class PlanGridProperties(BaseModel):
    """One grid of a plan."""

    code: str
    name: str
    community_code: str
    kind: str
    purpose: str | None


class PlanGridFeature(Feature):
    """A grid of the plan."""

    id: str
    geometry: Geometry
    properties: PlanGridProperties


class PlanFields(BaseModel):
    """The plan's own fields."""

    id: int
    name: str
    status: str = Field(description="draft, scheduled, published, …")
    communities: list[str]
    source: str = Field(description="current, proposal, or the uploaded file's name")
    version: int = Field(description="Rises with every edit, undo and redo")
    outcome: dict[str, Any] | None = Field(description="What publishing changed")
    created_at: TimestampText
    effective_from: DayText | None
    published_at: TimestampText | None


class PlanCollection(FeatureCollection):
    """The plan's grids, with the plan's fields under `plan`."""

    features: list[PlanGridFeature]
    plan: PlanFields


class ExportedGrid(Feature):
    """A grid as the GeoJSON file holds it."""

    geometry: Geometry
    properties: PlanGridProperties


class ExportedPlan(FeatureCollection):
    """The plan's grids as a GeoJSON file (EPSG:4326)."""

    features: list[ExportedGrid]


class Split(BaseModel):
    """What a split made."""

    new_code: str = Field(description="The code of the part cut off")


class Merge(BaseModel):
    """What a merge kept."""

    code: str = Field(description="The grid that remains")


class Reassign(BaseModel):
    """Who gave to the receiving grid."""

    givers: list[str] = Field(alias="from", description="The grids that gave land or buildings")


class Undo(BaseModel):
    """What was taken back."""

    undone: str = Field(description="The operation taken back")


class Redo(BaseModel):
    """What was applied again."""

    redone: str = Field(description="The operation applied again")


class SplitDone(BaseModel):
    """A grid cut in two: what the edit did, the plan's new version and its validation."""

    result: Split
    version: int
    validation: Validation


class MergeDone(BaseModel):
    """Grids joined: what the edit did, the plan's new version and its validation."""

    result: Merge
    version: int
    validation: Validation


class ReassignDone(BaseModel):
    """Land or buildings handed over: what the edit did, the plan's new version and its validation."""

    result: Reassign
    version: int
    validation: Validation


class UndoDone(BaseModel):
    """An edit taken back: what the edit did, the plan's new version and its validation."""

    result: Undo
    version: int
    validation: Validation


class RedoDone(BaseModel):
    """An edit applied again: what the edit did, the plan's new version and its validation."""

    result: Redo
    version: int
    validation: Validation


class Unscheduled(BaseModel):
    """A scheduled plan sent back to draft."""

    plan: int
    status: str = Field(description="draft")


class Published(BaseModel):
    """What publishing did: a later day is only scheduled; today the changes are applied and counted."""

    plan: int
    status: str = Field(description="scheduled or published")
    effective_from: DayText
    retired: list[str] | None = Field(default=None, description="Grid codes retired")
    redrawn: list[str] | None = Field(default=None, description="Codes kept with a new boundary, name or kind")
    issued: list[str] | None = Field(default=None, description="New codes")
    buildings_moved: int | None = Field(default=None, description="Buildings now in another grid")
    assignments_moved: int | None = Field(default=None, description="Staff duties moved to a successor grid")
    cases_rerouted: int | None = Field(default=None, description="Open cases that followed their point")
