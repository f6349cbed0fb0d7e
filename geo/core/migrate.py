"""Apply Alembic migrations programmatically, on a given engine."""

import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parents[1] / "migrations"

CASE_PARTITION = re.compile(r"cases_(\d{4}_\d{2}|other)")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave PostGIS's own tables and the monthly partitions of cases out of autogenerate and schema comparisons."""
    return not (type_ == "table" and (name == "spatial_ref_sys" or CASE_PARTITION.fullmatch(name)))


def _config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (creates the postgis extension first)."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to `revision`."""
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def current(bind: Engine | Connection) -> str | None:
    """The revision the database is at, or None when it has none."""
    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    """The newest revision in the code."""
    return ScriptDirectory.from_config(_config(None)).get_current_head()


def pending(engine: Engine) -> bool:
    """Whether migrations remain to apply."""
    return current(engine) != head()
