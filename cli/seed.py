"""`wangge seed`: the demo city."""

import json
from dataclasses import asdict
from typing import Annotated

import typer

from cli.common import (
    out,
    progress,
    session_scope,
    t,
)
from geo.core.i18n import LABELS, msg
from geo.core.models import Role
from geo.core.settings import get_settings

app = typer.Typer(help="Generated data.", no_args_is_help=True)


@app.command("demo")
def seed_demo(district: Annotated[str, typer.Option(help="District code of a shipped outline: 620302 (金川区, default), "
                                                          "510106, 120105, 330482 or 511802")] = "620302",
              scale: Annotated[str, typer.Option(help="street (≈70 grids, 44,649 residents), district (≈634 grids, "
                                                      "≈470,000 residents) or city (50,000 grids, no people)")] = "street",
              seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same city")] = 1,
              as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False) -> None:
    """Replace the demo city: boundaries, buildings, households, residents, staff, a year of cases, demo logins."""
    from geo.synth import DEMO_PASSWORD, DISTRICTS
    from geo.synth import seed_demo as run_seed

    with session_scope() as session:
        summary = run_seed(session, district, scale, seed, workdir=get_settings().home / "demo", track=progress)
    if as_json:
        out.print_json(json.dumps(asdict(summary), ensure_ascii=False))
        return
    words = LABELS[get_settings().lang]
    counts = ", ".join(f"{words.get(f'demo_count_{k}', k)} {v:,}" for k, v in summary.counts.items())
    out.print(t("demo {district} {name}: {counts}", district=district, name=DISTRICTS[district].name, counts=counts))
    for username, role, scope in summary.logins:
        out.print(t("  login {username} / {password}  ({role}, scope {scope})", username=username,
                    password=DEMO_PASSWORD, role=Role(role), scope=scope or msg("all")), highlight=False)
    out.print(t("  and {count} staff accounts (gw-… grid workers, gl-… leaders of dedicated grids, cs-… community, "
                "ss-… street staff), the same password", count=summary.staff_accounts), highlight=False)
    settings = get_settings()
    out.print(t("map: http://{host}:{port}/maps/command-center", host=settings.host, port=settings.port))
    out.print(t("party organisations: http://{host}:{port}/maps/party", host=settings.host, port=settings.port))
    out.print(t("grid workers' phone app: http://{host}:{port}/m/", host=settings.host, port=settings.port))
    if summary.resident_phones:
        out.print(t("residents' pages: http://{host}:{port}/r/ — sign in with {phones}; the code is in the server's "
                    "log (WANGGE_SMS=log)", host=settings.host, port=settings.port,
                    phones=", ".join(summary.resident_phones)), highlight=False)
