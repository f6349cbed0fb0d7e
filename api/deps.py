"""Dependencies: a database session, the current user and their scope."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from geo import accounts
from geo.errors import AuthenticationFailed
from geo.i18n import msg
from geo.models import User
from geo.scope import Scope

TOKEN_URL = "/api/v1/auth/token"
bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """A session per request, committed when the endpoint succeeds and rolled back otherwise."""
    with request.app.state.sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(session: SessionDep, token: Annotated[str | None, Depends(bearer)]) -> User:
    """The user of the bearer token; 401 without one."""
    if not token:
        raise AuthenticationFailed(msg("not authenticated: send a bearer token from POST {url}", url=TOKEN_URL))
    return accounts.user_for_token(session, token)


UserDep = Annotated[User, Depends(current_user)]


def current_scope(session: SessionDep, user: UserDep) -> Scope:
    """What the current user may see."""
    return accounts.user_scope(session, user)


ScopeDep = Annotated[Scope, Depends(current_scope)]
