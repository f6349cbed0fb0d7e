"""What the party imports share: their sheets read by the roster machinery (geo.people.rosters.sheets), each bad
cell a `RowError` naming the row, the column by its Chinese header, the value and why, and the refusal of a file
with any bad row (all or nothing)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.core.errors import ImportRejected, InvalidInput
from geo.core.i18n import Msg, msg
from geo.people.rosters.cells import BadRow
from geo.people.rosters.importer import RowError, describe
from geo.people.rosters.sheets import Sheet, read_sheet

CODE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
SEPARATORS = re.compile(r"[、,，;；\s]+")


@dataclass
class ImportTally:
    """What a party import wrote (or, in a dry run, would write)."""

    kind: str
    created: int = 0
    updated: int = 0
    extra: dict = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def read_rows(path: Path, kind: str, columns: dict[str, list[str]], required: tuple[str, ...]) -> Sheet:
    """The file's rows keyed by canonical column; InvalidInput when a required column is missing."""
    sheet = read_sheet(path, kind, columns)
    present = set().union(*(row.keys() for row in sheet.rows[:1])) if sheet.rows else set()
    missing = [c for c in required if c not in present]
    if sheet.rows and missing:
        raise InvalidInput(msg("{path}: missing column(s) {columns}", path=path,
                               columns=", ".join(columns[c][0] for c in missing)))
    return sheet


def text(row: dict, column: str) -> str | None:
    """A cell as stripped text; None when empty."""
    value = row.get(column)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def required(row: dict, column: str) -> str:
    """A cell that must be filled."""
    value = text(row, column)
    if value is None:
        raise BadRow(column, None, msg("required"))
    return value


def code(row: dict, column: str = "code") -> str:
    """An organisation's code: 1 to 32 letters, digits, _ or -."""
    value = required(row, column)
    if not CODE.match(value):
        raise BadRow(column, value, msg("a code is 1 to 32 letters, digits, _ or -"))
    return value


def split(value: str | None) -> list[str]:
    """The parts of a cell listing several codes (、 , ; or spaces)."""
    return [part for part in SEPARATORS.split(value or "") if part]


def row_error(bad: BadRow, number: int, columns: dict[str, list[str]]) -> RowError:
    """A BadRow as a RowError whose column is the Chinese header a person reads."""
    return RowError(number, columns.get(bad.column, [bad.column])[0], bad.value, bad.reason)


def refuse_if_any(path: Path, errors: list[RowError]) -> None:
    """ImportRejected naming every bad row, so that nothing is written."""
    if errors:
        errors.sort(key=lambda e: e.row)
        problems: list[Msg] = [describe(e) for e in errors]
        raise ImportRejected(msg("{path}: {count} bad row(s); nothing was written", path=path, count=len(errors)),
                             problems=problems)
