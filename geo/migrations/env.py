"""Alembic environment: runs on the connection handed over by geo.migrate."""

from alembic import context

from geo.migrate import include_object
from geo.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
