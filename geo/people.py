"""Staff and their assignments; every read goes through geo.scope."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from geo.models import Building, Duty, Staff, StaffAssignment
from geo.scope import Scope, visible

# The order in which staff are listed: who answers for a grid first.
DUTY_RANK = {duty: rank for rank, duty in enumerate(Duty)}


@dataclass
class StaffOnDuty:
    """A staff member in one assignment."""

    staff_id: int
    name: str
    phone: str | None
    duty: str
    area_code: str | None
    building_id: int | None
    start_date: date
    end_date: date | None


def _active_on(day: date):
    return (StaffAssignment.start_date <= day) & or_(StaffAssignment.end_date.is_(None), StaffAssignment.end_date >= day)


def staff_on_duty(session: Session, scope: Scope, *, area_code: str | None = None, day: date | None = None,
                  limit: int = 500, offset: int = 0) -> list[StaffOnDuty]:
    """Staff assignments in force on `day` (today by default) that `scope` may see, optionally for one area."""
    day = day or date.today()
    where_code = func.coalesce(StaffAssignment.area_code, Building.grid_code)
    query = (
        select(Staff.id, Staff.name, Staff.phone, StaffAssignment.duty, StaffAssignment.area_code,
               StaffAssignment.building_id, StaffAssignment.start_date, StaffAssignment.end_date)
        .join(StaffAssignment, StaffAssignment.staff_id == Staff.id)
        .outerjoin(Building, Building.id == StaffAssignment.building_id)
        .where(_active_on(day), visible(scope, where_code))
        .order_by(where_code, case(DUTY_RANK, value=StaffAssignment.duty), Staff.id)
        .limit(limit).offset(offset)
    )
    if area_code is not None:
        query = query.where(where_code == area_code)
    return [StaffOnDuty(*row) for row in session.execute(query)]
