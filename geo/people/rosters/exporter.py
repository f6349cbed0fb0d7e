"""Exporting rosters in the same sheets the import reads; ID numbers and phones masked unless an admin unmasks."""

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.privacy import mask_id_number, mask_phone
from geo.access.scope import EVERYTHING, Scope, like_pattern
from geo.core.models import SPECIAL_GROUP_ZH, Duty
from geo.people.rosters.cells import DUTY_NAMES
from geo.people.rosters.sheets import write_sheet

QUERIES = {
    "buildings": """
        SELECT b.code, b.name, b.address, b.compound, b.floors, ST_X(ST_PointOnSurface(b.geom)) AS lon,
               ST_Y(ST_PointOnSurface(b.geom)) AS lat, b.grid_code AS grid
        FROM buildings b WHERE b.grid_code LIKE :pattern ORDER BY b.grid_code, b.code, b.id""",
    "households": """
        SELECT coalesce(b.code, b.name) AS building, h.door, b.grid_code AS grid
        FROM households h JOIN buildings b ON b.id = h.building_id
        WHERE b.grid_code LIKE :pattern ORDER BY b.grid_code, b.code, h.door""",
    "residents": """
        SELECT r.name, r.id_number_enc AS id_number, r.phone_enc AS phone, r.gender, r.birth_date, coalesce(b.code, b.name) AS building, h.door,
               r.residence, r.special_groups, b.grid_code AS grid
        FROM residents r JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id
        WHERE b.grid_code LIKE :pattern ORDER BY b.grid_code, b.code, h.door, r.id""",
    "staff": """
        SELECT s.name, s.phone_enc AS phone, a.duty, a.area_code AS area, b.code AS building, a.start_date, a.end_date
        FROM staff s JOIN staff_assignments a ON a.staff_id = s.id LEFT JOIN buildings b ON b.id = a.building_id
        WHERE coalesce(a.area_code, b.grid_code) LIKE :pattern ORDER BY coalesce(a.area_code, b.grid_code), a.duty, s.id""",
}
DUTY_ZH = {duty: zh for zh, duty in DUTY_NAMES.items() if zh != duty.value}
RESIDENCE_ZH = {"registered": "户籍", "floating": "流动"}
GENDER_ZH = {"M": "男", "F": "女"}


def roster_rows(session: Session, kind: str, scope: Scope = EVERYTHING, *, unmasked: bool = False) -> list[dict]:
    """The rows of a roster within `scope`, in Chinese terms, masked unless `unmasked`."""
    rows = [dict(r) for r in session.execute(text(QUERIES[kind]), {"pattern": like_pattern(scope)}).mappings()]
    for row in rows:
        _localise(row)
        for key in ("id_number", "phone"):
            if key in row:
                row[key] = crypto.reveal(row[key])
        if not unmasked:
            row["id_number"] = mask_id_number(row.get("id_number"))
            row["phone"] = mask_phone(row.get("phone"))
    return rows


def _localise(row: dict) -> None:
    """Duty, residence, gender and special groups in the Chinese words the import reads."""
    if "duty" in row:
        row["duty"] = DUTY_ZH.get(Duty(row["duty"]), row["duty"])
    if "residence" in row:
        row["residence"] = RESIDENCE_ZH.get(row["residence"], row["residence"])
    if "gender" in row:
        row["gender"] = GENDER_ZH.get(row["gender"], row["gender"])
    if "special_groups" in row:
        row["special_groups"] = [SPECIAL_GROUP_ZH.get(g, g) for g in row["special_groups"] or []]


def export_roster(session: Session, kind: str, path: Path, scope: Scope = EVERYTHING, *, unmasked: bool = False) -> int:
    """Write a roster file (.xlsx or .csv); returns the number of rows."""
    rows = roster_rows(session, kind, scope, unmasked=unmasked)
    write_sheet(path, kind, rows)
    return len(rows)
