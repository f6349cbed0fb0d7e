"""Login: the OAuth2 password flow returns a bearer token; residents sign in with a code texted to their phone."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from fastapi.responses import JSONResponse

from api.deps import COOKIE, SessionDep, UserDep, client_address
from api.errors import refusal, request_lang
from api.schemas.auth import CodeLogin, CodeRequest, CodeSent, Me, Token
from geo.access import accounts
from geo.core.errors import WanggeError
from geo.core.settings import get_settings
from geo.residents import signin

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def token(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange a username and password for a bearer token (429 after repeated failures)."""
    user = accounts.authenticate(session, form.username, form.password, client_address(request))
    return Token(access_token=accounts.issue_token(user), expires_in=get_settings().token_minutes * 60)


@router.post("/resident-code", status_code=202)
def resident_code(request: Request, session: SessionDep, body: CodeRequest) -> CodeSent:
    """Text a 6-digit sign-in code to a resident's phone (429 when this phone or address asked too often)."""
    sent = signin.send_code(session, body.phone, client_address(request), lang=request_lang(request))
    return CodeSent(expires_at=sent.expires_at, retry_after=sent.retry_after_s)


@router.post("/resident-token", response_model=Token)
def resident_token(request: Request, session: SessionDep, body: CodeLogin) -> Token | JSONResponse:
    """Exchange the phone and its code for a resident's bearer token (401 wrong or expired, 429 code spent)."""
    user = signin.redeem(session, body.phone, body.code)
    if isinstance(user, WanggeError):
        return refusal(request, user)  # returned, so the try it spent is committed
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
