"""Migrations: up from empty, down to nothing and up again; the models match the migrated schema."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from geo.core import db, migrate
from geo.core.models import Base
from tests.conftest import fresh_database


def test_up_down_up_from_empty(cluster):
    engine = db.make_engine(fresh_database(cluster, "wangge_migrations"))
    try:
        assert migrate.current(engine) is None and migrate.pending(engine)
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head()
        tables = set(inspect(engine).get_table_names())
        assert "areas" in inspect(engine).get_view_names()
        assert {"area_records", "area_history", "buildings", "households", "residents", "staff", "staff_assignments", "cases", "users"} <= tables
        migrate.downgrade(engine)
        assert set(inspect(engine).get_table_names()) <= {"spatial_ref_sys", "alembic_version"}
        migrate.upgrade(engine)
        assert not migrate.pending(engine)
    finally:
        engine.dispose()


def test_models_match_the_migrations(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": migrate.include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
