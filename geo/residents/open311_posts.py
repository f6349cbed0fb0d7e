"""Requests posted by Open311 clients: checked field by field (a refusal names the field, as GeoReport clients
show it), then made into a self-report through intake, so it waits for an operator like every self-report."""

import math
import re

from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.cases import intake
from geo.cases.categories import categories
from geo.core.errors import InvalidInput
from geo.core.i18n import msg

PHONE = re.compile(r"[0-9+\-() ]{5,20}")
LIMITS = {"description": 2000, "address_string": 200, "name": 100}


def _refuse(field: str, reason) -> None:
    """InvalidInput naming the field."""
    raise InvalidInput(msg("{where}: {reason}", where=field, reason=reason), extra={"field": field})


def _number(field: str, value: str | None) -> float:
    """A finite coordinate."""
    try:
        number = float((value or "").strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        _refuse(field, msg("must be a number"))
    return number


def _text(field: str, value: str | None, *, required: bool = False) -> str | None:
    """Trimmed text within its limit; None when empty (refused when required)."""
    value = (value or "").strip() or None
    if value is None and required:
        _refuse(field, msg("must not be empty"))
    if value is not None and len(value) > LIMITS[field]:
        _refuse(field, msg("must have at most {max_length} characters", max_length=LIMITS[field]))
    return value


def new_case(service_code: str | None, lat: str | None, long: str | None, description: str | None,
             address: str | None, *, name: str | None, phone: str | None) -> intake.NewCase:
    """The self-report a GeoReport post asks for; InvalidInput naming the first field that is wrong."""
    if not service_code or service_code not in categories():
        _refuse("service_code", msg("no service {code}", code=service_code or "—"))
    if phone and not PHONE.fullmatch(phone.strip()):
        _refuse("phone", msg("is not in the expected form"))
    return intake.NewCase(category=service_code, lat=_number("lat", lat), lon=_number("long", long),
                          description=_text("description", description, required=True),
                          address=_text("address_string", address), channel="self_report",
                          reporter_name=_text("name", name), reporter_phone=(phone or "").strip() or None)


def create(session: Session, new: intake.NewCase, actor: Actor) -> int:
    """The new case's id; a point the service does not cover is refused naming lat and long."""
    try:
        case_id, _ = intake.create_case(session, new, actor)
    except InvalidInput as exc:
        if "distance_m" not in exc.extra:
            raise
        # not the nearest grid's code and name (intake's words for staff): a client needs to know only that it is out
        _refuse("lat, long", msg("this place is outside the area the service covers"))
    return case_id
