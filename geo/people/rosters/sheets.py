"""Reading and writing roster sheets (.xlsx with openpyxl, .csv in UTF-8 or GB18030), with Chinese or English headers.

Roster files are untrusted: read in the sandbox (geo.core.uploads.sandbox) within the WANGGE_UPLOAD_* limits, an
.xlsx vetted as a zip before openpyxl opens it, its XML parsed by defusedxml (openpyxl uses it when installed:
no entities, no external references).
"""

import csv
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils.exceptions import InvalidFileException

from geo.core import spreadsheet
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.uploads import sandbox, zips
from geo.core.uploads.limits import Limits

# Canonical column → the headers communities use for it; the first is what exports write.
COLUMNS: dict[str, dict[str, list[str]]] = {
    "buildings": {
        "code": ["楼栋编码", "编码", "code", "building_code"],
        "name": ["楼栋名称", "名称", "name", "building_name"],
        "address": ["地址", "门牌", "门牌地址", "address"],
        "compound": ["小区", "小区名称", "compound"],
        "floors": ["层数", "楼层数", "floors"],
        "lon": ["经度", "lon", "longitude", "x"],
        "lat": ["纬度", "lat", "latitude", "y"],
        "grid": ["所属网格", "grid"],
    },
    "households": {
        "building": ["楼栋", "楼栋编码", "building"],
        "door": ["门牌", "门牌号", "房号", "door"],
        "grid": ["所属网格", "grid"],
    },
    "residents": {
        "name": ["姓名", "name"],
        "id_number": ["身份证号", "身份证号码", "公民身份号码", "id_number"],
        "phone": ["联系电话", "电话", "手机", "手机号", "phone"],
        "gender": ["性别", "gender"],
        "birth_date": ["出生日期", "birth_date"],
        "building": ["楼栋", "楼栋编码", "building"],
        "door": ["门牌", "门牌号", "房号", "door"],
        "residence": ["户籍类型", "人口类型", "residence"],
        "special_groups": ["重点人群", "人员类别", "special_groups"],
        "grid": ["所属网格", "grid"],
    },
    "staff": {
        "name": ["姓名", "name"],
        "phone": ["联系电话", "电话", "手机", "phone"],
        "duty": ["职务", "岗位", "duty"],
        "area": ["网格", "网格编码", "所属区域", "area", "grid"],
        "building": ["楼栋", "楼栋编码", "building"],
        "start_date": ["开始日期", "任职日期", "start_date"],
        "end_date": ["结束日期", "离任日期", "end_date"],
    },
}
KINDS = tuple(COLUMNS)
MAX_COLUMNS = 200  # a roster has a dozen; a sheet claiming thousands would pad every row with them


@dataclass
class Sheet:
    """Rows keyed by canonical column; `numbers` are the spreadsheet row numbers (the header is row 1)."""

    rows: list[dict]
    numbers: list[int]
    ignored: list[str]


def _header_map(columns: dict[str, list[str]], headers: list) -> tuple[dict[int, str], list[str]]:
    """Column index → canonical column for the headers `columns` knows (first alias wins); the headers ignored."""
    aliases = {alias.lower(): column for column, names in columns.items() for alias in names}
    mapping, ignored = {}, []
    for i, header in enumerate(headers):
        key = str(header or "").strip().lower()
        if key in aliases and aliases[key] not in mapping.values():
            mapping[i] = aliases[key]
        elif key:
            ignored.append(str(header))
    return mapping, ignored


def _cell(value):
    """A cell as the import reads it: a datetime as its date, a whole float as digits, text stripped and restored."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores long digit strings typed as numbers as floats
    if isinstance(value, str):
        return spreadsheet.restore(value.strip()) or None  # a cell our own export neutralised reads as it was
    return value


def read_sheet(path: Path, kind: str, columns: dict[str, list[str]] | None = None) -> Sheet:
    """The rows of a roster file, read in the sandbox under the upload limits; InvalidInput when unusable.

    `columns` (canonical column → headers) defaults to the roster kind's; other imports (party) bring their own."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(msg("{path}: no such file or folder", path=path))
    limits = Limits.from_settings()
    return sandbox.run(parse_sheet, path, kind, limits, columns, name=str(path), limits=limits)


def parse_sheet(path: Path, kind: str, limits: Limits, columns: dict[str, list[str]] | None = None) -> Sheet:
    """In the sandbox: the file's rows, keyed by canonical column."""
    columns = columns or COLUMNS[kind]
    if not path.is_file():
        raise InvalidInput(msg("{path}: no such file or folder", path=path))
    if path.stat().st_size > limits.bytes:
        raise InvalidInput(msg("{path} is larger than {limit} bytes", path=path, limit=limits.bytes))
    raw = _read_xlsx(path, limits) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path, limits)
    if not raw:
        raise InvalidInput(msg("{path}: the sheet is empty", path=path))
    mapping, ignored = _header_map(columns, raw[0])
    if not mapping:
        raise InvalidInput(msg("{path}: no known column; expected some of {columns}", path=path,
                               columns=", ".join(names[0] for names in columns.values())))
    rows, numbers = [], []
    for number, values in enumerate(raw[1:], start=2):
        row = {column: _cell(values[i]) if i < len(values) else None for i, column in mapping.items()}
        if any(v is not None for v in row.values()):
            rows.append(row)
            numbers.append(number)
    return Sheet(rows, numbers, ignored)


def _read_xlsx(path: Path, limits: Limits) -> list[list]:
    """The first sheet's rows, once the .xlsx passed as a zip (geo.core.uploads.zips); XML parsed by defusedxml."""
    if not openpyxl.DEFUSEDXML:
        raise RuntimeError("openpyxl would parse XML without defusedxml")
    with zips.open_zip(path, str(path)) as archive:
        zips.vet(archive, str(path), limits)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            if (sheet.max_column or 0) > MAX_COLUMNS:
                raise InvalidInput(msg("{path}: {count} columns, at most {limit}", path=path, count=sheet.max_column,
                                       limit=MAX_COLUMNS))
            return _limited((list(r) for r in sheet.iter_rows(values_only=True)), path, limits)
        finally:
            book.close()
    except (InvalidFileException, OSError, KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile,
            DefusedXmlException, ParseError) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: Exception) -> InvalidInput:
    """The refusal of an unreadable workbook, naming defusedxml's finding when openpyxl wrapped one."""
    cause = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return InvalidInput(msg("{path}: XML entities and external references are refused ({error})", path=path,
                                error=type(cause).__name__))
    return InvalidInput(msg("{path}: cannot be read ({error})", path=path, error=str(exc)[:200]))


def _read_csv(path: Path, limits: Limits) -> list[list]:
    """The rows of a CSV file, in UTF-8 or GB18030, up to the row limit."""
    if path.suffix.lower() != ".csv":
        raise InvalidInput(msg("{path}: unsupported format {suffix!r}; use .xlsx or .csv", path=path, suffix=path.suffix))
    csv.field_size_limit(limits.bytes)  # this process reads this one file
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030
        try:
            with path.open(newline="", encoding=encoding) as f:
                return _limited(csv.reader(f), path, limits)
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise InvalidInput(msg("{path}: cannot be read ({error})", path=path, error=str(exc)[:200])) from None
    raise InvalidInput(msg("{path}: not UTF-8 text ({error})", path=path, error="GB18030 failed too"))


def _limited(rows, path: Path, limits: Limits) -> list[list]:
    """The rows, refused once there are more than the limit (a header and WANGGE_UPLOAD_MAX_ROWS)."""
    out = []
    for row in rows:
        out.append(row)
        if len(out) > limits.rows + 1:
            raise InvalidInput(msg("{path}: more than {limit} rows", path=path, limit=limits.rows))
    return out


def write_sheet(path: Path, kind: str, rows: list[dict]) -> None:
    """Write rows (canonical keys) with the Chinese headers, as .xlsx or .csv by the file name; the file holds
    personal data, so only its owner may read it."""
    columns = list(COLUMNS[kind])
    headers = [COLUMNS[kind][c][0] for c in columns]
    spreadsheet.write_table(path, headers, ([spreadsheet.plain(row.get(c)) for c in columns] for row in rows), kind,
                            private=True)
