"""GET /health."""

from pydantic import BaseModel, Field


class Health(BaseModel):
    """The service is up and its database answers."""

    status: str = Field(description="ok")
    postgis: str = Field(description="postgis_full_version() of the database")
    schema_: str | None = Field(alias="schema", description="The Alembic revision the database is at (null: none)")
    warnings: list[str] = Field(default_factory=list, description="What an operator should act on soon, in the "
                                "request's language (no official holiday calendar for the next 60 days, …)")
