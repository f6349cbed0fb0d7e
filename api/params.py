"""Parameter types shared by the routers, stricter than pydantic's defaults where the schema promises more."""

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso(value):
    """Pydantic would take 0.5 for 1970-01-01T00:00:00.5: the schema says ISO 8601, so only that is accepted."""
    if isinstance(value, (int, float)) or (isinstance(value, str) and not ISO.match(value)):
        raise ValueError("use ISO 8601, e.g. 2026-12-01 or 2026-12-01T08:00:00+08:00")
    return value


def _plausible(value: date) -> date:
    """Years the service can do arithmetic around (a window of 0001-01-01 would overflow)."""
    if not 1900 <= value.year <= 2200:
        raise ValueError("dates must lie between the years 1900 and 2200")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso), AfterValidator(_plausible)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso), AfterValidator(_plausible)]


class Body(BaseModel):
    """A request body: unknown fields and NaN or infinite numbers are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
