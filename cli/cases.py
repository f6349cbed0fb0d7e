"""`wangge cases`: the periodic round on demand."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from cli.common import (
    err,
    out,
    publish_line,
    session_scope,
    t,
)
from geo.cases.official_calendar import gap_warning
from geo.core.i18n import render
from geo.core.settings import get_settings

app = typer.Typer(help="Cases.", no_args_is_help=True)


@app.command("tick")
def cases_tick(now: Annotated[datetime, typer.Option(help="Pretend it is this moment (ISO 8601); default: now")] = None) -> None:
    """Apply boundary plans whose day has come, then mark overdue cases and escalate them one level up;
    idempotent, safe to run concurrently (the server runs it too)."""
    from geo.access.audit_anchor import anchor
    from geo.rounds import run_round

    moment = now.astimezone(UTC) if now and now.tzinfo else now.replace(tzinfo=UTC) if now else None
    with session_scope() as session:
        done = run_round(session, moment)
    with session_scope() as session:  # after the round's commit: an anchor names only entries that exist
        anchor(session)
    for outcome in done.plans:
        out.print(publish_line(outcome))
    out.print(t("{overdue} overdue, {escalated} escalated", overdue=done.deadlines.overdue,
                escalated=done.deadlines.escalated))
    if done.calendar_gap:
        err.print(f"[yellow]{t('warning')}:[/] {render(gap_warning(done.calendar_gap), get_settings().lang)}",
                  highlight=False)
