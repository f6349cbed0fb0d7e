"""The departments that handle cases (城管, 市场监管, 住建, 公安, 消防, 卫健, 人社…), from a CSV an operator edits.

A department account (role `department`) is scoped to a district and names one of these codes; categories
whose handler level is `department` name the department that leads them (data/categories.csv).
"""

import csv
from dataclasses import dataclass
from functools import lru_cache

from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.settings import PROJECT_ROOT, get_settings

DEFAULT_FILE = PROJECT_ROOT / "data" / "departments.csv"


@dataclass(frozen=True)
class Department:
    """One department: its short code (as the categories name it) and its names."""

    code: str
    name: str
    name_en: str


@lru_cache
def departments() -> dict[str, Department]:
    """Every department by code, in file order (WANGGE_DEPARTMENTS_FILE, else data/departments.csv)."""
    path = get_settings().departments_file or DEFAULT_FILE
    with open(path, encoding="utf-8") as f:
        return {r["code"]: Department(r["code"], r["name"], r["name_en"]) for r in csv.DictReader(f)}


def check_department(code: str | None) -> str:
    """The code if it names a department; InvalidInput naming the known ones otherwise."""
    if code not in departments():
        raise InvalidInput(msg("no department {code!r}; one of {codes}", code=code, codes="、".join(departments())))
    return code
