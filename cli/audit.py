"""`wangge audit`: check the audit log."""


import typer

from cli.common import (
    err,
    out,
    session_scope,
    t,
)

app = typer.Typer(help="The audit log: append-only, chained by hashes.", no_args_is_help=True)


@app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 naming the first entry that was changed, removed or inserted."""
    from geo.access.audit import verify

    with session_scope() as session:
        found = verify(session)
    if not found.intact:
        err.print(t("audit log broken at entry {id}: {reason}", id=found.broken_at, reason=found.reason), highlight=False)
        raise typer.Exit(1)
    out.print(t("audit log intact: {count} entries", count=found.entries))
