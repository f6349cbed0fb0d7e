"""`wangge analytics`: the early-warning list."""

from datetime import datetime
from typing import Annotated

import typer

from cli.common import (
    ScopeOption,
    out,
    parse_day,
    session_scope,
    t,
)
from geo.access.actor import operator
from geo.core.settings import get_settings

app = typer.Typer(help="Analytics: early warnings.", no_args_is_help=True)


@app.command("warnings")
def analytics_warnings(on: Annotated[str, typer.Option(help="The day of the list, YYYY-MM-DD (default today)")] = None,
                       scope: ScopeOption = None,
                       as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a list")] = False):
    """The early-warning list: grids with far more cases of a category this week than usual."""
    from geo.analytics.warnings import early_warnings
    from geo.core.time import CHINA

    with session_scope() as session:
        found = early_warnings(session, operator(session, scope), parse_day(on, "--on") or datetime.now(CHINA).date())
    if as_json:
        out.print_json(data=found)
        return
    key = "message" if get_settings().lang == "zh" else "message_en"
    for w in found["warnings"]:
        out.print(f"- {w[key]} (p={w['p']:.2g})", highlight=False)
    out.print(t("{count} warnings among {tested} grid and category pairs tested", count=len(found["warnings"]),
                tested=found["tested"]))
