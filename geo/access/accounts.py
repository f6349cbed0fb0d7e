"""Accounts: argon2 password hashes and signed bearer tokens."""

import secrets
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from threading import BoundedSemaphore, Lock

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cachetools import LRUCache
from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from geo.access import throttle
from geo.access.departments import check_department
from geo.access.scope import Scope, scope_for
from geo.core.errors import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    InvalidInput,
    RateLimited,
)
from geo.core.i18n import msg
from geo.core.models import Level, Role, User
from geo.core.private_files import read_or_create
from geo.core.settings import get_settings
from geo.core.versions import data_versions

ALGORITHM = "HS256"
MIN_PASSWORD = 8
DEMO_PASSWORD = "wangge-demo-2026"  # every seeded demo account has it; production refuses it
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
    return read_or_create(settings.home / "secret_key", lambda: secrets.token_urlsafe(48))


@lru_cache
def _dummy_hash() -> str:
    """A hash no password matches, verified for unknown accounts so they take as long as known ones."""
    return _hasher().hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher().hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is the account's (no counting, no limits); None: checked against a dummy hash, False."""
    try:
        return _hasher().verify(user.password_hash if user else _dummy_hash(), password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def check_password(password: str, username: str, role: str) -> None:
    """InvalidInput for a password too short, or (in production) too weak for an admin (zxcvbn score < 3)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(msg("password too short: at least {min} characters", min=MIN_PASSWORD))
    if get_settings().env == "production" and role == Role.admin and weak(password, username):
        raise InvalidInput(msg("in production an admin's password must be strong: at least 12 characters, not a "
                               "common word, name or pattern"))


def weak(password: str, username: str = "") -> bool:
    """Whether zxcvbn guesses the password easily (score below 3 of 4), or it is shorter than 12 or the demo's."""
    from zxcvbn import zxcvbn
    return len(password) < 12 or password == DEMO_PASSWORD or zxcvbn(password, [username])["score"] < 3


def create_user(session: Session, *, username: str, password: str, role: str, scope_code: str | None,
                display_name: str | None = None, department: str | None = None) -> User:
    """Add an account; the scope must be an existing area (admins may have none), and a department account names
    its department and a district."""
    if Role.__members__.get(role) is None:
        raise InvalidInput(msg("unknown role {role!r}; one of {roles}", role=role, roles=", ".join(Role)))
    if role == Role.resident:
        raise InvalidInput(msg("resident accounts are made when a resident signs in with a code sent to their phone"))
    check_password(password, username, role)
    scope = scope_for(session, role, scope_code)
    _check_department(role, department, scope)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(msg("user {username!r} already exists", username=username))
    user = User(username=username, password_hash=hash_password(password), role=role, scope_code=scope_code,
                display_name=display_name, department=department)
    session.add(user)
    session.flush()
    return user


def _check_department(role: str, department: str | None, scope: Scope) -> None:
    """A department account belongs to one department of one district; no other account names a department."""
    if role != Role.department:
        if department is not None:
            raise InvalidInput(msg("only a department account names a department"))
        return
    check_department(department)
    if scope.area_level != Level.district:
        raise InvalidInput(msg("a department account is scoped to a district (a 6-digit code)"))


def authenticate(session: Session, username: str, password: str, source: str | None = None) -> User:
    """The active user with these credentials; AuthenticationFailed otherwise (same message either way).

    Every attempt is counted before the password is looked at (geo.access.throttle: RateLimited beyond the limits, so
    guessing gains nothing, in parallel neither), and at most WANGGE_LOGIN_CONCURRENCY hashes are checked at once
    (each takes argon2's memory). An unknown or disabled account is verified against a dummy hash: it answers no
    sooner than a wrong password for a real one, so timing tells nothing about which accounts exist.
    """
    reserved = throttle.check_login(username, source)
    succeeded = False
    try:
        user = session.scalar(select(User).where(User.username == username))
        known = user is not None and user.active
        with _verifying():  # the dummy hash is checked for an unknown account too: never skip it
            matches = password_matches(user if known else None, password)
        succeeded = known and matches
    finally:
        throttle.login_done(reserved, username, source, succeeded)
    if not succeeded:
        raise AuthenticationFailed(WRONG_LOGIN)
    return user


@contextmanager
def _verifying():
    """A place among the hashes being checked now; RateLimited when none frees up within a few seconds."""
    if not _verifications().acquire(timeout=10):
        raise RateLimited(msg("too many logins at once; try again shortly"), extra={"retry_after": 2})
    try:
        yield
    finally:
        _verifications().release()


@lru_cache
def _verifications() -> BoundedSemaphore:
    return BoundedSemaphore(get_settings().login_concurrency)


def require_admin(session: Session, username: str | None, password: str | None) -> User:
    """The admin these credentials name; AuthenticationFailed or Forbidden otherwise."""
    if not username or password is None:
        raise AuthenticationFailed(msg("unmasking needs an admin: pass --as USER and --password-stdin"))
    user = authenticate(session, username, password)
    if user.role != Role.admin:
        raise Forbidden(msg("only an admin may unmask personal data; {user} is {role}", user=username, role=user.role))
    return user


def issue_token(user: User) -> str:
    """A signed token naming the user by id and token version, valid for WANGGE_TOKEN_MINUTES."""
    now = datetime.now(UTC)
    claims = {"sub": user.username, "uid": user.id, "ver": user.token_version, "iat": now,
              "exp": now + timedelta(minutes=get_settings().token_minutes)}
    return jwt.encode(claims, secret_key(), algorithm=ALGORITHM)


_accounts: LRUCache = LRUCache(maxsize=10_000)  # (user id, users version) → the account's columns
_accounts_lock = Lock()
CLAIMS = ["sub", "uid", "ver", "iat", "exp"]


def _claims(token: str) -> dict:
    """The claims of a token we signed, with every claim we issue present; AuthenticationFailed otherwise."""
    try:
        claims = jwt.decode(token, secret_key(), algorithms=[ALGORITHM], options={"require": CLAIMS})
    except jwt.ExpiredSignatureError:
        raise AuthenticationFailed(msg("token expired; log in again")) from None
    except jwt.InvalidTokenError:
        raise AuthenticationFailed(msg("invalid token")) from None
    if not isinstance(claims["uid"], int) or not isinstance(claims["ver"], int):
        raise AuthenticationFailed(msg("invalid token"))
    return claims


def user_for_token(session: Session, token: str) -> User:
    """The active user a valid, unrevoked token names.

    Every request asks this, so accounts are kept in memory per version of the users table (data_versions):
    a disabled, changed or deleted account, or a raised token version, raises the users version in its own
    transaction, and the next request reads the account again. The kept copy joins the session without a query
    (merge with load=False)."""
    claims = _claims(token)
    key = (claims["uid"], data_versions(session).users)
    with _accounts_lock:
        kept = _accounts.get(key)
    if kept is None:
        user = session.get(User, claims["uid"])
        if user is None or not user.active:
            raise AuthenticationFailed(msg("the account of this token no longer exists or is disabled"))
        kept = {column.key: getattr(user, column.key) for column in User.__table__.columns}
        with _accounts_lock:
            _accounts[key] = kept
    else:
        user = None
    if kept["token_version"] != claims["ver"] or kept["username"] != claims["sub"]:
        raise AuthenticationFailed(msg("this token was revoked (logged out, password changed or account disabled); "
                                       "log in again"))
    return user if user is not None else session.merge(_detached(kept), load=False)


def revoke_tokens(session: Session, user: User) -> None:
    """Every token issued to `user` before now stops working (logout, a new password, a disabled account)."""
    user.token_version = (user.token_version or 0) + 1
    session.flush()


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
