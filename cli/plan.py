"""`wangge plan`: boundary plans, drafted, validated, weighed and published."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from cli.common import (
    account_actor,
    fail,
    out,
    output_file,
    parse_day,
    publish_line,
    session_scope,
    t,
)
from geo.access.actor import Actor
from geo.core.settings import get_settings

app = typer.Typer(help="Boundary plans: draft grid boundaries, validated before they are published.",
                  no_args_is_help=True)


@app.callback()
def plan_as(ctx: typer.Context, as_user: Annotated[str, typer.Option(
        "--as", help="Act as this account, held to its role and scope (password on standard input)")] = None) -> None:
    """Boundary plans: draft grid boundaries, validated before they are published."""
    ctx.obj = {"as": as_user}


def acting_actor(ctx: typer.Context, session: Session) -> Actor:
    """The operator (all rights), or with `plan --as` the account named, held to its role and scope."""
    return account_actor(session, ctx.obj.get("as"))


@app.command("create")
def plan_create(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="Grid boundaries: GeoJSON, GeoPackage, Shapefile or CSV "
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
        actor = acting_actor(ctx, session)
        plan_id = (plans.create_from_file(session, actor, file, name, crs, operator=True) if file
                   else plans.create_from_current(session, actor, from_current, name))
        report = validation.report_dict(validation.validate_plan(session, plan_id, actor), get_settings().lang)
    if as_json:
        out.print_json(data={"id": plan_id, "validation": report})
    else:
        out.print(plan_id)


@app.command("validate")
def plan_validate(ctx: typer.Context, plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                  as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False):
    """Check a plan; exits 1 when it has errors (warnings alone exit 0)."""
    from geo.planning import validation

    with session_scope() as session:
        actor = acting_actor(ctx, session)
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


@app.command("impact")
def plan_impact(ctx: typer.Context, plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                target: Annotated[str, typer.Option(help="Households per grid, MIN-MAX")] = "300-500",
                as_json: Annotated[bool, typer.Option("--json", help="Print the whole impact as JSON")] = False):
    """What publishing the plan would change: per grid old against new, and what moves where."""
    from geo.planning.impact import impact

    low, high = _target(target)
    with session_scope() as session:
        actor = acting_actor(ctx, session)
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


@app.command("propose")
def plan_propose(ctx: typer.Context, community: Annotated[str, typer.Argument(help="A community's code, or a street's (each of its "
                                                                "communities is proposed)")],
                 target: Annotated[str, typer.Option(help="Households per grid, MIN-MAX")] = "300-500",
                 grids: Annotated[int, typer.Option(help="How many grids (default: households ÷ mid-range)")] = None,
                 steps: Annotated[int, typer.Option(help="ReCom moves to explore")] = 200,
                 seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same proposal")] = 1,
                 as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False):
    """Propose balanced grids for a community or a street (GerryChain ReCom); prints the new draft plan's id."""
    from geo.planning.proposal import propose

    with session_scope() as session:
        actor = acting_actor(ctx, session)
        found = propose(session, actor, community, target=_target(target), grids=grids, steps=steps, seed=seed)
    if as_json:
        out.print_json(data=found)
    else:
        out.print(found["plan"])


@app.command("publish")
def plan_publish(ctx: typer.Context, plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                 effective_from: Annotated[str, typer.Option(help="YYYY-MM-DD: the day the grids come into force "
                                                                   "(today applies now; later is scheduled)")],
                 as_json: Annotated[bool, typer.Option("--json", help="Print what changed as JSON")] = False):
    """Publish a draft; refused, with every validation error, while the plan has any."""
    from geo.planning.publish import publish

    with session_scope() as session:
        actor = acting_actor(ctx, session)
        outcome = publish(session, plan_id, actor, parse_day(effective_from, "--effective-from"))
    if as_json:
        out.print_json(data=outcome)
    else:
        out.print(publish_line(outcome))


@app.command("export")
def plan_export(ctx: typer.Context, plan_id: Annotated[int, typer.Argument(help="The plan's id")],
                file: Annotated[Path, typer.Argument(help="Output .geojson or .gpkg")],
                assignments: Annotated[Path, typer.Option(help="Also write building → grid to this .csv")] = None):
    """Write a plan's grids (GeoJSON or GeoPackage) and, optionally, every building's grid now and under the plan."""
    from geo.planning.export import assignments_csv, grids_file

    output_file(file, (".geojson", ".gpkg"))
    if assignments:
        output_file(assignments, (".csv",))

    with session_scope() as session:
        actor = acting_actor(ctx, session)
        content = grids_file(session, plan_id, actor, file.suffix.lstrip(".").lower())
        table = assignments_csv(session, plan_id, actor) if assignments else None
    file.write_bytes(content)
    if table is not None:
        assignments.write_bytes(table)
    out.print(t("plan {id} written to {path}", id=plan_id, path=file))
