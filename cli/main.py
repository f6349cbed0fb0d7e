"""The `wangge` command line: the database, the server, imports, locating, accounts and the demo."""

import json
import sys
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.progress import track as rich_track

from geo import migrate
from geo.db import embedded_cluster, get_engine, prepare_database, session_factory
from geo.errors import InvalidInput, WanggeError
from geo.i18n import msg, render
from geo.models import Level, Role
from geo.settings import get_settings

app = typer.Typer(help="wangge 网格: grid management for urban grassroots governance.", no_args_is_help=True)
db_app = typer.Typer(help="The database: the embedded PostGIS cluster, or DATABASE_URL when set.", no_args_is_help=True)
import_app = typer.Typer(help="Import data files.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
seed_app = typer.Typer(help="Generated data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(user_app, name="user")
app.add_typer(seed_app, name="seed")

err = Console(stderr=True)
out = Console()


@app.callback()
def _settings_first() -> None:
    """Read the settings before any command, so a bad one is a message and exit 2, not a traceback."""
    from pydantic import ValidationError

    try:
        get_settings()
    except ValidationError as exc:
        for problem in exc.errors():
            where = ".".join(str(p) for p in problem["loc"]) or "settings"
            err.print(f"[bold red]error:[/] {where}: {problem['msg'].removeprefix('Value error, ')}", highlight=False)
        raise typer.Exit(2) from None


def t(template: str, **params) -> str:
    """A message in the language of WANGGE_LANG (Chinese unless set to en)."""
    return render(msg(template, **params), get_settings().lang)


def fail(template: str, **params) -> None:
    """Print an error and exit with status 2."""
    err.print(f"[bold red]{t('error')}:[/] {t(template, **params)}", highlight=False)
    raise typer.Exit(2)


@contextmanager
def domain_errors():
    """Print a domain error (with every problem it lists) and exit with status 2."""
    try:
        yield
    except WanggeError as exc:
        lang = get_settings().lang
        err.print(f"[bold red]{t('error')}:[/] {render(exc.detail, lang)}", highlight=False)
        for problem in exc.problems:
            err.print(f"  - {render(problem, lang)}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@contextmanager
def session_scope():
    """A session on a ready database, committed on success."""
    with domain_errors():
        engine = prepare_database()
        with session_factory(engine).begin() as session:
            yield session


def progress(items, description: str, total: int):
    """A rich progress bar on stderr, for long steps only."""
    if total < 50:
        return items
    return rich_track(items, description=description, total=total, console=err, transient=True)


@db_app.command("start")
def db_start() -> None:
    """Start the embedded PostGIS cluster (creating it on first use) and apply pending migrations."""
    with domain_errors():
        if get_settings().database_url:
            out.print(t("DATABASE_URL is set: nothing embedded to start; migrations applied."))
        prepare_database()
        out.print(t("database ready, schema {revision}", revision=migrate.current(get_engine())))


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded cluster."""
    with domain_errors():
        embedded_cluster().stop()
        out.print(t("stopped"))


@db_app.command("status")
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


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations (creates the postgis extension)."""
    with domain_errors():
        prepare_database()
        out.print(t("schema at {revision}", revision=migrate.current(get_engine())))


@app.command()
def serve(host: Annotated[str, typer.Option(help="Address to listen on")] = None,
          port: Annotated[int, typer.Option(help="Port to listen on")] = None) -> None:
    """Serve the API (OpenAPI at /docs), starting the database first."""
    import uvicorn

    settings = get_settings()
    with domain_errors():
        prepare_database()
    host, port = host or settings.host, port or settings.port
    out.print(t("wangge API on http://{host}:{port}  (docs: http://{host}:{port}/docs)", host=host, port=port))
    # X-Forwarded-For is believed only from WANGGE_TRUSTED_PROXIES (api.main), never by uvicorn's default
    uvicorn.run("api.main:app", host=host, port=port, log_level="info", proxy_headers=False)


@import_app.command("boundaries")
def import_boundaries(
    file: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage, Shapefile (.shp, folder or .zip) or CSV with a WKT column")],
    level: Annotated[Level, typer.Option(help="Which level the file holds")],
    crs: Annotated[str, typer.Option(help="wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn; default: what the file declares, else wgs84")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Repair invalid rings with make_valid and report each repair")] = False,
    code: Annotated[str, typer.Option(help="Code for a single bare geometry without properties")] = None,
    name: Annotated[str, typer.Option(help="Name for a single bare geometry without properties")] = None,
) -> None:
    """Import boundaries; a bad file is refused whole, naming every offending feature, and nothing is written."""
    from geo.boundaries import import_boundaries as run_import

    with session_scope() as session:
        report = run_import(session, file, level, crs=crs, fix=fix, code=code, name=name, track=progress,
                            operator=True)
    for line in report.fixes:
        out.print(t("fixed: {fix}", fix=line), highlight=False)
    moved = t(", {count} buildings re-located", count=report.buildings_relocated) if report.buildings_relocated else ""
    out.print(t("{level}: {created} created, {updated} updated", level=level, created=len(report.created),
                updated=len(report.updated)) + moved)


@import_app.command("cases")
def import_cases(file: Annotated[Path, typer.Argument(
        help="CSV or Parquet: category, lon, lat (WGS84), reported_at (ISO 8601, Beijing time without a zone); "
             "optional status (closed or rated), channel, closed_at, rating")]) -> None:
    """Import historical cases in bulk, each located to the grid in force on its day; a bad row refuses the whole file."""
    from geo.cases.backfill import backfill, read_table

    with session_scope() as session:
        rows = read_table(file)
        with advancing(t("writing {path}", path=file), rows.num_rows) as advance:
            report = backfill(session, file, advance, rows)
    out.print(t("{count} cases imported into {months} months ({new} new partitions) in {seconds:.1f} s",
                count=report.cases, months=len(report.months), new=len(report.new_partitions),
                seconds=report.seconds["total"]))


@app.command()
def locate(lon: Annotated[float, typer.Argument(help="Longitude (or x)")],
           lat: Annotated[float, typer.Argument(help="Latitude (or y)")],
           crs: Annotated[str, typer.Option(help="wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn")] = None,
           at: Annotated[str, typer.Option(help="YYYY-MM-DD: the boundaries in force that day")] = None) -> None:
    """Print (as JSON) the grid, community, street and district of a point, and the grid's staff."""
    from geo.locate import locate as run_locate
    from geo.scope import EVERYTHING

    with session_scope() as session:
        day = _parse_day(at)
        found = run_locate(session, lon, lat, crs=crs, at=day, scope=EVERYTHING)
    out.print_json(json.dumps(asdict(found), default=str, ensure_ascii=False))


def _parse_day(value: str | None, flag: str = "--at") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(msg("{flag} {value!r}: use YYYY-MM-DD", flag=flag, value=value)) from None


@user_app.command("add")
def user_add(name: Annotated[str, typer.Argument(help="Login name")],
             role: Annotated[Role, typer.Option(help="What the account may do")],
             scope: Annotated[str, typer.Option(help="District, street, community or grid code it may see (admins: none)")] = None,
             display_name: Annotated[str, typer.Option(help="Name shown to others")] = None,
             password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input")] = False) -> None:
    """Create an account."""
    from geo import audit
    from geo.accounts import create_user

    password = _password_from_stdin(password_stdin)
    with session_scope() as session:
        user = create_user(session, username=name, password=password, role=role.value, scope_code=scope,
                           display_name=display_name)
        audit.record(session, "system", Role.admin, "user_add", f"user:{name}",
                     {"id": user.id, "role": role.value, "scope": scope})
    out.print(t("user {name} ({role}, scope {scope}) created", name=name, role=role.value, scope=scope or msg("all")))


def _password_from_stdin(password_stdin: bool) -> str:
    """The password given on standard input (never as an argument, where `ps` and shell history would keep it)."""
    if not password_stdin:
        fail("pass --password-stdin and give the password on standard input")
    return sys.stdin.readline().rstrip("\n")


@user_app.command("password")
def user_password(name: Annotated[str, typer.Argument(help="Login name")],
                  password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the new password from standard input")] = False) -> None:
    """Give an account a new password; every token issued before stops working."""
    from geo.account_changes import set_password

    password = _password_from_stdin(password_stdin)
    with session_scope() as session:
        set_password(session, name, password)
    out.print(t("password of {name} changed; its earlier tokens are revoked", name=name))


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Disable an account: it cannot log in, and every token issued to it stops working."""
    from geo.account_changes import set_active

    with session_scope() as session:
        set_active(session, name, False)
    out.print(t("user {name} disabled; its tokens are revoked", name=name))


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Enable a disabled account again (its old tokens stay revoked: it logs in anew)."""
    from geo.account_changes import set_active

    with session_scope() as session:
        set_active(session, name, True)
    out.print(t("user {name} enabled", name=name))


@user_app.command("delete")
def user_delete(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Delete an account that nothing refers to (otherwise disable it)."""
    from geo.account_changes import delete_user

    with session_scope() as session:
        delete_user(session, name)
    out.print(t("user {name} deleted", name=name))


@seed_app.command("demo")
def seed_demo(district: Annotated[str, typer.Option(help="District code of a shipped outline: 620302 (金川区, default), "
                                                          "510106, 120105, 330482 or 511802")] = "620302",
              scale: Annotated[str, typer.Option(help="street (≈70 grids, 44,649 residents), district (≈634 grids, "
                                                      "≈470,000 residents) or city (50,000 grids, no people)")] = "street",
              seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same city")] = 1,
              as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False) -> None:
    """Replace the demo city: boundaries, buildings, households, residents, staff, a year of cases, demo logins."""
    from geo.synth import DEMO_PASSWORD, DISTRICTS, seed_demo as run_seed

    with session_scope() as session:
        summary = run_seed(session, district, scale, seed, workdir=get_settings().home / "demo", track=progress)
    if as_json:
        out.print_json(json.dumps(asdict(summary), ensure_ascii=False))
        return
    counts = ", ".join(f"{k} {v:,}" for k, v in summary.counts.items())
    out.print(t("demo {district} {name}: {counts}", district=district, name=DISTRICTS[district].name, counts=counts))
    for username, role, scope in summary.logins:
        out.print(t("  login {username} / {password}  ({role}, scope {scope})", username=username,
                    password=DEMO_PASSWORD, role=role, scope=scope or msg("all")), highlight=False)


export_app = typer.Typer(help="Export rosters (ID numbers and phones masked unless an admin unmasks).", no_args_is_help=True)
app.add_typer(export_app, name="export")
ROSTER_HELP = {"buildings": "楼栋 buildings", "households": "住户 households", "residents": "居民 residents",
               "staff": "网格人员 staff"}


def _write_error_report(path: Path, errors) -> None:
    """The bad rows of an import as a sheet; it quotes the file's values, so it is private like the roster."""
    from geo.spreadsheet import write_table

    lang = get_settings().lang
    write_table(path, ["行号 row", "列 column", "值 value", "原因 reason"],
                ([e.row, e.column, e.value, render(e.reason, lang)] for e in errors), private=True)


def _roster_import_command(kind: str):
    def command(
        file: Annotated[Path, typer.Argument(help=".xlsx or .csv (UTF-8 or GB18030), headers in Chinese or English")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be created or updated; write nothing")] = False,
        all_or_nothing: Annotated[bool, typer.Option("--all-or-nothing", help="Write nothing if any row is bad")] = False,
        crs: Annotated[str, typer.Option(help="CRS of lon/lat columns: wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn")] = None,
        errors: Annotated[Path, typer.Option(help="Where to write the bad rows (default FILE.errors.csv)")] = None,
    ) -> None:
        from geo.rosters.importer import import_roster

        with session_scope() as session:
            report = import_roster(session, file, kind, crs=crs, dry_run=dry_run, all_or_nothing=all_or_nothing,
                                   track=progress)
        out.print(t("{kind}: {created} created, {updated} updated, {unchanged} unchanged, {bad} bad row(s){dry}",
                    kind=kind, created=report.created, updated=report.updated, unchanged=report.unchanged,
                    bad=len(report.errors), dry=msg(" (dry run: nothing written)") if dry_run else ""))
        if report.ignored_columns:
            out.print(t("ignored columns: {columns}", columns=", ".join(report.ignored_columns)))
        if report.errors:
            target = errors or file.with_suffix(".errors.csv")
            _write_error_report(target, report.errors)
            err.print(t("bad rows listed in {path}", path=target))
            raise typer.Exit(1)

    command.__doc__ = f"Import a {ROSTER_HELP[kind]} roster: bad rows go to an error report, good rows are kept."
    return command


def _roster_export_command(kind: str):
    def command(
        file: Annotated[Path, typer.Argument(help="Output .xlsx or .csv")],
        scope: Annotated[str, typer.Option(help="Only this district, street, community or grid code")] = None,
        unmasked: Annotated[bool, typer.Option("--unmasked", help="Full ID numbers and phones (admins only)")] = False,
        as_user: Annotated[str, typer.Option("--as", help="Admin account that asks for --unmasked")] = None,
        password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read that account's password from stdin")] = False,
    ) -> None:
        from geo.accounts import require_admin
        from geo.rosters.exporter import export_roster
        from geo.scope import EVERYTHING, scope_for

        from geo import audit

        with session_scope() as session:
            who = "system"
            if unmasked:
                who = require_admin(session, as_user, sys.stdin.readline().rstrip("\n") if password_stdin else None).username
            area = scope_for(session, "admin", scope) if scope else EVERYTHING
            count = export_roster(session, kind, file, area, unmasked=unmasked)
            audit.record(session, who, "admin", "export_roster", f"roster:{kind}",
                         {"scope": scope, "rows": count, "unmasked": unmasked, "file": file.name})
        out.print(t("{count} rows written to {path}{masked}", count=count, path=file,
                    masked="" if unmasked else msg(" (ID numbers and phones masked)")))

    command.__doc__ = f"Export the {ROSTER_HELP[kind]} roster in the sheet layout the import reads."
    return command


for _kind in ROSTER_HELP:
    import_app.command(_kind)(_roster_import_command(_kind))
    export_app.command(_kind)(_roster_export_command(_kind))


cases_app = typer.Typer(help="Cases.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")


@cases_app.command("tick")
def cases_tick(now: Annotated[datetime, typer.Option(help="Pretend it is this moment (ISO 8601); default: now")] = None) -> None:
    """Apply boundary plans whose day has come, then mark overdue cases and escalate them one level up;
    idempotent, safe to run concurrently (the server runs it too)."""
    from geo.audit_anchor import anchor
    from geo.clock import run_round

    moment = now.astimezone(UTC) if now and now.tzinfo else now.replace(tzinfo=UTC) if now else None
    with session_scope() as session:
        done = run_round(session, moment)
    with session_scope() as session:  # after the round's commit: an anchor names only entries that exist
        anchor(session)
    for outcome in done.plans:
        out.print(_publish_line(outcome))
    out.print(t("{overdue} overdue, {escalated} escalated", overdue=done.deadlines.overdue,
                escalated=done.deadlines.escalated))


def _publish_line(outcome: dict) -> str:
    if "error" in outcome:
        return t("plan {id} not applied, back to draft: {error}", id=outcome["plan"], error=outcome["error"])
    if outcome["status"] == "scheduled":
        return t("plan {id} scheduled for {day}", id=outcome["plan"], day=outcome["effective_from"])
    return t("plan {id} in force from {day}: {retired} grids retired, {redrawn} redrawn, {issued} issued; "
             "{buildings} buildings, {cases} open cases and {staff} assignments moved", id=outcome["plan"],
             day=outcome["effective_from"], retired=len(outcome["retired"]), redrawn=len(outcome["redrawn"]),
             issued=len(outcome["issued"]), buildings=outcome["buildings_moved"], cases=outcome["cases_rerouted"],
             staff=outcome["assignments_moved"])


@contextmanager
def advancing(description: str, total: int):
    """A rich progress bar on stderr; yields advance(n)."""
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=total < 50) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def _analytics_window(since: datetime | None, until: datetime | None):
    from geo.analytics.window import window

    return window(since, until)


def _write_table(file: Path, body: dict, name: str) -> None:
    from geo.analytics.export import table_bytes

    with advancing(t("writing {path}", path=file), len(body["rows"])) as advance:
        file.write_bytes(table_bytes(body["rows"], file.suffix.lstrip(".").lower(), get_settings().lang, name, advance))
    out.print(t("{count} rows written to {path}{masked}", count=len(body["rows"]), path=file, masked=""))


Since = Annotated[datetime, typer.Option("--from", help="Start (ISO 8601, Beijing time unless a zone is given); "
                                                        "default 30 days before --to")]
Until = Annotated[datetime, typer.Option("--to", help="End (ISO 8601); default now")]
ScopeOption = Annotated[str, typer.Option(help="Only this district, street, community or grid code (default: everything)")]


def _actor(session, scope: str | None):
    from geo.cases.workflow import SYSTEM, Actor
    from geo.scope import scope_for

    return Actor("cli", Role.admin, scope_for(session, "admin", scope)) if scope else SYSTEM


@export_app.command("league")
def export_league(file: Annotated[Path, typer.Argument(help="Output .xlsx or .csv")],
                  level: Annotated[str, typer.Option(help="grid, community or street")] = "grid",
                  sort: Annotated[str, typer.Option(help="Rank by this column, best first")] = "on_time_rate",
                  since: Since = None, until: Until = None, scope: ScopeOption = None) -> None:
    """Export the league table: KPIs per grid, community or street with trends and workload."""
    from geo.analytics.league import league

    with session_scope() as session:
        body = league(session, _actor(session, scope), level, _analytics_window(since, until), sort=sort)
        _write_table(file, body, f"league-{level}")


@export_app.command("workers")
def export_workers(file: Annotated[Path, typer.Argument(help="Output .xlsx or .csv")],
                   since: Since = None, until: Until = None, scope: ScopeOption = None) -> None:
    """Export every grid worker's load: open cases now, assigned, closed and on time in the window."""
    from geo.analytics.league import workers

    with session_scope() as session:
        _write_table(file, workers(session, _actor(session, scope), _analytics_window(since, until)), "workers")


@export_app.command("cases")
def export_cases(file: Annotated[Path, typer.Argument(help="Output .parquet (GeoParquet 1.1)")],
                 since: Since = None, until: Until = None, scope: ScopeOption = None) -> None:
    """Export the window's cases as GeoParquet for DuckDB, Sedona or GeoPandas (no reporters, no descriptions)."""
    from geo.analytics import geoparquet

    with session_scope() as session:
        actor, win = _actor(session, scope), _analytics_window(since, until)
        with advancing(t("writing {path}", path=file), geoparquet.count(session, actor, win)) as advance:
            count = geoparquet.export_cases(session, actor, win, file, advance)
    out.print(t("{count} rows written to {path}{masked}", count=count, path=file, masked=""))


analytics_app = typer.Typer(help="Analytics: early warnings.", no_args_is_help=True)
app.add_typer(analytics_app, name="analytics")


@analytics_app.command("warnings")
def analytics_warnings(on: Annotated[str, typer.Option(help="The day of the list, YYYY-MM-DD (default today)")] = None,
                       scope: ScopeOption = None,
                       as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a list")] = False):
    """The early-warning list: grids with far more cases of a category this week than usual."""
    from geo.analytics.warnings import early_warnings
    from geo.cases.deadlines import CHINA

    with session_scope() as session:
        found = early_warnings(session, _actor(session, scope), _parse_day(on, "--on") or datetime.now(CHINA).date())
    if as_json:
        out.print_json(data=found)
        return
    key = "message" if get_settings().lang == "zh" else "message_en"
    for w in found["warnings"]:
        out.print(f"- {w[key]} (p={w['p']:.2g})", highlight=False)
    out.print(t("{count} warnings among {tested} grid and category pairs tested", count=len(found["warnings"]),
                tested=found["tested"]))


keys_app = typer.Typer(help="Secrets for production (WANGGE_ENV=production refuses to run without them).",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def keys_new(file: Annotated[Path, typer.Argument(help="Environment file to create (mode 600), e.g. /etc/wangge/keys.env")]) -> None:
    """Write a fresh WANGGE_SECRET_KEY (token signing) and WANGGE_DATA_KEY (personal data at rest, the audit chain) to
    a new file only its owner may read; nothing secret is printed. Keep the data key safe: without it sealed ID
    numbers and phones cannot be read again and the audit log cannot be verified."""
    import secrets

    from geo.crypto import new_key
    from geo.private_files import write_private

    if file.exists():
        fail("{path} exists: keys are never overwritten (the data key in it may be the only one)", path=file)
    if not file.parent.is_dir():
        fail("{path}: no such file or folder", path=file.parent)
    write_private(file, f"WANGGE_SECRET_KEY={secrets.token_urlsafe(48)}\nWANGGE_DATA_KEY={new_key()}\n")
    out.print(t("keys written to {path} (readable by you only); load it into the service's environment", path=file))


audit_app = typer.Typer(help="The audit log: append-only, chained by hashes.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 naming the first entry that was changed, removed or inserted."""
    from geo.audit import verify

    with session_scope() as session:
        found = verify(session)
    if not found.intact:
        err.print(t("audit log broken at entry {id}: {reason}", id=found.broken_at, reason=found.reason), highlight=False)
        raise typer.Exit(1)
    out.print(t("audit log intact: {count} entries", count=found.entries))


plan_app = typer.Typer(help="Boundary plans: draft grid boundaries, validated before they are published.",
                       no_args_is_help=True)
app.add_typer(plan_app, name="plan")


ACTING: dict = {}


@plan_app.callback()
def plan_as(as_user: Annotated[str, typer.Option(
        "--as", help="Act as this account, held to its role and scope (password on standard input)")] = None) -> None:
    """Boundary plans: draft grid boundaries, validated before they are published."""
    ACTING["user"] = as_user


def acting_actor(session):
    """The operator (the system, all rights), or with --as the account named, checked by the permission matrix."""
    from geo.accounts import authenticate, user_scope
    from geo.cases.workflow import SYSTEM, Actor

    if not ACTING.get("user"):
        return SYSTEM
    user = authenticate(session, ACTING["user"], sys.stdin.readline().rstrip("\n"), "cli")
    return Actor(user.username, Role(user.role), user_scope(session, user), user.id)


@plan_app.command("create")
def plan_create(file: Annotated[Path, typer.Argument(help="Grid boundaries: GeoJSON, GeoPackage, Shapefile or CSV "
                                                          "with WKT (omit with --from-current)")] = None,
                from_current: Annotated[list[str], typer.Option("--from-current",
                                                                help="Copy this community's current grids "
                                                                     "(repeatable)")] = None,
                name: Annotated[str, typer.Option(help="The plan's name")] = None,
                crs: Annotated[str, typer.Option(help="CRS of the file when it declares none or a wrong one")] = None,
                as_json: Annotated[bool, typer.Option("--json", help="Print the id and validation as JSON")] = False):
    """Create a draft plan from a file or from the current grids of communities; prints its id."""
    from geo.planning import plans, validation

    if (file is None) == (not from_current):
        fail("give a FILE or --from-current COMMUNITY, not both")
    with session_scope() as session:
        actor = acting_actor(session)
        plan_id = (plans.create_from_file(session, actor, file, name, crs, operator=True) if file
                   else plans.create_from_current(session, actor, from_current, name))
        report = validation.report_dict(validation.validate_plan(session, plan_id, actor), get_settings().lang)
    if as_json:
        out.print_json(data={"id": plan_id, "validation": report})
    else:
        out.print(plan_id)


@plan_app.command("validate")
def plan_validate(plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                  as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False):
    """Check a plan; exits 1 when it has errors (warnings alone exit 0)."""
    from geo.planning import validation

    with session_scope() as session:
        actor = acting_actor(session)
        report = validation.report_dict(validation.validate_plan(session, plan_id, actor), get_settings().lang)
    if as_json:
        out.print_json(data=report)
    else:
        for p in report["problems"]:
            out.print(f"- [{p['severity']}] {p['message']}", highlight=False)
        out.print(t("{errors} errors, {warnings} warnings", errors=report["errors"], warnings=report["warnings"]))
    if not report["valid"]:
        raise typer.Exit(1)


def _target(value: str) -> tuple[int, int]:
    """--target MIN-MAX as two numbers; exit 2 with a message otherwise."""
    try:
        low, high = (int(v) for v in value.split("-"))
    except ValueError:
        fail("--target {value!r}: use MIN-MAX, e.g. 300-500", value=value)
    return low, high


@plan_app.command("impact")
def plan_impact(plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                target: Annotated[str, typer.Option(help="Households per grid, MIN-MAX")] = "300-500",
                as_json: Annotated[bool, typer.Option("--json", help="Print the whole impact as JSON")] = False):
    """What publishing the plan would change: per grid old against new, and what moves where."""
    from geo.planning.impact import impact

    low, high = _target(target)
    with session_scope() as session:
        actor = acting_actor(session)
        found = impact(session, plan_id, actor, (low, high))
    if as_json:
        out.print_json(data=found)
        return
    table = Table(title=t("plan {id}: households per grid, before → after", id=plan_id))
    for col in ("grid", "status", "households", "residents", "open cases", "staff"):
        table.add_column(col, justify="left" if col in ("grid", "status") else "right")
    arrow = lambda r, k: f"{'–' if r[k + '_before'] is None else r[k + '_before']} → " \
                         f"{'–' if r[k + '_after'] is None else r[k + '_after']}"  # noqa: E731
    for r in found["grids"]:
        table.add_row(r["code"], r["status"], arrow(r, "households"), arrow(r, "residents"), arrow(r, "open_cases"),
                      arrow(r, "staff"))
    out.print(table)
    for when in ("before", "after"):
        b = found["balance"][when]
        out.print(t("{when}: {within} of {grids} grids within {low}-{high} households", when=when,
                    within=b.get("within", 0), grids=b["grids"], low=low, high=high))


@plan_app.command("propose")
def plan_propose(community: Annotated[str, typer.Argument(help="A community's code, or a street's (each of its "
                                                                "communities is proposed)")],
                 target: Annotated[str, typer.Option(help="Households per grid, MIN-MAX")] = "300-500",
                 grids: Annotated[int, typer.Option(help="How many grids (default: households ÷ mid-range)")] = None,
                 steps: Annotated[int, typer.Option(help="ReCom moves to explore")] = 200,
                 seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same proposal")] = 1,
                 as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False):
    """Propose balanced grids for a community or a street (GerryChain ReCom); prints the new draft plan's id."""
    from geo.planning.proposal import propose

    with session_scope() as session:
        actor = acting_actor(session)
        found = propose(session, actor, community, target=_target(target), grids=grids, steps=steps, seed=seed)
    if as_json:
        out.print_json(data=found)
    else:
        out.print(found["plan"])


@plan_app.command("publish")
def plan_publish(plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                 effective_from: Annotated[str, typer.Option(help="YYYY-MM-DD: the day the grids come into force "
                                                                   "(today applies now; later is scheduled)")],
                 as_json: Annotated[bool, typer.Option("--json", help="Print what changed as JSON")] = False):
    """Publish a draft; refused, with every validation error, while the plan has any."""
    from geo.planning.publish import publish

    with session_scope() as session:
        actor = acting_actor(session)
        outcome = publish(session, plan_id, actor, _parse_day(effective_from, "--effective-from"))
    if as_json:
        out.print_json(data=outcome)
    else:
        out.print(_publish_line(outcome))


@plan_app.command("export")
def plan_export(plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                file: Annotated[Path, typer.Argument(help="Output .geojson or .gpkg")],
                assignments: Annotated[Path, typer.Option(help="Also write building → grid to this .csv")] = None):
    """Write a plan's grids (GeoJSON or GeoPackage) and, optionally, every building's grid now and under the plan."""
    from geo.planning.export import assignments_csv, grids_file

    with session_scope() as session:
        actor = acting_actor(session)
        content = grids_file(session, plan_id, actor, file.suffix.lstrip(".").lower())
        table = assignments_csv(session, plan_id, actor) if assignments else None
    file.write_bytes(content)
    if table is not None:
        assignments.write_bytes(table)
    out.print(t("plan {id} written to {path}", id=plan_id, path=file))
