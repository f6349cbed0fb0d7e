"""Care tiers (关爱等级): how often a special-group resident is due a care visit, from data/care_tiers.csv.

A resident in several groups is due at the most frequent of their tiers. An operator edits the file
(WANGGE_CARE_TIERS_FILE); a group it does not name is not on the care list.
"""

import csv
from dataclasses import dataclass
from functools import lru_cache

from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.models import SpecialGroup
from geo.core.settings import PROJECT_ROOT, get_settings

DEFAULT_FILE = PROJECT_ROOT / "data" / "care_tiers.csv"


@dataclass(frozen=True)
class CareTier:
    """One group's tier: its names and the days between care visits."""

    group: str
    tier: str
    tier_en: str
    days: int


@lru_cache
def care_tiers() -> dict[str, CareTier]:
    """Every special group's tier by group code (WANGGE_CARE_TIERS_FILE, else data/care_tiers.csv)."""
    path = get_settings().care_tiers_file or DEFAULT_FILE
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tiers = {}
    for line, row in enumerate(rows, start=2):
        group, days = row.get("group"), row.get("days", "")
        if group not in set(SpecialGroup) or not days.isdigit() or int(days) < 1:
            raise InvalidInput(msg("{path} line {line}: a special group and a number of days (1 or more) are needed",
                                   path=path.name, line=line))
        tiers[group] = CareTier(group, row["tier"], row.get("tier_en") or row["tier"], int(days))
    return tiers


def tier_of(groups: list[str]) -> CareTier | None:
    """The most frequent tier among a resident's groups; None when no group of theirs is cared for."""
    known = [care_tiers()[g] for g in groups if g in care_tiers()]
    return min(known, key=lambda t: (t.days, t.group)) if known else None


def groups_by_days() -> dict[str, int]:
    """Days between care visits by group code, for SQL that finds the due date (a VALUES list or a JSON map)."""
    return {group: tier.days for group, tier in care_tiers().items()}
