"""Alembic environment: runs on the connection handed over by geo.migrate."""

from alembic import context

from geo.models import Base

target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Leave PostGIS's own tables out of autogenerate."""
    return not (type_ == "table" and name == "spatial_ref_sys")


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
