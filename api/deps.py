"""Dependencies: a database session, the current user and their scope."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Cookie, Depends, Request
from fastapi.security import APIKeyQuery, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from sqlalchemy import select, text

from geo import accounts
from geo.cases.workflow import Actor
from geo.errors import AuthenticationFailed
from geo.i18n import msg
from geo.models import Role, Staff, User
from geo.scope import Scope

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
    """A read-only session for screens, tiles, heat maps and locate: a fit replica when there is one (geo.replicas),
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


def current_user(session: SessionDep, token: Annotated[str | None, Depends(bearer)],
                 cookie: Annotated[str | None, Cookie(alias=COOKIE)] = None, request: Request = None) -> User:
    """The user of the bearer token (or of the map pages' login cookie); 401 without one."""
    known = getattr(request.state, "user", None) if request is not None else None
    if known is not None:  # api.permissions.authorize looked it up already for this request
        return known
    token = token or cookie
    if not token:
        raise AuthenticationFailed(msg("not authenticated: send a bearer token from POST {url}", url=TOKEN_URL))
    return accounts.user_for_token(session, token)


UserDep = Annotated[User, Depends(current_user)]


def current_scope(session: SessionDep, user: UserDep) -> Scope:
    """What the current user may see."""
    return accounts.user_scope(session, user)


ScopeDep = Annotated[Scope, Depends(current_scope)]


def current_actor(session: SessionDep, user: UserDep, scope: ScopeDep) -> Actor:
    """The caller as the case workflow sees them (with their staff record, if they are grid staff)."""
    staff_id = session.scalar(select(Staff.id).where(Staff.user_id == user.id).order_by(Staff.id).limit(1))
    return Actor(user.username, Role(user.role), scope, user.id, staff_id)


ActorDep = Annotated[Actor, Depends(current_actor)]
