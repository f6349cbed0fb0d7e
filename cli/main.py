"""The `wangge` command line, assembled from one module per command group (cli/db.py, cli/plan.py, …)."""

import typer
from pydantic import ValidationError

from cli import (
    analytics,
    audit,
    calendar,
    cases,
    db,
    export,
    field,
    imports,
    keys,
    plan,
    seed,
    serve,
    user,
)
from cli.common import err
from cli.locate import locate
from geo.core.db import close_engine
from geo.core.settings import get_settings

app = typer.Typer(help="wangge 网格: grid management for urban grassroots governance.", no_args_is_help=True)


@app.callback()
def _settings_first(ctx: typer.Context) -> None:
    """Read the settings before any command, so a bad one is a message and exit 2, not a traceback; close the
    database's connections when the command ends."""
    ctx.call_on_close(close_engine)
    try:
        get_settings()
    except ValidationError as exc:
        for problem in exc.errors():
            where = ".".join(str(p) for p in problem["loc"]) or "settings"
            err.print(f"[bold red]error:[/] {where}: {problem['msg'].removeprefix('Value error, ')}", highlight=False)
        raise typer.Exit(2) from None


app.command()(serve.serve)
app.command()(locate)
for name, group in {"db": db, "import": imports, "export": export, "user": user, "seed": seed, "cases": cases,
                    "analytics": analytics, "calendar": calendar, "keys": keys, "audit": audit, "plan": plan,
                    "field": field}.items():
    app.add_typer(group.app, name=name)
