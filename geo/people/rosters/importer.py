"""Importing roster sheets: every bad row named (row, column, reason), good rows kept, reruns idempotent.

Natural keys make reruns create nothing new: buildings by code (else by compound and name),
households by building and door, residents by ID number, staff by name and phone with their duty
and place. `dry_run` does all the work inside a savepoint and rolls it back.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto, idcard
from geo.core.crs import to_wgs84_point
from geo.core.errors import ImportRejected, InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.models import SPECIAL_GROUP_ZH, Duty, SpecialGroup
from geo.core.progress import no_track
from geo.people.rosters.sheets import COLUMNS, read_sheet

REQUIRED = {"buildings": ("name", "lon", "lat"), "households": ("building", "door"),
            "residents": ("name", "id_number", "building", "door"), "staff": ("name", "duty")}
DUTY_NAMES = {"网格长": Duty.grid_leader, "专职网格员": Duty.fulltime_worker, "兼职网格员": Duty.parttime_worker,
              "楼栋长": Duty.building_head, "社区书记": Duty.community_secretary, "社区工作人员": Duty.community_staff,
              "街道工作人员": Duty.street_staff, **{d.value: d for d in Duty}}
GROUP_NAMES = {**{zh: g for g, zh in SPECIAL_GROUP_ZH.items()}, **{g.value: g for g in SpecialGroup}}
RESIDENCE_NAMES = {"户籍": "registered", "户籍人口": "registered", "常住": "registered", "registered": "registered",
                   "流动": "floating", "流动人口": "floating", "floating": "floating"}
GENDER_NAMES = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


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


class BadRow(Exception):
    def __init__(self, column: str, value, reason: Msg):
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


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
    for column in REQUIRED[kind]:
        if row.get(column) in (None, ""):
            raise BadRow(column, None, msg("required"))
    if kind == "staff" and not (row.get("area") or row.get("building")):
        raise BadRow("area", None, msg("a grid (or other area) code, or a building for a building head, is required"))


def _building_id(session: Session, value) -> int:
    """The building a roster names by code, else by name."""
    found = session.execute(text("SELECT id FROM buildings WHERE code = :v UNION ALL "
                                 "SELECT id FROM buildings WHERE name = :v AND code IS DISTINCT FROM :v LIMIT 2"),
                            {"v": str(value)}).scalars().all()
    if not found:
        raise BadRow("building", value, msg("unknown building"))
    if len(found) > 1:
        raise BadRow("building", value, msg("several buildings have this name; use the building code"))
    return found[0]


def _upsert_outcome(existing: dict | None, new: dict) -> str:
    if existing is None:
        return "created"
    return "unchanged" if all(existing.get(k) == v for k, v in new.items()) else "updated"


def _building(session: Session, row: dict, seen: dict, number: int, crs: str | None) -> str:
    key = row.get("code") or (row.get("compound"), row.get("name"))
    if key in seen:
        raise BadRow("code" if row.get("code") else "name", row.get("code") or row["name"],
                     msg("duplicate building, also row {row}", row=seen[key]))
    seen[key] = number
    lon, lat = _point(row, crs)
    grid = session.execute(text("SELECT wangge_grid_at(ST_SetSRID(ST_MakePoint(:x, :y), 4326))"), {"x": lon, "y": lat}).scalar()
    if grid is None:
        raise BadRow("lon", row["lon"], msg("coordinates outside every grid"))
    floors = _int(row, "floors")
    new = {"code": row.get("code"), "name": row["name"], "address": row.get("address"), "compound": row.get("compound"),
           "floors": floors, "x": round(lon, 7), "y": round(lat, 7)}
    where = "code = :code" if row.get("code") else "code IS NULL AND name = :name AND compound IS NOT DISTINCT FROM :compound"
    existing = session.execute(text(f"SELECT id, code, name, address, compound, floors, round(ST_X(ST_PointOnSurface(geom))::numeric, 7)::float8 AS x, "
                                     f"round(ST_Y(ST_PointOnSurface(geom))::numeric, 7)::float8 AS y FROM buildings WHERE {where}"),
                               new).mappings().first()
    outcome = _upsert_outcome(dict(existing) if existing else None, new)
    if outcome == "created":
        session.execute(text("INSERT INTO buildings (code, name, address, compound, floors, geom) VALUES "
                             "(:code, :name, :address, :compound, :floors, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"), new)
    elif outcome == "updated":
        session.execute(text("UPDATE buildings SET name = :name, address = :address, compound = :compound, floors = :floors, "
                             "geom = ST_SetSRID(ST_MakePoint(:x, :y), 4326) WHERE id = :id"), {**new, "id": existing["id"]})
    return outcome


def _point(row: dict, crs: str | None) -> tuple[float, float]:
    try:
        lon, lat = float(row["lon"]), float(row["lat"])
    except (TypeError, ValueError):
        raise BadRow("lon", row["lon"], msg("longitude and latitude must be numbers")) from None
    try:
        return to_wgs84_point(lon, lat, crs)
    except InvalidInput as exc:
        raise BadRow("lon", row["lon"], exc.detail) from None


def _int(row: dict, column: str) -> int | None:
    value = row.get(column)
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise BadRow(column, value, msg("not a whole number")) from None


def _household(session: Session, row: dict, seen: dict, number: int, crs) -> str:
    building = _building_id(session, row["building"])
    key = (building, str(row["door"]))
    if key in seen:
        raise BadRow("door", row["door"], msg("duplicate household, also row {row}", row=seen[key]))
    seen[key] = number
    return _ensure_household(session, building, str(row["door"]))[1]


def _ensure_household(session: Session, building: int, door: str) -> tuple[int, str]:
    found = session.execute(text("SELECT id FROM households WHERE building_id = :b AND door = :d"),
                            {"b": building, "d": door}).scalar()
    if found:
        return found, "unchanged"
    return session.execute(text("INSERT INTO households (building_id, door) VALUES (:b, :d) RETURNING id"),
                           {"b": building, "d": door}).scalar(), "created"


def _resident(session: Session, row: dict, seen: dict, number: int, crs) -> str:
    id_number = str(row["id_number"]).strip().upper()
    reason = idcard.problem(id_number)
    if reason:
        raise BadRow("id_number", id_number, reason)
    if id_number in seen:
        raise BadRow("id_number", id_number, msg("duplicate person: same ID number as row {row}", row=seen[id_number]))
    seen[id_number] = number
    new = {"name": str(row["name"]), "id_number": id_number, "phone": _phone(row), "gender": _gender(row, id_number),
           "birth_date": _birth_date(row, id_number), "residence": _lookup(row, "residence", RESIDENCE_NAMES, "registered"),
           "special_groups": _groups(row)}
    household, _ = _ensure_household(session, _building_id(session, row["building"]), str(row["door"]))
    new["household_id"] = household
    sealed = new | {"id_number_enc": crypto.seal(id_number), "id_number_hmac": crypto.lookup(id_number),
                    "phone_enc": crypto.seal(new["phone"]), "phone_hmac": crypto.lookup(new["phone"])}
    existing = session.execute(text("SELECT id, household_id, name, id_number_enc, phone_enc, gender, birth_date, "
                                    "residence, special_groups FROM residents WHERE id_number_hmac = :id_number_hmac"),
                               sealed).mappings().first()
    if existing:
        existing = dict(existing) | {"id_number": crypto.reveal(existing["id_number_enc"]),
                                     "phone": crypto.reveal(existing["phone_enc"])}
    outcome = _upsert_outcome(existing, new)
    if outcome == "created":
        session.execute(text("INSERT INTO residents (household_id, name, id_number_enc, id_number_hmac, phone_enc, "
                             "phone_hmac, gender, birth_date, residence, special_groups) VALUES (:household_id, :name, "
                             ":id_number_enc, :id_number_hmac, :phone_enc, :phone_hmac, :gender, :birth_date, "
                             ":residence, :special_groups)"), sealed)
    elif outcome == "updated":
        session.execute(text("UPDATE residents SET household_id = :household_id, name = :name, phone_enc = :phone_enc, "
                             "phone_hmac = :phone_hmac, gender = :gender, birth_date = :birth_date, "
                             "residence = :residence, special_groups = :special_groups "
                             "WHERE id_number_hmac = :id_number_hmac"), sealed)
    return outcome


def _phone(row: dict) -> str | None:
    phone = row.get("phone")
    if phone in (None, ""):
        return None
    phone = re.sub(r"[\s]", "", str(phone))
    if not PHONE.match(phone):
        raise BadRow("phone", phone, msg("not a mobile (11 digits from 1) or landline (0xxx-xxxxxxx) number"))
    return phone


def _gender(row: dict, id_number: str) -> str:
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


def _birth_date(row: dict, id_number: str) -> date:
    derived = idcard.birth_date(id_number)
    given = _date(row, "birth_date")
    if given is not None and given != derived:
        raise BadRow("birth_date", row["birth_date"], msg("differs from the ID number"))
    return derived


def _lookup(row: dict, column: str, names: dict, default):
    value = row.get(column)
    if value in (None, ""):
        return default
    found = names.get(str(value).strip().lower()) or names.get(str(value).strip())
    if found is None:
        raise BadRow(column, value, msg("unknown value; one of {values}", values=", ".join(sorted(set(names)))))
    return found


def _groups(row: dict) -> list[str]:
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


def _staff(session: Session, row: dict, seen: dict, number: int, crs) -> str:
    duty = _lookup(row, "duty", DUTY_NAMES, None)
    area = str(row["area"]) if row.get("area") else None
    if area and session.execute(text("SELECT 1 FROM areas WHERE code = :c"), {"c": area}).scalar() is None:
        raise BadRow("area", area, msg("unknown grid or area code"))
    building = _building_id(session, row["building"]) if row.get("building") else None
    phone = _phone(row)
    start = _date(row, "start_date") or date.today()
    end = _date(row, "end_date")
    key = (row["name"], phone, duty, area, building)
    if key in seen:
        raise BadRow("name", row["name"], msg("duplicate person: same name, phone and duty as row {row}", row=seen[key]))
    seen[key] = number
    person = session.execute(text("SELECT id FROM staff WHERE name = :n AND phone_hmac IS NOT DISTINCT FROM :h "
                                  "ORDER BY id LIMIT 1"), {"n": row["name"], "h": crypto.lookup(phone)}).scalar()
    if person is None:
        person = session.execute(text("INSERT INTO staff (name, phone_enc, phone_hmac) VALUES (:n, :p, :h) RETURNING id"),
                                 {"n": row["name"], "p": crypto.seal(phone), "h": crypto.lookup(phone)}).scalar()
    params = {"s": person, "d": str(duty), "a": area, "b": building, "start": start, "end": end}
    existing = session.execute(text("SELECT id, start_date, end_date FROM staff_assignments WHERE staff_id = :s AND duty = :d "
                                    "AND area_code IS NOT DISTINCT FROM :a AND building_id IS NOT DISTINCT FROM :b"),
                               params).first()
    if existing is None:
        session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, building_id, start_date, end_date) "
                             "VALUES (:s, :d, :a, :b, :start, :end)"), params)
        return "created"
    if (existing.start_date, existing.end_date) == (start, end) or (row.get("start_date") is None and existing.end_date == end):
        return "unchanged"
    session.execute(text("UPDATE staff_assignments SET start_date = :start, end_date = :end WHERE id = :id"),
                    {**params, "id": existing.id})
    return "updated"


def _date(row: dict, column: str) -> date | None:
    value = row.get(column)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        raise BadRow(column, value, msg("use YYYY-MM-DD")) from None


HANDLERS: dict[str, Callable] = {"buildings": _building, "households": _household, "residents": _resident,
                                 "staff": _staff}
