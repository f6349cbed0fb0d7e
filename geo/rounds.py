"""The periodic round the server runs every WANGGE_TICK_SECONDS (and `wangge cases tick` on demand)."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from geo.cases.escalation import TickReport, tick
from geo.cases.partitions import ensure_ahead
from geo.core.time import china_today
from geo.planning.publish import apply_due


@dataclass
class Round:
    """What one round did: scheduled plans applied, deadlines watched, months of cases made ready."""

    plans: list[dict] = field(default_factory=list)
    deadlines: TickReport = field(default_factory=TickReport)
    partitions: list[str] = field(default_factory=list)


def run_round(session: Session, now: datetime | None = None) -> Round:
    """Apply the plans whose day has come, mark and escalate overdue cases (in the grids now in force), and make
    the coming months' partitions of cases."""
    plans = apply_due(session, china_today(now))
    return Round(plans, tick(session, now), ensure_ahead(session, now))
