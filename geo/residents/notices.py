"""A text to the resident at each step of their report they follow (派遣, 办结, 重新办理), sent by the round.

The round reads the case events written since its mark, in order; for a case a resident's account reported it
texts that account's phone once per event (resident_notices) and moves the mark. Sending after the step's own
commit keeps a failing gateway from undoing a step; when the gateway fails the round stops there and the next
one carries on from the same event, but a text the gateway refuses for good (4xx: a number that opted out) is
passed over, so one phone cannot hold up everyone's texts. A text is sent at least once: a round whose commit
fails sends again. (An event whose step commits after a later one was read is passed over: case steps are short,
the round runs minutes apart.)
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.core.errors import ClusterError
from geo.core.i18n import msg, render
from geo.residents import sms

log = logging.getLogger("wangge.sms")
BATCH = 500
TEXTS = {
    "dispatch": "Your report (no. {id}) has been sent to {to}, who will handle it.",
    "close": "Your report (no. {id}) has been dealt with. Please rate it under 我的诉求.",
    "reopen": "Your report (no. {id}) is being handled again.",
}
NEW_EVENTS = text("""
SELECT e.id, e.case_id, e.action, r.phone_enc,
       CASE WHEN c.handler_level = 'department' THEN c.department
            WHEN c.handler_level = 'grid' THEN g.name ELSE h.name END AS handled_by
FROM case_events e
JOIN cases c ON c.id = e.case_id
JOIN resident_accounts r ON r.user_id = c.created_by
LEFT JOIN areas g ON g.code = c.grid_code LEFT JOIN areas h ON h.code = c.handler_area
WHERE e.id > :mark AND e.id <= :top AND e.action = ANY(:actions)
ORDER BY e.id LIMIT :n
""")


@dataclass
class Noticed:
    """What one round texted, and whether the gateway stopped it."""

    sent: int = 0
    stopped: bool = False
    refused: int = 0  # texts the gateway will never take (passed over, not retried)


def send_notices(session: Session, now: datetime | None = None, lang: str = "zh") -> Noticed:
    """Text the residents whose reports moved since the last round; the mark is locked, so rounds take turns."""
    now = now or datetime.now(UTC)
    mark = _mark(session)
    top = session.execute(text("SELECT coalesce(max(id), 0) FROM case_events")).scalar()
    done = Noticed()
    rows = session.execute(NEW_EVENTS, {"mark": mark, "top": top, "actions": list(TEXTS), "n": BATCH}).mappings().all()
    for row in rows:
        words = msg(TEXTS[row["action"]], id=row["case_id"], to=row["handled_by"] or "—")
        try:
            sms.send(crypto.reveal(row["phone_enc"]), render(words, lang), "report_status")
        except sms.Refused:  # this phone will not take texts: the others must not wait behind it for ever
            log.warning("text on case %s refused by the gateway; passed over", row["case_id"])
            mark, done.refused = row["id"], done.refused + 1
            continue
        except ClusterError:
            done.stopped = True
            break
        session.execute(text("INSERT INTO resident_notices (event_id, case_id, sent_at) VALUES (:e, :c, :now) "
                             "ON CONFLICT DO NOTHING"), {"e": row["id"], "c": row["case_id"], "now": now})
        mark, done.sent = row["id"], done.sent + 1
    if not done.stopped and len(rows) < BATCH:
        mark = max(mark, top)
    session.execute(text("UPDATE resident_notice_marks SET event_id = :mark WHERE id = 1"), {"mark": mark})
    return done


def _mark(session: Session) -> int:
    """The last event read, locked for this round; a first round starts after the events already there."""
    session.execute(text("INSERT INTO resident_notice_marks (id, event_id) SELECT 1, coalesce(max(id), 0) "
                         "FROM case_events ON CONFLICT (id) DO NOTHING"))
    return session.execute(text("SELECT event_id FROM resident_notice_marks WHERE id = 1 FOR UPDATE")).scalar()
