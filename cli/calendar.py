"""`wangge calendar`: the official holidays and make-up workdays deadlines are counted on."""

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.common import domain_errors, out, session_scope, t
from geo.cases import official_calendar
from geo.core.i18n import msg

app = typer.Typer(help="The official calendar of holidays and make-up workdays (调休) that deadlines count on.",
                  no_args_is_help=True)


@app.command("import")
def calendar_import(file: Annotated[Path, typer.Argument(
        help="CSV of the State Council's notice: date,kind,name (kind holiday or workday; 日期,类型,名称 and 休/班 work "
             "too), one row per day off or weekend day worked")]) -> None:
    """Load a year's official calendar; its days replace that year's earlier notice and override chinese-calendar."""
    with domain_errors():  # a bad file is refused before the database is opened
        days = official_calendar.read_notice(file)
    with session_scope() as session:
        loaded = official_calendar.load_notice(session, days)
    for year, count in loaded.items():
        out.print(t("{year}: {count} days loaded (holidays and make-up workdays)", year=year, count=count))


@app.command("show")
def calendar_show(year: Annotated[int, typer.Argument(help="The year, e.g. 2027")],
                  as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a list")] = False) -> None:
    """List a year's holidays and make-up workdays, and where they come from (a loaded notice or the package)."""
    with session_scope() as session:
        found = official_calendar.year_days(session, year)
    if as_json:
        out.print_json(json.dumps([{"date": d.day.isoformat(), "kind": d.kind, "name": d.name, "source": source}
                                   for d, source in found], ensure_ascii=False))
        return
    if not found:
        out.print(t("no official calendar for {year}: deadlines count Monday to Friday", year=year))
        return
    for d, source in found:
        kind = msg("day off") if d.kind == "holiday" else msg("make-up workday")
        out.print(f"{d.day.isoformat()}  {t(kind)}  {d.name}  ({t(source)})", highlight=False)
