"""`wangge db`: the embedded PostGIS cluster, or DATABASE_URL when set."""


import typer

from cli.common import (
    domain_errors,
    out,
    t,
)
from geo.access.production import open_database
from geo.core import migrate
from geo.core.db import embedded_cluster, get_engine
from geo.core.settings import get_settings

app = typer.Typer(help="The database: the embedded PostGIS cluster, or DATABASE_URL when set.", no_args_is_help=True)


@app.command("start")
def db_start() -> None:
    """Start the embedded PostGIS cluster (creating it on first use) and apply pending migrations."""
    with domain_errors():
        if get_settings().database_url:
            out.print(t("DATABASE_URL is set: nothing embedded to start; migrations applied."))
        open_database()
        out.print(t("database ready, schema {revision}", revision=migrate.current(get_engine())))


@app.command("stop")
def db_stop() -> None:
    """Stop the embedded cluster."""
    with domain_errors():
        embedded_cluster().stop()
        out.print(t("stopped"))


@app.command("status")
def db_status() -> None:
    """Say whether the database is up and at which schema revision."""
    settings = get_settings()
    with domain_errors():
        if not settings.database_url:
            cluster = embedded_cluster()
            if not cluster.running():
                out.print(t("embedded cluster under {home}: not running", home=settings.home))
                raise typer.Exit(1)
            out.print(t("embedded cluster: running on 127.0.0.1:{port}, data in {data}",
                        port=cluster.state()["port"], data=cluster.data_dir))
        out.print(t("schema: {revision} (head {head})", revision=migrate.current(get_engine()) or "-", head=migrate.head()))


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations (creates the postgis extension)."""
    with domain_errors():
        open_database()
        out.print(t("schema at {revision}", revision=migrate.current(get_engine())))
