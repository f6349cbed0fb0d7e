"""The audit log and its hash chain."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditEntry(BaseModel):
    """One entry, with the hash that chains it to the one before."""

    id: int
    at: datetime
    actor: str = Field(description="Username")
    role: str
    action: str
    object: str = Field(description="What was acted on (case:12, residents:1,2,3, plan:4, …)")
    detail: dict[str, Any]
    hash: str


class AuditEntries(BaseModel):
    """A page of entries, newest first, with how many matched in all."""

    total: int
    items: list[AuditEntry]


class ChainCheck(BaseModel):
    """The hash chain recomputed."""

    intact: bool
    entries: int = Field(description="Entries checked")
    broken_at: int | None = Field(description="The first entry changed, removed or inserted")
    reason: str | None
