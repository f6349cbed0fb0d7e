"""Login: the OAuth2 password flow returns a bearer token."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import COOKIE, SessionDep, UserDep, client_address
from api.schemas.auth import Me, Token
from geo.access import accounts
from geo.core.settings import get_settings

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def token(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange a username and password for a bearer token (429 after repeated failures)."""
    user = accounts.authenticate(session, form.username, form.password, client_address(request))
    return Token(access_token=accounts.issue_token(user), expires_in=get_settings().token_minutes * 60)


@router.get("/me")
def me(user: UserDep) -> Me:
    """Who the token belongs to."""
    return Me(username=user.username, role=user.role, scope_code=user.scope_code, display_name=user.display_name)


@router.post("/logout", status_code=204, response_class=Response,
             responses={204: {"description": "Signed out everywhere; the cookie dropped"}})
def logout(session: SessionDep, user: UserDep) -> Response:
    """Revoke every token of this account (on every device), and drop the map pages' cookie."""
    accounts.revoke_tokens(session, user)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response
