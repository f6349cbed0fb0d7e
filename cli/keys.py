"""`wangge keys`: production secrets."""

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    fail,
    out,
    t,
)

app = typer.Typer(help="Secrets for production (WANGGE_ENV=production refuses to run without them).",
                  no_args_is_help=True)


@app.command("new")
def keys_new(file: Annotated[Path, typer.Argument(help="Environment file to create (mode 600), e.g. /etc/wangge/keys.env")]) -> None:
    """Write a fresh WANGGE_SECRET_KEY (token signing) and WANGGE_DATA_KEY (personal data at rest, the audit chain) to
    a new file only its owner may read; nothing secret is printed. Keep the data key safe: without it sealed ID
    numbers and phones cannot be read again and the audit log cannot be verified."""
    import secrets

    from geo.access.crypto import new_key
    from geo.core.private_files import write_private

    if file.exists():
        fail("{path} exists: keys are never overwritten (the data key in it may be the only one)", path=file)
    if not file.parent.is_dir():
        fail("{path}: no such file or folder", path=file.parent)
    write_private(file, f"WANGGE_SECRET_KEY={secrets.token_urlsafe(48)}\nWANGGE_DATA_KEY={new_key()}\n")
    out.print(t("keys written to {path} (readable by you only); load it into the service's environment", path=file))


@app.command("open311")
def keys_open311(
    name: Annotated[str, typer.Argument(help="The client's name, e.g. 12345-app (lower-case letters, digits, . _ -)")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke this client's key at once instead of issuing one")] = False,
) -> None:
    """Issue an Open311 client its api_key for posting requests (POST /open311/v2/requests.json), printed once: only
    its keyed hash is stored, so a lost key is revoked and a new one issued under another name. With --revoke the
    client's key stops working at once."""
    from cli.common import session_scope
    from geo.access import open311_clients

    with session_scope() as session:
        if revoke:
            open311_clients.revoke(session, name)
        else:
            key = open311_clients.issue(session, name)
    if revoke:
        out.print(t("Open311 client {name}: key revoked", name=name))
        return
    out.print(t("Open311 client {name}: its api_key (shown only this once; give it to the client safely):", name=name))
    print(key)
