"""`wangge import`: boundaries, historical cases and rosters from files an operator names."""

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    ROSTER_HELP,
    advancing,
    err,
    out,
    progress,
    session_scope,
    t,
)
from geo.core.i18n import msg, render
from geo.core.models import Level
from geo.core.settings import get_settings

app = typer.Typer(help="Import data files.", no_args_is_help=True)


@app.command("boundaries")
def import_boundaries(
    file: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage, Shapefile (.shp, folder or .zip) or CSV with a WKT column")],
    level: Annotated[Level, typer.Option(help="Which level the file holds")],
    crs: Annotated[str, typer.Option(help="wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn; default: what the file declares, else wgs84")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Repair invalid rings with make_valid and report each repair")] = False,
    code: Annotated[str, typer.Option(help="Code for a single bare geometry without properties")] = None,
    name: Annotated[str, typer.Option(help="Name for a single bare geometry without properties")] = None,
) -> None:
    """Import boundaries; a bad file is refused whole, naming every offending feature, and nothing is written."""
    from geo.territory.boundary_import import import_boundaries as run_import

    with session_scope() as session:
        report = run_import(session, file, level, crs=crs, fix=fix, code=code, name=name, track=progress,
                            operator=True)
    for line in report.fixes:
        out.print(t("fixed: {fix}", fix=line), highlight=False)
    moved = t(", {count} buildings re-located", count=report.buildings_relocated) if report.buildings_relocated else ""
    out.print(t("{level}: {created} created, {updated} updated", level=level, created=len(report.created),
                updated=len(report.updated)) + moved)


@app.command("cases")
def import_cases(file: Annotated[Path, typer.Argument(
        help="CSV or Parquet: category, lon, lat (WGS84), reported_at (ISO 8601, Beijing time without a zone); "
             "optional status (closed or rated), channel, closed_at, rating")]) -> None:
    """Import historical cases in bulk, each located to the grid in force on its day; a bad row refuses the whole file."""
    from geo.cases.backfill import backfill
    from geo.cases.backfill_input import read_table

    with session_scope() as session:
        rows = read_table(file)
        with advancing(t("writing {path}", path=file), rows.num_rows) as advance:
            report = backfill(session, file, advance, rows)
    out.print(t("{count} cases imported into {months} months ({new} new partitions) in {seconds:.1f} s",
                count=report.cases, months=len(report.months), new=len(report.new_partitions),
                seconds=report.seconds["total"]))


def _write_error_report(path: Path, errors) -> None:
    """The bad rows of an import as a sheet; it quotes the file's values, so it is private like the roster."""
    from geo.core.spreadsheet import write_table

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
        from geo.people.rosters.importer import import_roster

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


for _kind in ROSTER_HELP:
    app.command(_kind)(_roster_import_command(_kind))


@app.command("compounds")
def import_compounds(
    file: Annotated[Path, typer.Argument(help="小区边界文件 compound boundaries: GeoJSON, GeoPackage, Shapefile (.shp, "
                                              "folder or .zip) or CSV with a WKT column; properties 编码 code, 名称 name, "
                                              "社区代码 community (optional), 物业, 业委会, 红色物业 (是/否)")],
    crs: Annotated[str, typer.Option(help="坐标系 wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn; default: what the file "
                                          "declares, else wgs84")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="用 make_valid 修复无效几何并逐一报告 repair invalid rings")] = False,
) -> None:
    """导入小区(院落) Import compounds: a bad file is refused whole, naming every offending feature; buildings are re-linked."""
    from geo.territory.compound_import import import_compounds as run_import

    with session_scope() as session:
        report = run_import(session, file, crs=crs, fix=fix, track=progress, operator=True)
    for line in report.fixes:
        out.print(t("fixed: {fix}", fix=line), highlight=False)
    out.print(t("compounds: {created} created, {updated} updated, {buildings} buildings linked",
                created=len(report.created), updated=len(report.updated), buildings=report.buildings_linked))


def _party_import_command(kind: str):
    def command(
        file: Annotated[Path, typer.Argument(help=".xlsx 或 .csv (UTF-8 或 GB18030)，中文或英文表头 headers in Chinese "
                                                  "or English; see docs/party-import.md")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查、不写入 check and report; write nothing")] = False,
    ) -> None:
        from geo.access import audit
        from geo.party.member_import import import_members
        from geo.party.org_import import import_orgs

        run = import_orgs if kind == "party-orgs" else import_members
        with session_scope() as session:
            tally = run(session, file, dry_run=dry_run, track=progress)
            if not dry_run:
                audit.record(session, "system", "admin", f"import_{kind.replace('-', '_')}", f"file:{file.name}",
                             {"created": tally.created, "updated": tally.updated})
        extra = (t(", {count} posts", count=tally.extra["posts"]) if "posts" in tally.extra else "") + \
            (t(", {count} contact households", count=tally.extra["contacts"]) if "contacts" in tally.extra else "")
        out.print(t("{kind}: {created} created, {updated} updated", kind=PARTY_HELP[kind], created=tally.created,
                    updated=tally.updated) + extra + (t(" (dry run: nothing written)") if dry_run else ""))
        if tally.ignored_columns:
            out.print(t("ignored columns: {columns}", columns=", ".join(tally.ignored_columns)))

    command.__doc__ = {"party-orgs": "导入党组织 Import the party organisation tree: rows in any order; one bad row "
                                     "refuses the file, every bad row named.",
                       "party-members": "导入党员 Import party members (phones sealed): one bad row refuses the file, "
                                        "every bad row named."}[kind]
    return command


PARTY_HELP = {"party-orgs": "党组织", "party-members": "党员"}
for _kind in PARTY_HELP:
    app.command(_kind)(_party_import_command(_kind))
