"""Alembic environment: runs on the connection handed over by geo.core.migrate."""

from alembic import context

from geo.core.migrate import include_object
from geo.core.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
