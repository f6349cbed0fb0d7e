"""Case categories with their default handler level and deadline, from data/categories.csv (admins edit that file)."""

import csv
from dataclasses import dataclass
from functools import lru_cache

from geo.core.settings import PROJECT_ROOT

CATEGORIES_CSV = PROJECT_ROOT / "data" / "categories.csv"


@dataclass(frozen=True)
class Category:
    """One category: code, group, names, who handles it by default and how fast, and how common it is."""

    code: str
    group: str
    name_zh: str
    name_en: str
    handler_level: str          # grid, community, street or department
    department: str             # for handler_level department: 城管, 公安, 消防, 住建, 人社…
    deadline_value: int
    deadline_unit: str          # working_hours, working_days, natural_days or emergency_hours
    weight: float               # relative frequency, for the demo city
    summer: float               # seasonal factors (June–August, December–February)
    winter: float


@lru_cache
def categories() -> dict[str, Category]:
    """All categories by code, in file order."""
    with CATEGORIES_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {r["code"]: Category(r["code"], r["group"], r["name_zh"], r["name_en"], r["handler_level"],
                                r["department"] or "", int(r["deadline_value"]), r["deadline_unit"], float(r["weight"]),
                                float(r["summer"]), float(r["winter"])) for r in rows}
