"""Reading the cells of a roster row: each value checked and turned into what the database stores (a point in
WGS84, a whole number, a phone, a gender and birth date that agree with the ID number, a duty, residence or
special group by its Chinese or English name, a date), or a `BadRow` naming the column, the value and why.
"""

import re
from datetime import date

from geo.access import idcard
from geo.core.crs import to_wgs84_point
from geo.core.errors import InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.models import SPECIAL_GROUP_ZH, Duty, SpecialGroup

DUTY_NAMES = {"网格长": Duty.grid_leader, "专职网格员": Duty.fulltime_worker, "兼职网格员": Duty.parttime_worker,
              "楼栋长": Duty.building_head, "社区书记": Duty.community_secretary, "社区工作人员": Duty.community_staff,
              "街道工作人员": Duty.street_staff, **{d.value: d for d in Duty}}
GROUP_NAMES = {**{zh: g for g, zh in SPECIAL_GROUP_ZH.items()}, **{g.value: g for g in SpecialGroup}}
RESIDENCE_NAMES = {"户籍": "registered", "户籍人口": "registered", "常住": "registered", "registered": "registered",
                   "流动": "floating", "流动人口": "floating", "floating": "floating"}
GENDER_NAMES = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class BadRow(Exception):
    """A row refused: the column, the value and why."""

    def __init__(self, column: str, value, reason: Msg):
        """Remember what was wrong, and where."""
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def point(row: dict, crs: str | None) -> tuple[float, float]:
    """The row's lon and lat in WGS84, converted from `crs`."""
    try:
        lon, lat = float(row["lon"]), float(row["lat"])
    except (TypeError, ValueError):
        raise BadRow("lon", row["lon"], msg("longitude and latitude must be numbers")) from None
    try:
        return to_wgs84_point(lon, lat, crs)
    except InvalidInput as exc:
        raise BadRow("lon", row["lon"], exc.detail) from None


def whole_number(row: dict, column: str) -> int | None:
    """The column as an integer; None when empty."""
    value = row.get(column)
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise BadRow(column, value, msg("not a whole number")) from None


def phone(row: dict) -> str | None:
    """The phone without spaces, a mobile or landline number; None when empty."""
    phone = row.get("phone")
    if phone in (None, ""):
        return None
    phone = re.sub(r"[\s]", "", str(phone))
    if not PHONE.match(phone):
        raise BadRow("phone", phone, msg("not a mobile (11 digits from 1) or landline (0xxx-xxxxxxx) number"))
    return phone


def gender(row: dict, id_number: str) -> str:
    """M or F: given as 男/女 or M/F it must agree with the ID number, which gives it otherwise."""
    derived = idcard.gender(id_number)
    given = row.get("gender")
    if given in (None, ""):
        return derived
    gender = GENDER_NAMES.get(str(given).strip().lower())
    if gender is None:
        raise BadRow("gender", given, msg("use 男/女 or M/F"))
    if gender != derived:
        raise BadRow("gender", given, msg("differs from the ID number"))
    return gender


def birth_date(row: dict, id_number: str) -> date:
    """The birth date of the ID number; one given must agree with it."""
    derived = idcard.birth_date(id_number)
    given = day(row, "birth_date")
    if given is not None and given != derived:
        raise BadRow("birth_date", row["birth_date"], msg("differs from the ID number"))
    return derived


def lookup(row: dict, column: str, names: dict, default):
    """The value looked up in `names` (Chinese or English, any case); `default` when empty."""
    value = row.get(column)
    if value in (None, ""):
        return default
    found = names.get(str(value).strip().lower()) or names.get(str(value).strip())
    if found is None:
        raise BadRow(column, value, msg("unknown value; one of {values}", values=", ".join(sorted(set(names)))))
    return found


def special_groups(row: dict) -> list[str]:
    """The special groups named in the cell (any separator), sorted without repeats."""
    value = row.get("special_groups")
    if value in (None, ""):
        return []
    groups = []
    for part in re.split(r"[,，、;；/\s]+", str(value).strip()):
        if part:
            group = GROUP_NAMES.get(part)
            if group is None:
                raise BadRow("special_groups", part, msg("unknown special group; one of {values}",
                                                          values="、".join(SPECIAL_GROUP_ZH.values())))
            groups.append(group.value)
    return sorted(set(groups))


def day(row: dict, column: str) -> date | None:
    """A date (YYYY-MM-DD, or with / or .); None when empty."""
    value = row.get(column)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        raise BadRow(column, value, msg("use YYYY-MM-DD")) from None
