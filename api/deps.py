"""Dependencies: a database session, and the caller (account, actor, scope) that api.permissions.authorize identified."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyQuery, OAuth2PasswordBearer
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor, actor_for
from geo.access.scope import Scope
from geo.core.errors import AuthenticationFailed
from geo.core.i18n import msg
from geo.core.models import User

TOKEN_URL = "/api/v1/auth/token"
bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
# Open311 clients pass their token as a query parameter.
api_key = APIKeyQuery(name="api_key", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """A session on the primary per request, committed when the endpoint succeeds and rolled back otherwise.

    Declared with scope="function" (SessionDep): the commit runs when the endpoint returns, before the response
    is sent, so nothing is acknowledged that is not committed, and a failed commit answers as an error."""
    with request.app.state.sessions() as session:
        try:
            yield session
            wrote = _wrote(request, session)
            session.commit()
            if wrote:
                request.app.state.reads.note_write(request.state.caller, session)
        except BaseException:
            session.rollback()
            raise


def _wrote(request: Request, session: Session) -> bool:
    """Whether this request's transaction wrote (asked only when replicas serve reads: read-your-writes)."""
    reads = getattr(request.app.state, "reads", None)
    if not reads or not reads.replicas or not getattr(request.state, "caller", None):
        return False
    return session.execute(text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")).scalar()


def get_read_session(request: Request, primary: Annotated[Session, Depends(get_session, scope="function")]
                     ) -> Iterator[Session]:
    """A read-only session for screens, tiles, heat maps and locate: a fit replica when there is one (geo.core.replicas),
    else the request's own session on the primary (one pooled connection per request, not two)."""
    engine = request.app.state.reads.engine_for(getattr(request.state, "caller", None))
    if engine is request.app.state.reads.primary:
        yield primary
        return
    with Session(engine) as session:
        try:
            yield session
        finally:
            session.rollback()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]


def client_address(request: Request) -> str | None:
    """The caller's address: the peer, or what a proxy of WANGGE_TRUSTED_PROXIES says it forwards (api.main)."""
    return request.client.host if request.client else None


COOKIE = "wangge_token"


def credential(request: Request, token: str | None, key: str | None, *, key_allowed: bool) -> str | None:
    """What identifies the caller: the bearer token, else the map pages' cookie, else (Open311 only) `api_key`."""
    return token or request.cookies.get(COOKIE) or (key if key_allowed else None)


def optional_user(request: Request) -> User | None:
    """The account api.permissions.authorize found for this request, if any."""
    return getattr(request.state, "user", None)


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The caller's account; 401 without one."""
    if user is None:
        raise AuthenticationFailed(msg("not authenticated: send a bearer token from POST {url}", url=TOKEN_URL))
    return user


UserDep = Annotated[User, Depends(current_user)]


def current_actor(session: SessionDep, user: UserDep) -> Actor:
    """The caller as every action sees them, built once per request by geo.access.actor.actor_for."""
    return actor_for(session, user)


ActorDep = Annotated[Actor, Depends(current_actor)]


def current_scope(actor: ActorDep) -> Scope:
    """What the caller may see."""
    return actor.scope


ScopeDep = Annotated[Scope, Depends(current_scope)]


def page_actor(session: SessionDep, user: Annotated[User | None, Depends(optional_user)]) -> Actor | None:
    """The logged-in caller of a map page, or None when the page should send them to its login form."""
    return actor_for(session, user) if user is not None else None


PageActorDep = Annotated[Actor | None, Depends(page_actor)]
