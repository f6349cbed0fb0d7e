"""Writing one roster row of each kind by its natural key, so a rerun creates nothing new: buildings by code
(else by compound and name), households by building and door, residents by ID number, staff by name and phone
with their duty and place. Each writer answers created, updated or unchanged, or raises `BadRow`.
"""

from collections.abc import Callable
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto, idcard
from geo.core.i18n import msg
from geo.people.rosters import cells
from geo.people.rosters.cells import BadRow


def _building_id(session: Session, value) -> int:
    """The building a roster names by code, else by name."""
    found = session.execute(text("SELECT id FROM buildings WHERE code = :building UNION ALL "
                                 "SELECT id FROM buildings WHERE name = :building AND code IS DISTINCT FROM :building "
                                 "LIMIT 2"), {"building": str(value)}).scalars().all()
    if not found:
        raise BadRow("building", value, msg("unknown building"))
    if len(found) > 1:
        raise BadRow("building", value, msg("several buildings have this name; use the building code"))
    return found[0]


def _upsert_outcome(existing: dict | None, new: dict) -> str:
    """created when nothing exists yet, unchanged when every new value equals the stored one, else updated."""
    if existing is None:
        return "created"
    return "unchanged" if all(existing.get(k) == v for k, v in new.items()) else "updated"


def _building(session: Session, row: dict, seen: dict, number: int, crs: str | None) -> str:
    """Create or update the building the row names (by code, else compound and name); it must lie in a grid."""
    key = row.get("code") or (row.get("compound"), row.get("name"))
    if key in seen:
        raise BadRow("code" if row.get("code") else "name", row.get("code") or row["name"],
                     msg("duplicate building, also row {row}", row=seen[key]))
    seen[key] = number
    lon, lat = cells.point(row, crs)
    grid = session.execute(text("SELECT wangge_grid_at(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"),
                           {"lon": lon, "lat": lat}).scalar()
    if grid is None:
        raise BadRow("lon", row["lon"], msg("coordinates outside every grid"))
    floors = cells.whole_number(row, "floors")
    new = {"code": row.get("code"), "name": row["name"], "address": row.get("address"), "compound": row.get("compound"),
           "floors": floors, "lon": round(lon, 7), "lat": round(lat, 7)}
    where = "code = :code" if row.get("code") else "code IS NULL AND name = :name AND compound IS NOT DISTINCT FROM :compound"
    existing = session.execute(text(f"SELECT id, code, name, address, compound, floors, round(ST_X(ST_PointOnSurface(geom))::numeric, 7)::float8 AS lon, "
                                     f"round(ST_Y(ST_PointOnSurface(geom))::numeric, 7)::float8 AS lat FROM buildings WHERE {where}"),
                               new).mappings().first()
    outcome = _upsert_outcome(dict(existing) if existing else None, new)
    if outcome == "created":
        session.execute(text("INSERT INTO buildings (code, name, address, compound, floors, geom) VALUES "
                             "(:code, :name, :address, :compound, :floors, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"), new)
    elif outcome == "updated":
        session.execute(text("UPDATE buildings SET name = :name, address = :address, compound = :compound, floors = :floors, "
                             "geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) WHERE id = :id"), {**new, "id": existing["id"]})
    return outcome


def _household(session: Session, row: dict, seen: dict, number: int, crs) -> str:
    """Create the household of the row's building and door unless it exists."""
    building = _building_id(session, row["building"])
    key = (building, str(row["door"]))
    if key in seen:
        raise BadRow("door", row["door"], msg("duplicate household, also row {row}", row=seen[key]))
    seen[key] = number
    return _ensure_household(session, building, str(row["door"]))[1]


def _ensure_household(session: Session, building: int, door: str) -> tuple[int, str]:
    """The household of the building and door, created when missing, and whether it was."""
    found = session.execute(text("SELECT id FROM households WHERE building_id = :building_id AND door = :door"),
                            {"building_id": building, "door": door}).scalar()
    if found:
        return found, "unchanged"
    return session.execute(text("INSERT INTO households (building_id, door) VALUES (:building_id, :door) RETURNING id"),
                           {"building_id": building, "door": door}).scalar(), "created"


def _resident(session: Session, row: dict, seen: dict, number: int, crs) -> str:
    """Create or update the resident of the row's ID number (sealed), in the household of its building and door."""
    id_number = str(row["id_number"]).strip().upper()
    reason = idcard.problem(id_number)
    if reason:
        raise BadRow("id_number", id_number, reason)
    if id_number in seen:
        raise BadRow("id_number", id_number, msg("duplicate person: same ID number as row {row}", row=seen[id_number]))
    seen[id_number] = number
    new = {"name": str(row["name"]), "id_number": id_number, "phone": cells.phone(row),
           "gender": cells.gender(row, id_number), "birth_date": cells.birth_date(row, id_number),
           "residence": cells.lookup(row, "residence", cells.RESIDENCE_NAMES, "registered"),
           "special_groups": cells.special_groups(row)}
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


def _staff(session: Session, row: dict, seen: dict, number: int, crs) -> str:
    """The staff member by name and phone (created when missing), on duty in the area or building from the start date."""
    duty = cells.lookup(row, "duty", cells.DUTY_NAMES, None)
    area = str(row["area"]) if row.get("area") else None
    if area and session.execute(text("SELECT 1 FROM areas WHERE code = :area_code"),
                                {"area_code": area}).scalar() is None:
        raise BadRow("area", area, msg("unknown grid or area code"))
    building = _building_id(session, row["building"]) if row.get("building") else None
    phone = cells.phone(row)
    start = cells.day(row, "start_date") or date.today()
    end = cells.day(row, "end_date")
    key = (row["name"], phone, duty, area, building)
    if key in seen:
        raise BadRow("name", row["name"], msg("duplicate person: same name, phone and duty as row {row}", row=seen[key]))
    seen[key] = number
    person = session.execute(text("SELECT id FROM staff WHERE name = :name "
                                  "AND phone_hmac IS NOT DISTINCT FROM :phone_hmac ORDER BY id LIMIT 1"),
                             {"name": row["name"], "phone_hmac": crypto.lookup(phone)}).scalar()
    if person is None:
        person = session.execute(text("INSERT INTO staff (name, phone_enc, phone_hmac) "
                                      "VALUES (:name, :phone_enc, :phone_hmac) RETURNING id"),
                                 {"name": row["name"], "phone_enc": crypto.seal(phone),
                                  "phone_hmac": crypto.lookup(phone)}).scalar()
    params = {"staff_id": person, "duty": str(duty), "area_code": area, "building_id": building, "start": start,
              "end": end}
    existing = session.execute(text("SELECT id, start_date, end_date FROM staff_assignments "
                                    "WHERE staff_id = :staff_id AND duty = :duty "
                                    "AND area_code IS NOT DISTINCT FROM :area_code "
                                    "AND building_id IS NOT DISTINCT FROM :building_id"), params).first()
    if existing is None:
        session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, building_id, start_date, end_date) "
                             "VALUES (:staff_id, :duty, :area_code, :building_id, :start, :end)"), params)
        return "created"
    if (existing.start_date, existing.end_date) == (start, end) or (row.get("start_date") is None and existing.end_date == end):
        return "unchanged"
    session.execute(text("UPDATE staff_assignments SET start_date = :start, end_date = :end WHERE id = :id"),
                    {**params, "id": existing.id})
    return "updated"


HANDLERS: dict[str, Callable] = {"buildings": _building, "households": _household, "residents": _resident,
                                 "staff": _staff}
