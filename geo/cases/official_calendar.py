"""China's official calendar of working days: chinese-calendar's data, overridden by the notices an operator loads.

The State Council publishes each year's holidays and make-up workdays (调休) in November or December. The package
carries only the years it was released for, so `wangge calendar import` loads a notice into `calendar_days`
(migration 0012), and its days win over the package's. A year is covered when the package knows it or a notice
for it was loaded; for any other year Monday–Friday stands in, and `coverage_gap` says so ahead of time.

Deadlines are counted in memory, many times per request: the loaded days are kept per process and reloaded when
their `data_versions` entry moves (`refresh`, run at start-up, by every round and after an import).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from threading import Lock

import chinese_calendar
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import ImportRejected, InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.versions import data_versions

MAX_ROWS = 2000  # a notice names a few dozen days; anything far larger is the wrong file
HORIZON_DAYS = 60
KINDS = {"holiday": "holiday", "休": "holiday", "假": "holiday", "放假": "holiday", "休息": "holiday",
         "workday": "workday", "班": "workday", "上班": "workday", "补班": "workday"}
HEADERS = {"date": "date", "日期": "date", "kind": "kind", "类型": "kind", "name": "name", "名称": "name"}


@dataclass(frozen=True)
class NoticeDay:
    """One day a notice names: a holiday, or a weekend day worked instead."""

    day: date
    kind: str
    name: str


@dataclass
class Loaded:
    """The loaded days this process counts deadlines with, and the version they were read at."""

    version: int | None = None
    days: dict[date, NoticeDay] = field(default_factory=dict)
    years: frozenset[int] = frozenset()


_loaded = Loaded()
_lock = Lock()


def package_years() -> range:
    """The years chinese-calendar has data for."""
    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def refresh(session: Session) -> None:
    """Reload the loaded days when another transaction changed them (cheap when nothing changed)."""
    versions = data_versions(session)
    if versions.clean and versions.calendar == _loaded.version:
        return
    rows = session.execute(text("SELECT day, kind, name FROM calendar_days")).all()
    days = {row.day: NoticeDay(row.day, row.kind, row.name) for row in rows}
    # A transaction that wrote may yet roll back, and its version number be reused by another's commit: what it
    # sees is kept, but not remembered as that version.
    _keep(days, versions.calendar if versions.clean else None)


def forget() -> None:
    """Drop the loaded days (tests, whose transactions roll back)."""
    _keep({}, None)


def _keep(days: dict[date, NoticeDay], version: int | None) -> None:
    with _lock:
        _loaded.days, _loaded.years, _loaded.version = days, frozenset(d.year for d in days), version
        is_workday.cache_clear()


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    """Whether `day` is a working day in China: a loaded notice first, then the package, then Monday–Friday."""
    loaded = _loaded.days.get(day)
    if loaded is not None:
        return loaded.kind == "workday"
    if day.year in _loaded.years:  # a loaded year is the whole notice: other days are ordinary
        return day.weekday() < 5
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year nobody has data for yet: coverage_gap warns ahead
        return day.weekday() < 5


def covered_years(session: Session) -> set[int]:
    """The years whose holidays are known: the package's and those of every loaded notice."""
    loaded = session.execute(text("SELECT DISTINCT extract(year FROM day)::int FROM calendar_days")).scalars()
    return set(package_years()) | set(loaded)


def coverage_gap(session: Session, today: date, horizon: int = HORIZON_DAYS) -> date | None:
    """The first day of the coming `horizon` days whose year has no official calendar, or None."""
    known = covered_years(session)
    for year in range(today.year, (today + timedelta(days=horizon)).year + 1):
        if year not in known:
            return max(today, date(year, 1, 1))
    return None


def gap_warning(gap: date, *, for_operator: bool = True) -> Msg:
    """What the health check, the server's log and the round say about a missing calendar (with the command that
    loads it); `for_operator=False` is the command center's words, for people who do not run commands."""
    if not for_operator:
        return msg("no official holiday calendar covers {day} onwards: deadlines count Monday to Friday until an "
                   "administrator loads the State Council's holiday notice", day=gap.isoformat())
    return msg("no official holiday calendar covers {day} onwards: deadlines count Monday to Friday; load the "
               "State Council's notice with `wangge calendar import FILE`", day=gap.isoformat())


def read_notice(path: Path) -> list[NoticeDay]:
    """The days of a notice CSV (`date,kind,name`), or ImportRejected naming every bad row."""
    rows = _csv_rows(path)
    days, problems, seen = [], [], {}
    for number, row in enumerate(rows, start=2):
        found = _notice_day(row, number, problems)
        if found is None:
            continue
        if found.day in seen:
            problems.append(msg("row {row}: {day} is also on row {first}", row=number, day=found.day.isoformat(),
                                first=seen[found.day]))
            continue
        seen[found.day] = number
        days.append(found)
    if problems:
        raise ImportRejected(msg("{path}: {count} bad row(s); nothing was loaded", path=path.name, count=len(problems)),
                             problems=problems)
    if not days:
        raise InvalidInput(msg("{path}: no days in the file", path=path.name))
    return days


def _csv_rows(path: Path) -> list[dict]:
    """The CSV's rows by our column names (UTF-8 or GB18030, Chinese or English headers)."""
    if not path.is_file():
        raise InvalidInput(msg("{path}: no such file or folder", path=path))
    raw = path.read_bytes()[: 1 << 20]
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("gb18030", errors="replace")
    reader = csv.reader(io.StringIO(content))
    header = [HEADERS.get(h.strip().lower(), h.strip()) for h in next(reader, [])]
    if not {"date", "kind"} <= set(header):
        raise InvalidInput(msg("{path}: the header must name the columns date,kind,name (日期,类型,名称)", path=path.name))
    rows = [dict(zip(header, values)) for values in reader if any(v.strip() for v in values)]
    if len(rows) > MAX_ROWS:
        raise InvalidInput(msg("{path}: more than {limit} rows; a notice names a few dozen days", path=path.name,
                               limit=MAX_ROWS))
    return rows


def _notice_day(row: dict, number: int, problems: list[Msg]) -> NoticeDay | None:
    """One row as a NoticeDay, or None with its problem recorded."""
    value, kind = (row.get("date") or "").strip(), KINDS.get((row.get("kind") or "").strip().lower())
    try:
        day = date.fromisoformat(value)
    except ValueError:
        problems.append(msg("row {row}: {value!r} is not a day (YYYY-MM-DD)", row=number, value=value))
        return None
    if kind is None:
        problems.append(msg("row {row}: kind {value!r}: use holiday or workday (休 or 班)", row=number,
                            value=(row.get("kind") or "").strip()))
        return None
    return NoticeDay(day, kind, (row.get("name") or "").strip()[:40])


def load_notice(session: Session, days: list[NoticeDay]) -> dict[int, int]:
    """Replace the loaded days of each year the notice covers with its days; returns days loaded per year."""
    years = sorted({d.day.year for d in days})
    session.execute(text("DELETE FROM calendar_days WHERE extract(year FROM day)::int = ANY(:years)"), {"years": years})
    session.execute(text("INSERT INTO calendar_days (day, kind, name) VALUES (:day, :kind, :name)"),
                    [{"day": d.day, "kind": d.kind, "name": d.name} for d in days])
    refresh(session)
    return {year: sum(d.day.year == year for d in days) for year in years}


def year_days(session: Session, year: int) -> list[tuple[NoticeDay, str]]:
    """The year's holidays and make-up workdays, each with where it comes from ("notice" or "package")."""
    rows = session.execute(text("SELECT day, kind, name FROM calendar_days WHERE extract(year FROM day)::int = :year "
                                "ORDER BY day"), {"year": year}).all()
    if rows:
        return [(NoticeDay(r.day, r.kind, r.name), "notice") for r in rows]
    package = [(NoticeDay(d, "holiday", n), "package") for d, n in chinese_calendar.holidays.items() if d.year == year]
    package += [(NoticeDay(d, "workday", n), "package") for d, n in chinese_calendar.workdays.items()
                if d.year == year and d.weekday() >= 5]
    return sorted(package, key=lambda pair: pair[0].day)
