"""Tokens and the account they belong to."""

from datetime import datetime

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


class CodeRequest(BaseModel):
    """A phone to text a sign-in code to."""

    phone: str = Field(max_length=20, description="A mainland mobile number (11 digits; spaces, dashes, +86 allowed)")


class CodeSent(BaseModel):
    """A code is on its way."""

    expires_at: datetime = Field(description="When the code stops working")
    retry_after: int = Field(description="Seconds before another code may be asked for this phone")


class CodeLogin(BaseModel):
    """A phone and the code texted to it."""

    phone: str = Field(max_length=20)
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")
