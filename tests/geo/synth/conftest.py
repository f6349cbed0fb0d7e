"""One street-scale demo, seeded once for the read-only tests of this package."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from geo.core import db, migrate
from geo.synth import seed_demo
from tests.conftest import fresh_database

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="package")
def demo_engine(cluster, tmp_path_factory):
    """One street-scale demo in its own database, shared by the read-only tests."""
    engine = db.make_engine(fresh_database(cluster, "wangge_demo"))
    migrate.upgrade(engine)
    with db.session_factory(engine).begin() as s:
        seed_demo(s, "620302", "street", 1, workdir=tmp_path_factory.mktemp("demo"), now=NOW)
    yield engine
    engine.dispose()


def q(engine, sql, **params):
    """All rows of a query on the engine."""
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()
