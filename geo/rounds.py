"""The periodic round the server runs every WANGGE_TICK_SECONDS (and `wangge cases tick` on demand)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from geo.cases import official_calendar
from geo.cases.escalation import TickReport, tick
from geo.cases.partitions import ensure_ahead
from geo.core.time import china_today
from geo.field.retention import Reduced, reduce_tracks
from geo.planning.publish import apply_due
from geo.residents.notices import Noticed, send_notices


@dataclass
class Round:
    """What one round did: scheduled plans applied, deadlines watched, months of cases made ready, and the first
    coming day no official calendar covers (None when the next 60 days are covered)."""

    plans: list[dict] = field(default_factory=list)
    deadlines: TickReport = field(default_factory=TickReport)
    partitions: list[str] = field(default_factory=list)
    calendar_gap: date | None = None
    tracks: Reduced | None = None  # patrols older than WANGGE_TRACK_DAYS reduced to per-day totals
    notices: Noticed | None = None  # texts to residents whose reports moved


def run_round(session: Session, now: datetime | None = None) -> Round:
    """Apply the plans whose day has come, mark and escalate overdue cases (in the grids now in force), and make
    the coming months' partitions of cases, reduce patrol tracks older than WANGGE_TRACK_DAYS and text residents
    whose reports moved; deadlines are counted on the calendar as last loaded."""
    today = china_today(now)
    official_calendar.refresh(session)
    plans = apply_due(session, today)
    return Round(plans, tick(session, now), ensure_ahead(session, now), official_calendar.coverage_gap(session, today),
                 reduce_tracks(session, now), send_notices(session, now))
