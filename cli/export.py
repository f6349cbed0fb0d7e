"""`wangge export`: rosters, league tables, workers' loads and cases, to files."""

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    ROSTER_HELP,
    ScopeOption,
    Since,
    Until,
    advancing,
    out,
    output_file,
    session_scope,
    t,
)
from geo.access.actor import operator
from geo.core.i18n import msg
from geo.core.settings import get_settings

TABLES = (".xlsx", ".csv")
app = typer.Typer(help="Export rosters (ID numbers and phones masked unless an admin unmasks).", no_args_is_help=True)


def _roster_export_command(kind: str):
    def command(
        file: Annotated[Path, typer.Argument(help="Output .xlsx or .csv")],
        scope: Annotated[str, typer.Option(help="Only this district, street, community or grid code")] = None,
        unmasked: Annotated[bool, typer.Option("--unmasked", help="Full ID numbers and phones (admins only)")] = False,
        as_user: Annotated[str, typer.Option("--as", help="Admin account that asks for --unmasked")] = None,
        password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read that account's password from stdin")] = False,
    ) -> None:
        from geo.access import audit
        from geo.access.accounts import require_admin
        from geo.people.rosters.exporter import export_roster

        output_file(file, TABLES)
        with session_scope() as session:
            who = "system"
            if unmasked:
                who = require_admin(session, as_user, sys.stdin.readline().rstrip("\n") if password_stdin else None).username
            area = operator(session, scope).scope
            count = export_roster(session, kind, file, area, unmasked=unmasked)
            audit.record(session, who, "admin", "export_roster", f"roster:{kind}",
                         {"scope": scope, "rows": count, "unmasked": unmasked, "file": file.name})
        out.print(t("{count} rows written to {path}{masked}", count=count, path=file,
                    masked="" if unmasked else msg(" (ID numbers and phones masked)")))

    command.__doc__ = f"Export the {ROSTER_HELP[kind]} roster in the sheet layout the import reads."
    return command


def _analytics_window(since: datetime | None, until: datetime | None):
    from geo.analytics.window import window

    return window(since, until)


def _write_table(file: Path, body: dict, name: str) -> None:
    """The rows as the sheet `file` names (.xlsx or .csv), with a progress bar."""
    from geo.analytics.export import table_bytes

    with advancing(t("writing {path}", path=file), len(body["rows"])) as advance:
        file.write_bytes(table_bytes(body["rows"], file.suffix.lstrip(".").lower(), get_settings().lang, name, advance))
    out.print(t("{count} rows written to {path}{masked}", count=len(body["rows"]), path=file, masked=""))


@app.command("league")
def export_league(file: Annotated[Path, typer.Argument(help="Output .xlsx or .csv")],
                  level: Annotated[str, typer.Option(help="grid, community or street")] = "grid",
                  sort: Annotated[str, typer.Option(help="Rank by this column, best first")] = "on_time_rate",
                  since: Since = None, until: Until = None, scope: ScopeOption = None) -> None:
    """Export the league table: KPIs per grid, community or street with trends and workload."""
    from geo.analytics.league import league

    output_file(file, TABLES)
    with session_scope() as session:
        body = league(session, operator(session, scope), level, _analytics_window(since, until), sort=sort)
        _write_table(file, body, f"league-{level}")


@app.command("workers")
def export_workers(file: Annotated[Path, typer.Argument(help="Output .xlsx or .csv")],
                   since: Since = None, until: Until = None, scope: ScopeOption = None) -> None:
    """Export every grid worker's load: open cases now, assigned, closed and on time in the window."""
    from geo.analytics.league import workers

    output_file(file, TABLES)
    with session_scope() as session:
        _write_table(file, workers(session, operator(session, scope), _analytics_window(since, until)), "workers")


@app.command("cases")
def export_cases(file: Annotated[Path, typer.Argument(help="Output .parquet (GeoParquet 1.1)")],
                 since: Since = None, until: Until = None, scope: ScopeOption = None) -> None:
    """Export the window's cases as GeoParquet for DuckDB, Sedona or GeoPandas (no reporters, no descriptions)."""
    from geo.analytics import geoparquet

    output_file(file, (".parquet",))
    with session_scope() as session:
        actor, win = operator(session, scope), _analytics_window(since, until)
        with advancing(t("writing {path}", path=file), geoparquet.count(session, actor, win)) as advance:
            count = geoparquet.export_cases(session, actor, win, file, advance)
    out.print(t("{count} rows written to {path}{masked}", count=count, path=file, masked=""))


for _kind in ROSTER_HELP:
    app.command(_kind)(_roster_export_command(_kind))


PARTY_COLUMNS = ("name", "phone", "status", "kind", "org", "work_unit", "joined", "building", "door", "grid_role",
                 "contacts", "report_ins")


@app.command("party-members")
def export_party_members(file: Annotated[Path, typer.Argument(help="Output .xlsx or .csv")],
                         scope: ScopeOption = None) -> None:
    """Export the party members (phones masked, formulas neutralised); the export is recorded in the audit log."""
    from geo.access import audit
    from geo.core.i18n import LABELS
    from geo.core.spreadsheet import write_table
    from geo.party.members import export_rows

    output_file(file, TABLES)
    with session_scope() as session:
        members = export_rows(session, operator(session, scope))
        words = LABELS[get_settings().lang]
        header = [words[f"pa_col_{c}"] for c in PARTY_COLUMNS]
        rows = [[m["name"], m["phone"], m["status_label"], m["kind_label"], m["org"]["name"], m["work_unit"],
                 m["joined_on"], (m["home"] or {}).get("building_name"), (m["home"] or {}).get("door"),
                 m["grid_role_label"], len(m["contacts"]), len(m["report_ins"])] for m in members]
        write_table(file, header, rows, "party-members", private=True)  # who is a member: personal data
        audit.record(session, "system", "admin", "export_party_members", "party_members:export",
                     {"scope": scope, "rows": len(rows), "file": file.name, "ids": [m["id"] for m in members]})
    out.print(t("{count} party members written to {path} (phones masked)", count=len(rows), path=file))
