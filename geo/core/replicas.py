"""Reading from streaming replicas: where a read goes, with read-your-writes, lag limits and failover.

Writes always go to the primary. A read that may go to a replica (api/deps.py `ReadSessionDep`: map
screens, tiles, heat maps, analytics, boundaries, locate) goes to the first replica, in turn, that
- answers (a replica that fails is left alone for RETRY_S seconds),
- is no more than WANGGE_REPLICA_MAX_LAG_S behind (replayed WAL against received WAL), and
- has replayed the caller's own last write (the primary's WAL position noted after their last commit);
otherwise to the primary. With no replicas configured everything reads from the primary.
"""

import itertools
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

RETRY_S = 10.0

# On a replica: is it one, has it replayed :lsn, and how far behind is replay (0 when it has replayed all it received).
# (Receipt ahead of replay is what a slow or paused replay looks like; the stream itself is watched by the primary.)
STATUS = text("""
SELECT pg_is_in_recovery() AS standby,
       (CAST(:lsn AS pg_lsn) IS NULL OR pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)) AS caught_up,
       CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8,
                          'Infinity') END AS lag_s  -- behind, with nothing replayed since it started: unknown lag
""")


@dataclass
class ReadRouter:
    """Chooses the engine for each read; remembers each caller's last write."""

    primary: Engine
    replicas: list[Engine]
    max_lag_s: float
    _written: dict = field(default_factory=dict)
    _down_until: dict = field(default_factory=dict)
    _turn: itertools.count = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def note_write(self, caller: str, session: Session) -> None:
        """After `caller` committed a write on the primary: their reads wait for a replica that has it."""
        lsn = session.execute(text("SELECT pg_current_wal_lsn()::text")).scalar()
        with self._lock:
            self._written[caller] = lsn

    def engine_for(self, caller: str | None) -> Engine:
        """A replica fit to answer `caller`, else the primary."""
        if not self.replicas:
            return self.primary
        start = next(self._turn)
        for i in range(len(self.replicas)):
            engine = self.replicas[(start + i) % len(self.replicas)]
            if self._fit(engine, self._written.get(caller)):
                return engine
        return self.primary

    def _fit(self, engine: Engine, lsn: str | None) -> bool:
        if self._down_until.get(engine, 0) > time.monotonic():
            return False
        try:
            with engine.connect() as conn:
                row = conn.execute(STATUS, {"lsn": lsn}).one()
        except (OperationalError, DBAPIError):
            self._down_until[engine] = time.monotonic() + RETRY_S
            engine.dispose()  # its pooled connections died with it
            return False
        return bool(row.standby and row.caught_up and float(row.lag_s or 0) <= self.max_lag_s)
