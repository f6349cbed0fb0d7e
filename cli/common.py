"""What every command group shares: output in the user's language, errors as messages, a session, progress."""

import sys
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track as rich_track
from sqlalchemy.orm import Session

from geo.access.accounts import authenticate
from geo.access.actor import SYSTEM, Actor, actor_for
from geo.access.production import open_database
from geo.core.db import session_factory
from geo.core.errors import InvalidInput, WanggeError
from geo.core.i18n import msg, render
from geo.core.settings import get_settings

ROSTER_HELP = {"buildings": "楼栋 buildings", "households": "住户 households", "residents": "居民 residents",
               "staff": "网格人员 staff"}
err = Console(stderr=True)
out = Console()


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
        engine = open_database()
        with session_factory(engine).begin() as session:
            yield session


def progress(items, description: str, total: int):
    """A rich progress bar on stderr, for long steps only."""
    if total < 50:
        return items
    return rich_track(items, description=description, total=total, console=err, transient=True)


@contextmanager
def advancing(description: str, total: int):
    """A rich progress bar on stderr; yields advance(n)."""
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=total < 50) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def parse_day(value: str | None, flag: str = "--at") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(msg("{flag} {value!r}: use YYYY-MM-DD", flag=flag, value=value)) from None

Since = Annotated[datetime, typer.Option("--from", help="Start (ISO 8601, Beijing time unless a zone is given); "
                                                        "default 30 days before --to")]

Until = Annotated[datetime, typer.Option("--to", help="End (ISO 8601); default now")]

ScopeOption = Annotated[str, typer.Option(help="Only this district, street, community or grid code (default: everything)")]


def publish_line(outcome: dict) -> str:
    if "error" in outcome:
        return t("plan {id} not applied, back to draft: {error}", id=outcome["plan"], error=outcome["error"])
    if outcome["status"] == "scheduled":
        return t("plan {id} scheduled for {day}", id=outcome["plan"], day=outcome["effective_from"])
    return t("plan {id} in force from {day}: {retired} grids retired, {redrawn} redrawn, {issued} issued; "
             "{buildings} buildings, {cases} open cases and {staff} assignments moved", id=outcome["plan"],
             day=outcome["effective_from"], retired=len(outcome["retired"]), redrawn=len(outcome["redrawn"]),
             issued=len(outcome["issued"]), buildings=outcome["buildings_moved"], cases=outcome["cases_rerouted"],
             staff=outcome["assignments_moved"])


def password_from_stdin(password_stdin: bool) -> str:
    """The password given on standard input (never as an argument, where `ps` and shell history would keep it)."""
    if not password_stdin:
        fail("pass --password-stdin and give the password on standard input")
    return sys.stdin.readline().rstrip("\n")


def account_actor(session: Session, username: str | None) -> Actor:
    """The operator at the console, or the account named (its password on standard input) as the API would see it."""
    if not username:
        return SYSTEM
    return actor_for(session, authenticate(session, username, sys.stdin.readline().rstrip("\n"), "cli"))


def output_file(path: Path, suffixes: tuple[str, ...]) -> Path:
    """The file a command is to write, checked first: exit 2 when its folder is missing or its type is not offered."""
    if path.suffix.lower() not in suffixes:
        fail("{path}: write one of {suffixes}", path=path, suffixes=", ".join(suffixes))
    if not path.parent.is_dir():
        fail("{path}: no such file or folder", path=path.parent)
    return path
