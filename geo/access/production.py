"""What production refuses to run with, beyond its settings (geo.core.settings): a superuser connection, and admin
accounts whose password is the demo's or otherwise weak enough to guess."""

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from geo.access.accounts import DEMO_PASSWORD, password_matches
from geo.core.db import prepare_database
from geo.core.errors import ClusterError
from geo.core.i18n import msg
from geo.core.models import Role, User
from geo.core.settings import Settings, get_settings


def open_database(settings: Settings | None = None) -> Engine:
    """The database at the newest schema (geo.core.db.prepare_database), checked with `check` in production."""
    settings = settings or get_settings()
    engine = prepare_database(settings)
    if settings.env == "production":
        with Session(engine) as session:
            check(session)
    return engine


def check(session: Session) -> None:
    """ClusterError naming what is unsafe; nothing when all is well."""
    if session.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
        raise ClusterError(msg("in production the service must not connect as a superuser: give DATABASE_URL a role "
                               "that owns only its schema (docs/security.md)"))
    demo = _demo_admins(session)
    if demo:
        raise ClusterError(msg("in production no admin may keep the demo password; change it first with "
                               "`wangge user password NAME --password-stdin`: {names}", names=", ".join(demo)))


def _demo_admins(session: Session) -> list[str]:
    """Active admins whose password is the demo's."""
    admins = session.scalars(select(User).where(User.role == Role.admin, User.active))
    return [user.username for user in admins if password_matches(user, DEMO_PASSWORD)]
