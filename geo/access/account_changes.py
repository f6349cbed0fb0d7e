"""Changing accounts from the command line: a new password, disabled or enabled, deleted; each audited, each
revoking the account's earlier tokens, and none leaving the service without an active admin."""

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.accounts import check_password, hash_password, revoke_tokens
from geo.core.errors import Conflict, InvalidInput
from geo.core.i18n import msg
from geo.core.models import Role, User

# Foreign keys that forget the account when it goes (ON DELETE SET NULL): rows there would lose who did them.
NAMING_ROWS = text("""
SELECT c.conrelid::regclass::text AS rel, quote_ident(a.attname) AS col
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass AND c.confdeltype = 'n'
""")


def _account(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InvalidInput(msg("no user {username!r}", username=username))
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    """Conflict when `user` is the last active admin: nobody could manage accounts or unmask any more."""
    if user.role != Role.admin or not user.active:
        return
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.admin, User.active, User.id != user.id))
    if not others:
        raise Conflict(msg("{username!r} is the last active admin; make another admin first", username=user.username))


def _record(session: Session, by: str, action: str, user: User, detail: dict | None = None) -> None:
    audit.record(session, by, Role.admin, action, f"user:{user.username}", {"id": user.id, **(detail or {})})


def set_password(session: Session, username: str, password: str, by: str = "system") -> User:
    """Give the account a new password; its earlier tokens are revoked."""
    user = _account(session, username)
    check_password(password, username, user.role)
    user.password_hash = hash_password(password)
    revoke_tokens(session, user)
    _record(session, by, "user_password", user)
    return user


def set_active(session: Session, username: str, active: bool, by: str = "system") -> User:
    """Disable (or enable again) an account; disabling revokes its tokens, and enabling does not bring them back."""
    user = _account(session, username)
    if not active:
        _keep_an_admin(session, user)
    user.active = active
    revoke_tokens(session, user)
    _record(session, by, "user_enable" if active else "user_disable", user)
    return user


def delete_user(session: Session, username: str, by: str = "system") -> None:
    """Remove an account that nothing names (its tokens die with it); Conflict otherwise: disable it then."""
    user = _account(session, username)
    _keep_an_admin(session, user)
    for rel, col in session.execute(NAMING_ROWS):
        # identifiers from the catalog, quoted by PostgreSQL itself; the value is bound
        if session.execute(text(f"SELECT EXISTS (SELECT 1 FROM {rel} WHERE {col} = :id)"), {"id": user.id}).scalar():
            raise Conflict(msg("user {username!r} is still named by {table}; disable it instead", username=username,
                               table=rel))
    _record(session, by, "user_delete", user, {"role": user.role})
    session.delete(user)
    session.flush()
