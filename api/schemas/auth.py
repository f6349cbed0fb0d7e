"""Tokens and the account they belong to."""

from pydantic import BaseModel, Field


class Token(BaseModel):
    """A bearer token for the Authorization header."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")


class Me(BaseModel):
    """The account a token belongs to."""

    username: str
    role: str
    scope_code: str | None = Field(description="The area the account may see (null: everywhere)")
    display_name: str | None
