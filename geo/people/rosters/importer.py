"""Importing roster sheets: every bad row named (row, column, reason), good rows kept, reruns idempotent.

Natural keys make reruns create nothing new: buildings by code (else by compound and name),
households by building and door, residents by ID number, staff by name and phone with their duty
and place. `dry_run` does all the work inside a savepoint and rolls it back. Each cell is read in `cells`,
each row written in `upserts`.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from geo.core.errors import ImportRejected, InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.progress import no_track
from geo.people.rosters.cells import BadRow
from geo.people.rosters.sheets import COLUMNS, read_sheet
from geo.people.rosters.upserts import HANDLERS

REQUIRED = {"buildings": ("name", "lon", "lat"), "households": ("building", "door"),
            "residents": ("name", "id_number", "building", "door"), "staff": ("name", "duty")}


@dataclass
class RowError:
    """One bad cell: spreadsheet row number, column (canonical name), the value and why."""

    row: int
    column: str
    value: object
    reason: Msg


@dataclass
class RosterReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def import_roster(session: Session, path: Path, kind: str, *, crs: str | None = None, dry_run: bool = False,
                  all_or_nothing: bool = False, track=no_track) -> RosterReport:
    """Import one roster file of `kind` (buildings, households, residents or staff); the caller commits."""
    if kind not in COLUMNS:
        raise InvalidInput(msg("unknown roster {kind}; one of {kinds}", kind=kind, kinds=", ".join(COLUMNS)))
    sheet = read_sheet(path, kind)
    missing = [c for c in REQUIRED[kind] if not any(c in row for row in sheet.rows[:1])]
    if sheet.rows and missing:
        raise InvalidInput(msg("{path}: missing column(s) {columns}", path=path,
                               columns=", ".join(COLUMNS[kind][c][0] for c in missing)))
    report = RosterReport(kind, ignored_columns=sheet.ignored, dry_run=dry_run)
    handler = HANDLERS[kind]
    seen: dict = {}
    savepoint = session.begin_nested()
    for row, number in track(list(zip(sheet.rows, sheet.numbers)), "导入 importing", len(sheet.rows)):
        try:
            _required(row, kind)
            outcome = handler(session, row, seen, number, crs)
        except BadRow as bad:
            report.errors.append(RowError(number, bad.column, bad.value, bad.reason))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    if dry_run or (all_or_nothing and report.errors):
        savepoint.rollback()
    else:
        savepoint.commit()
    if all_or_nothing and report.errors:
        raise ImportRejected(msg("{path}: {count} bad row(s); nothing was written", path=path, count=len(report.errors)),
                             problems=[describe(e) for e in report.errors])
    return report


def describe(error: RowError) -> Msg:
    """One line for an error: row, column, value, reason."""
    return msg("row {row}, column {column} ({value!r}): {reason}", row=error.row, column=error.column,
               value=error.value, reason=error.reason)


def _required(row: dict, kind: str) -> None:
    """BadRow unless the row fills the kind's required columns (staff need an area or a building)."""
    for column in REQUIRED[kind]:
        if row.get(column) in (None, ""):
            raise BadRow(column, None, msg("required"))
    if kind == "staff" and not (row.get("area") or row.get("building")):
        raise BadRow("area", None, msg("a grid (or other area) code, or a building for a building head, is required"))
