"""Reports without signing in (随手拍 without an account), followed with a 查询码 (query code).

The report is a self-report with no reporter phone and no account behind it, so it waits at intake like every
self-report and is rated by the operator who calls back, never by whoever holds the code. The code is random (12
characters of an alphabet without 0/O, 1/I/L: 59 bits), shown once; only its keyed hash is kept
(report_query_codes). Reports and look-ups are counted per address (an IPv6 address by its /64), right or wrong,
so codes cannot be guessed: at 30 tries an hour a guesser needs about 10^16 hours for one code in a million.
"""

import secrets

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto, throttle
from geo.access.actor import Actor
from geo.access.scope import NOWHERE, Scope
from geo.cases import intake
from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import Role
from geo.core.settings import get_settings
from geo.residents.reports import NewReport, shown
from geo.residents.signin import sender
from geo.residents.topics import topic

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read off a screen and typed without doubt
LENGTH = 12
# Who reports without an account: a resident's role (anywhere the service covers) without an account or an area.
ANONYMOUS = Actor("anonymous", Role.resident, Scope(Role.resident, NOWHERE))
NO_SUCH_CODE = msg("no report has this query code: check it and type it again")


def new_code() -> str:
    """A fresh code, shown in three groups of four (XXXX-XXXX-XXXX)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def _normal(code: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return "".join(c for c in (code or "").upper() if c.isascii() and c.isalnum())


def _hash(code: str) -> bytes:
    return crypto.lookup("query-code:" + _normal(code))


def _count(kind: str, address: str | None, limit: str) -> None:
    """Count one request of this kind from this address; RateLimited beyond `limit`."""
    throttle.check_request(f"{kind}:{sender(address) if address else '-'}", limit)


def submit(session: Session, report: NewReport, address: str | None) -> tuple[int, str]:
    """The new case and its query code (shown once), for a report from someone who is not signed in."""
    _count("anonymous-report", address, get_settings().anonymous_reports_per_address)
    if not (report.description or "").strip():
        raise InvalidInput(msg("description: say what is wrong"))  # nobody can be called back to ask
    new = intake.NewCase(category=topic(report.topic).category, lon=report.lon, lat=report.lat,
                         description=report.description.strip(), address=report.address, channel="self_report")
    case_id, _ = intake.create_case(session, new, ANONYMOUS)
    code = new_code()
    session.execute(text("INSERT INTO report_query_codes (case_id, code_hmac) VALUES (:id, :hash)"),
                    {"id": case_id, "hash": _hash(code)})
    return case_id, code


def lookup(session: Session, code: str, address: str | None) -> dict:
    """The resident's view of the one case this code opens (nothing to rate or reopen); NotFound otherwise."""
    _count("report-lookup", address, get_settings().report_lookups_per_address)
    if len(_normal(code)) != LENGTH:
        raise NotFound(NO_SUCH_CODE)
    case_id = session.execute(text("SELECT case_id FROM report_query_codes WHERE code_hmac = :hash"),
                              {"hash": _hash(code)}).scalar()
    if case_id is None:
        raise NotFound(NO_SUCH_CODE)
    return shown(session, case_id, [])
