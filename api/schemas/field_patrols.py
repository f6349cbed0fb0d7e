"""Patrols (巡查), their tracks and check-ins, and a grid's key points (关键点位)."""

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import (
    AreaRef,
    Feature,
    FeatureCollection,
    Geometry,
    Person,
    TimestampText,
)


class PatrolCheckin(BaseModel):
    """A check-in of a patrol at a key point, as the patrol lists it."""

    checkpoint_id: int
    name: str = Field(description="The key point's name")
    at: TimestampText
    distance_m: float = Field(description="How far from the key point the check-in was made, in metres")


class Patrol(BaseModel):
    """A patrol: who, in which grid, when, how far (length_m, on the spheroid; fixes with accuracy over 100 m left
    out) and how long (duration_s: finished − started; while open, up to now), positions kept, check-ins."""

    id: int
    staff: Person
    grid: AreaRef | None = Field(description="The worker's grid; for community staff the grid of the first position "
                                             "(null until one is known)")
    started_at: TimestampText
    finished_at: TimestampText | None = Field(description="null while the patrol is open")
    length_m: float
    duration_s: int
    points: int = Field(description="Positions stored")
    checkins: list[PatrolCheckin]


class PointsResult(BaseModel):
    """What a batch of positions did: stored now, already stored (the same timestamp), and the patrol after it."""

    accepted: int
    duplicates: int
    patrol: Patrol


class Checkin(BaseModel):
    """One check-in at a key point."""

    id: int
    patrol_id: int
    checkpoint_id: int
    name: str = Field(description="The key point's name")
    at: TimestampText
    distance_m: float


class TrackFeature(Feature):
    """One patrol: its track as a LineString of the positions in time order (null when reduced or under two
    accurate fixes) and the patrol as properties."""

    id: int
    geometry: Geometry | None
    properties: Patrol


class Tracks(FeatureCollection):
    """Patrols you may read, newest first."""

    features: list[TrackFeature]
    numberMatched: int
    numberReturned: int


class CheckpointProperties(BaseModel):
    id: int
    name: str


class CheckpointFeature(Feature):
    """A key point of the grid."""

    id: int
    geometry: Geometry
    properties: CheckpointProperties


class Checkpoints(FeatureCollection):
    """A grid's active key points, by id."""

    type: Literal["FeatureCollection"]
    grid: str
    features: list[CheckpointFeature]
