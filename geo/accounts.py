"""Accounts: argon2 password hashes and signed bearer tokens."""

import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from threading import Lock

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cachetools import LRUCache
from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from geo import throttle
from geo.errors import AuthenticationFailed, Conflict, Forbidden, InvalidInput
from geo.i18n import msg
from geo.models import Role, User
from geo.scope import Scope, scope_for
from geo.settings import get_settings
from geo.versions import data_versions

ALGORITHM = "HS256"
MIN_PASSWORD = 8
# One message for both unknown user and wrong password: say nothing about which accounts exist.
WRONG_LOGIN = msg("wrong username or password")


@lru_cache
def _hasher() -> PasswordHasher:
    """argon2id with the costs from the settings (the library's defaults unless lowered, e.g. for tests)."""
    settings = get_settings()
    return PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)


@lru_cache
def secret_key() -> str:
    """The signing key: WANGGE_SECRET_KEY, else one generated once and kept (mode 600) under WANGGE_HOME."""
    settings = get_settings()
    if settings.secret_key:
        return settings.secret_key
    path = settings.home / "secret_key"
    if not path.exists():
        settings.home.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher().hash(password)


def create_user(session: Session, *, username: str, password: str, role: str, scope_code: str | None,
                display_name: str | None = None) -> User:
    """Add an account; the scope must be an existing area (admins may have none)."""
    if Role.__members__.get(role) is None:
        raise InvalidInput(msg("unknown role {role!r}; one of {roles}", role=role, roles=", ".join(Role)))
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(msg("password too short: at least {min} characters", min=MIN_PASSWORD))
    scope_for(session, role, scope_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(msg("user {username!r} already exists", username=username))
    user = User(username=username, password_hash=hash_password(password), role=role, scope_code=scope_code,
                display_name=display_name)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str, source: str | None = None) -> User:
    """The active user with these credentials; AuthenticationFailed otherwise (same message either way).

    RateLimited after too many failures for the account or the address `source` (geo.throttle), before
    the password is even looked at, so guessing gains nothing.
    """
    throttle.check_login(username, source)
    user = session.scalar(select(User).where(User.username == username))
    try:
        if user is None or not user.active or not _hasher().verify(user.password_hash, password):
            raise AuthenticationFailed(WRONG_LOGIN)
    except (VerificationError, InvalidHashError, AuthenticationFailed):
        throttle.login_failed(username, source)
        raise AuthenticationFailed(WRONG_LOGIN) from None
    return user


def require_admin(session: Session, username: str | None, password: str | None) -> User:
    """The admin these credentials name; AuthenticationFailed or Forbidden otherwise."""
    if not username or password is None:
        raise AuthenticationFailed(msg("unmasking needs an admin: pass --as USER and --password-stdin"))
    user = authenticate(session, username, password)
    if user.role != Role.admin:
        raise Forbidden(msg("only an admin may unmask personal data; {user} is {role}", user=username, role=user.role))
    return user


def issue_token(user: User) -> str:
    """A signed token naming the user, valid for WANGGE_TOKEN_MINUTES."""
    now = datetime.now(UTC)
    claims = {"sub": user.username, "iat": now, "exp": now + timedelta(minutes=get_settings().token_minutes)}
    return jwt.encode(claims, secret_key(), algorithm=ALGORITHM)


_accounts: LRUCache = LRUCache(maxsize=10_000)  # (username, users version) → the account's columns
_accounts_lock = Lock()


def user_for_token(session: Session, token: str) -> User:
    """The active user a valid token names.

    Every request asks this, so accounts are kept in memory per version of the users table (data_versions):
    a disabled, changed or deleted account raises the version in its own transaction, and the next request
    reads the account again. The kept copy joins the session without a query (merge with load=False)."""
    try:
        claims = jwt.decode(token, secret_key(), algorithms=[ALGORITHM])
    except jwt.ExpiredSignatureError:
        raise AuthenticationFailed(msg("token expired; log in again")) from None
    except jwt.InvalidTokenError:
        raise AuthenticationFailed(msg("invalid token")) from None
    key = (claims.get("sub"), data_versions(session).users)
    with _accounts_lock:
        kept = _accounts.get(key)
    if kept is not None:
        return session.merge(_detached(kept), load=False)
    user = session.scalar(select(User).where(User.username == claims.get("sub")))
    if user is None or not user.active:
        raise AuthenticationFailed(msg("the account of this token no longer exists or is disabled"))
    with _accounts_lock:
        _accounts[key] = {column.key: getattr(user, column.key) for column in User.__table__.columns}
    return user


def _detached(columns: dict) -> User:
    """A User with these columns, detached (as if loaded and its session closed), ready to merge without a query."""
    user = User(**columns)
    make_transient_to_detached(user)
    return user


def forget_accounts() -> None:
    """Drop the accounts kept in memory (tests: a rolled-back transaction takes its versions back with it)."""
    with _accounts_lock:
        _accounts.clear()


def user_scope(session: Session, user: User) -> Scope:
    """What this user may see."""
    return scope_for(session, user.role, user.scope_code)
