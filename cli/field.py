"""`wangge field`: field work on demand (track retention; the server also runs it every round)."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from cli.common import fail, out, session_scope, t
from geo.core.settings import get_settings
from geo.core.time import CHINA

app = typer.Typer(help="Field work (巡查): patrol track retention.", no_args_is_help=True)


@app.command("reduce-tracks")
def reduce_tracks(now: Annotated[str | None, typer.Option(
        help="Count the retention from this moment (ISO 8601, Beijing time unless a zone is given; not in the "
             "future); default: now")] = None) -> None:
    """Reduce patrols started more than WANGGE_TRACK_DAYS days ago to per-day totals (patrol_days: patrols, seconds,
    metres, key points per worker, Beijing day and grid) and delete their tracks and check-ins. Idempotent; the
    server does the same every round."""
    from geo.field import retention

    moment = _moment(now)
    with session_scope() as session:
        done = retention.reduce_tracks(session, moment)
    table = Table(title=t("tracks older than {days} days (started before {before})", days=get_settings().track_days,
                          before=done.before.astimezone(CHINA).isoformat(timespec="seconds")))
    table.add_column(t("retention step"))
    table.add_column(t("how many"), justify="right")
    for label, value in ((t("patrols reduced"), done.patrols), (t("patrol days written"), done.days),
                         (t("positions deleted"), done.points)):
        table.add_row(label, str(value))
    out.print(table)


def _moment(value: str | None) -> datetime | None:
    """--now as an aware moment; exit 2 when it is unreadable or later than now (that would delete tracks early)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail("--now {value!r}: use ISO 8601, e.g. 2026-12-01T08:00:00+08:00", value=value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
    if moment > datetime.now(UTC) + timedelta(minutes=5):
        fail("--now {value!r} lies in the future: tracks would be deleted before their time", value=value)
    return moment.astimezone(UTC)
