"""`wangge user`: accounts."""

from typing import Annotated

import typer

from cli.common import (
    out,
    password_from_stdin,
    session_scope,
    t,
)
from geo.core.i18n import msg
from geo.core.models import Role

app = typer.Typer(help="Accounts.", no_args_is_help=True)


@app.command("add")
def user_add(name: Annotated[str, typer.Argument(help="Login name")],
             role: Annotated[Role, typer.Option(help="What the account may do")],
             scope: Annotated[str, typer.Option(help="District, street, community or grid code it may see (admins: none)")] = None,
             display_name: Annotated[str, typer.Option(help="Name shown to others")] = None,
             department: Annotated[str, typer.Option(help="For role department: its code (城管, 公安…, "
                                                          "data/departments.csv); the scope is its district")] = None,
             password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input")] = False) -> None:
    """Create an account."""
    from geo.access import audit
    from geo.access.accounts import create_user

    password = password_from_stdin(password_stdin)
    with session_scope() as session:
        user = create_user(session, username=name, password=password, role=role.value, scope_code=scope,
                           display_name=display_name, department=department)
        audit.record(session, "system", Role.admin, "user_add", f"user:{name}",
                     {"id": user.id, "role": role.value, "scope": scope})
    out.print(t("user {name} ({role}, scope {scope}) created", name=name, role=role.value, scope=scope or msg("all")))


@app.command("password")
def user_password(name: Annotated[str, typer.Argument(help="Login name")],
                  password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the new password from standard input")] = False) -> None:
    """Give an account a new password; every token issued before stops working."""
    from geo.access.account_changes import set_password

    password = password_from_stdin(password_stdin)
    with session_scope() as session:
        set_password(session, name, password)
    out.print(t("password of {name} changed; its earlier tokens are revoked", name=name))


@app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Disable an account: it cannot log in, and every token issued to it stops working."""
    from geo.access.account_changes import set_active

    with session_scope() as session:
        set_active(session, name, False)
    out.print(t("user {name} disabled; its tokens are revoked", name=name))


@app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Enable a disabled account again (its old tokens stay revoked: it logs in anew)."""
    from geo.access.account_changes import set_active

    with session_scope() as session:
        set_active(session, name, True)
    out.print(t("user {name} enabled", name=name))


@app.command("delete")
def user_delete(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Delete an account that nothing refers to (otherwise disable it)."""
    from geo.access.account_changes import delete_user

    with session_scope() as session:
        delete_user(session, name)
    out.print(t("user {name} deleted", name=name))
