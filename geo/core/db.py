"""Engine and sessions: DATABASE_URL when set, else the embedded cluster."""

from functools import lru_cache

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from geo.core import migrate
from geo.core.cluster import Cluster
from geo.core.settings import Settings, get_settings


def embedded_cluster(settings: Settings | None = None) -> Cluster:
    """The project's own cluster under WANGGE_HOME."""
    return Cluster((settings or get_settings()).home)


def normalise_url(url: str) -> str:
    """Make a libpq-style URL use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url(settings: Settings | None = None) -> str:
    """The URL the service talks to."""
    settings = settings or get_settings()
    if settings.database_url:
        return normalise_url(settings.database_url)
    return embedded_cluster(settings).url(settings.db_name)


CLOCK_CONNECTIONS = 2  # the server's periodic round, beside the request threads


def make_engine(url: str) -> Engine:
    """An engine with pre-ping, so a restarted database is no reason for a 500, and a connection for every request
    thread: a request holds its connection from its first dependency to its response, so a smaller pool lets
    threads wait on each other until the pool's timeout (found by bench/scale.py at 64 clients)."""
    connections = get_settings().threads + CLOCK_CONNECTIONS
    kept = min(10, connections)  # kept open between requests; the rest are opened when needed
    return create_engine(normalise_url(url), pool_pre_ping=True, pool_size=kept, max_overflow=connections - kept)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine."""
    return make_engine(database_url())


def close_engine() -> None:
    """Close the process-wide engine's connections, if it was made (a command's end: none is left to the garbage
    collector, which would warn about each)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
        get_engine.cache_clear()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine` that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def prepare_database(settings: Settings | None = None) -> Engine:
    """An engine on a database at the newest schema: starts the embedded cluster when DATABASE_URL is unset."""
    settings = settings or get_settings()
    if not settings.database_url:
        cluster = embedded_cluster(settings)
        cluster.start()
        cluster.ensure_database(settings.db_name)
    engine = get_engine()
    if migrate.pending(engine):
        migrate.upgrade(engine)
    return engine


def postgis_version(session: Session) -> str:
    """The full PostGIS version string of the connected database."""
    return session.execute(text("SELECT postgis_full_version()")).scalar_one()
