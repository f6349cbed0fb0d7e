"""Who acts: the account, role, scope and staff record every action is checked against."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.access.scope import EVERYTHING, Scope, scope_for
from geo.core.models import Role, Staff, User


@dataclass(frozen=True)
class Actor:
    """Who acts: their account, role, scope and (for grid staff) their staff record."""

    username: str
    role: Role
    scope: Scope
    user_id: int | None = None
    staff_id: int | None = None
    department: str | None = None  # for a department account: which one


SYSTEM = Actor("system", Role.admin, EVERYTHING)


def operator(session: Session, scope_code: str | None = None) -> Actor:
    """The operator at the console: every right, within one area when a code is given."""
    return Actor("cli", Role.admin, scope_for(session, "admin", scope_code)) if scope_code else SYSTEM


def actor_for(session: Session, user: User) -> Actor:
    """The account as every action sees it: role, scope, and the staff record of grid staff (their first one)."""
    staff_id = session.scalar(select(Staff.id).where(Staff.user_id == user.id).order_by(Staff.id).limit(1))
    return Actor(user.username, Role(user.role), scope_for(session, user.role, user.scope_code), user.id, staff_id,
                 user.department)
