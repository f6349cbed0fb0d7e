"""Reading and checking the file of a bulk case import: Arrow reads CSV or Parquet, every column is checked
whole (positions in China, ISO 8601 times, known categories, channels, statuses and ratings), and each bad
row is named by row, column and value; `refuse` turns the problems into the import's refusal.
"""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from geo.cases.categories import categories
from geo.cases.intake import CHANNELS
from geo.cases.workflow import RATINGS
from geo.core.errors import ImportRejected
from geo.core.i18n import msg
from geo.core.models import CaseStatus

REQUIRED = ("category", "lon", "lat", "reported_at")
FINISHED = (CaseStatus.closed, CaseStatus.rated)
MAX_LISTED = 20  # problems listed in the refusal; the count covers all


def read_table(path: Path) -> pa.Table:
    """The file's rows as an Arrow table (CSV or Parquet by extension), column types checked later."""
    if not path.is_file():
        raise ImportRejected(msg("{path}: no such file or folder", path=path))
    if path.suffix.lower() == ".parquet":
        try:
            return pq.read_table(path)
        except pa.ArrowInvalid as exc:
            raise ImportRejected(msg("{path}: not a readable Parquet file: {reason}", path=path, reason=str(exc))) from None
    if path.suffix.lower() != ".csv":
        raise ImportRejected(msg("{path}: unsupported format {suffix!r}; use .csv or .parquet", path=path,
                                 suffix=path.suffix))
    text_columns = {"category": pa.string(), "status": pa.string(), "channel": pa.string(), "rating": pa.string(),
                    "reported_at": pa.string(), "closed_at": pa.string()}
    try:
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=text_columns, strings_can_be_null=True))
    except pa.ArrowInvalid as exc:
        raise ImportRejected(msg("{path}: not a readable CSV file: {reason}", path=path, reason=str(exc))) from None


def prepare(path: Path, table: pa.Table) -> tuple[pa.Table, list[str]]:
    """The rows with typed columns (times in UTC, defaults filled), and every problem found, by row."""
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ImportRejected(msg("{path}: missing column(s) {columns}", path=path, columns=", ".join(missing)))
    problems: list[str] = []
    lon, lat = _numbers(table, "lon"), _numbers(table, "lat")
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (lon >= 73) & (lon <= 136) & (lat >= 3) & (lat <= 54))
    raw = {int(i): (table["lon"][int(i)].as_py(), table["lat"][int(i)].as_py()) for i in np.flatnonzero(bad)[:MAX_LISTED]}
    _flag(problems, raw, bad, "lon, lat", "not a position in China")
    reported = _times(table, "reported_at", problems, required=True)
    closed = _times(table, "closed_at", problems, required=False)
    _flag(problems, table["category"], _not_in_values(table["category"], list(categories())), "category",
          "unknown category")
    status = _text(table, "status", CaseStatus.closed.value)
    _flag(problems, status, _not_in_values(status, [s.value for s in FINISHED]), "status",
          "a past case is closed or rated")
    channel = _text(table, "channel", "hotline")
    _flag(problems, channel, _not_in_values(channel, CHANNELS), "channel", "unknown channel")
    rating = _text(table, "rating", None)
    _flag(problems, rating, _not_in_values(rating, list(RATINGS), allow_null=True), "rating", "unknown rating")
    typed = pa.table({"category": table["category"], "channel": channel, "status": status, "reported_at": reported,
                      "closed_at": pc.fill_null(closed, reported), "rating": rating, "lon": lon, "lat": lat})
    return typed, problems


def _numbers(table: pa.Table, column: str) -> np.ndarray:
    """The column as floats; what is not a number becomes NaN (and fails the position check, value shown)."""
    values = table[column]
    try:
        numbers = pc.cast(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = pa.array([_float(v) for v in values.to_pylist()], pa.float64())
    return pc.fill_null(numbers, np.nan).to_numpy(zero_copy_only=False)


def _float(value) -> float:
    """The value as a float, NaN when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _times(table: pa.Table, column: str, problems: list[str], required: bool) -> pa.Array:
    """A column of instants in UTC; text without a zone is Beijing time."""
    if column not in table.column_names:
        return pa.nulls(len(table), pa.timestamp("us", tz="UTC"))
    values = table[column].combine_chunks()
    if pa.types.is_timestamp(values.type):
        times = values if values.type.tz else pc.assume_timezone(values, "Asia/Shanghai")
    else:
        times = _parse_times(values)
    times = pc.cast(times, pa.timestamp("us", tz="UTC"))
    bad = times.is_null().to_numpy(zero_copy_only=False) & (values.is_valid().to_numpy(zero_copy_only=False) | required)
    _flag(problems, values, bad, column, "not an ISO 8601 time")
    return times


def _parse_times(values: pa.Array) -> pa.Array:
    """ISO 8601 strings to instants, per row: with an offset as given, without one in Beijing time."""
    has_zone = pc.match_substring_regex(values, r"(Z|[+-]\d\d:?\d\d)$")
    zoned = pc.strptime(pc.if_else(has_zone, values, None), "%Y-%m-%dT%H:%M:%S%z", "us", error_is_null=True)
    spaced = pc.replace_substring(pc.if_else(has_zone, None, values), " ", "T")
    naive = pc.coalesce(pc.strptime(spaced, "%Y-%m-%dT%H:%M:%S", "us", error_is_null=True),
                        pc.strptime(spaced, "%Y-%m-%dT%H:%M", "us", error_is_null=True))
    return pc.coalesce(pc.cast(zoned, pa.timestamp("us", tz="UTC")), pc.assume_timezone(naive, "Asia/Shanghai"))


def _text(table: pa.Table, column: str, default: str | None) -> pa.Array:
    """A text column, `default` where it is empty or missing."""
    if column not in table.column_names:
        return pa.array([default] * len(table), pa.string())
    values = pc.cast(table[column], pa.string())
    return pc.fill_null(values, default) if default is not None else values


def _not_in_values(values, allowed: list[str], allow_null: bool = False) -> np.ndarray:
    """Where the values lie outside `allowed` (an empty value too, unless `allow_null`)."""
    inside = pc.is_in(values, value_set=pa.array(allowed, pa.string()))
    if allow_null:
        inside = pc.or_kleene(inside, pc.is_null(values))
    return ~pc.fill_null(inside, False).to_numpy(zero_copy_only=False)


def _flag(problems: list[str], values, bad: np.ndarray, column: str, reason: str) -> None:
    """One problem per bad row, naming the row, the column and the value."""
    for i in np.flatnonzero(bad):
        value = values[int(i)] if len(problems) < MAX_LISTED else None  # only the listed ones are shown
        problems.append(msg("row {row}, column {column} ({value!r}): {reason}", row=int(i) + 1, column=column,
                            value=value.as_py() if hasattr(value, "as_py") else value, reason=msg(reason)))


def refuse(path: Path, problems: list[str]) -> None:
    """Refuse the whole file: the count of problems, the first MAX_LISTED of them listed."""
    raise ImportRejected(msg("{path}: {count} bad row(s); nothing was written", path=path, count=len(problems)),
                         problems=problems[:MAX_LISTED])
