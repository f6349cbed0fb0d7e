"""Residents sign in by phone: a 6-digit code is texted (geo.residents.sms) and exchanged for a resident account.

A code lives WANGGE_RESIDENT_CODE_MINUTES and allows WANGGE_RESIDENT_CODE_TRIES wrong guesses; a new code replaces
the last. Sending is limited per phone (a gap, and a number an hour) and per address, counted in the database so
that every server process and a restart agree. Only keyed hashes of phones, codes and addresses are kept. A phone on
file for a registered resident (the register's lookup hash) links the account to that resident's household.
"""

import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.privacy import mask_phone
from geo.core.errors import AuthenticationFailed, InvalidInput, RateLimited, WanggeError
from geo.core.i18n import DEFAULT_LANG, Lang, msg, render
from geo.core.models import Role, User
from geo.core.settings import get_settings
from geo.residents import sms

MOBILE = re.compile(r"1[3-9]\d{9}")
WRONG_CODE = msg("the code is wrong or has expired; ask for a new one")


@dataclass(frozen=True)
class Sent:
    """A code on its way: when it expires, and how soon another may be asked for."""

    expires_at: datetime
    retry_after_s: int


def mobile(phone: str) -> str:
    """The 11 digits of a mainland mobile number given with spaces, dashes or +86; InvalidInput otherwise."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    digits = digits.removeprefix("+86").removeprefix("0086")
    if not MOBILE.fullmatch(digits):
        raise InvalidInput(msg("phone {phone}: not a mainland mobile number (11 digits from 1)",
                               phone=mask_phone(digits) or "—"))
    return digits


def send_code(session: Session, phone: str, address: str | None, now: datetime | None = None,
              lang: Lang = DEFAULT_LANG) -> Sent:
    """Text a new code to `phone` in `lang` (the last unused one is spent); RateLimited beyond the limits."""
    now = now or datetime.now(UTC)
    phone = mobile(phone)
    settings = get_settings()
    phone_hash, address_hash = crypto.lookup(phone), crypto.lookup(sender(address)) if address else None
    _take_turn(session, phone_hash, address_hash)
    _check_limits(session, phone_hash, address_hash, now)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    expires = now + timedelta(minutes=settings.resident_code_minutes)
    with session.begin_nested():  # a text the gateway refused leaves no code, whoever catches the error
        session.execute(text("UPDATE resident_codes SET used_at = :now WHERE phone_hmac = :phone AND used_at IS NULL"),
                        {"now": now, "phone": phone_hash})
        session.execute(text("INSERT INTO resident_codes (phone_hmac, code_hmac, address_hmac, sent_at, expires_at) "
                             "VALUES (:phone, :code, :address, :now, :expires)"),
                        {"phone": phone_hash, "code": _code_hash(phone, code), "address": address_hash, "now": now,
                         "expires": expires})
        text_zh = render(msg("Your wangge sign-in code is {code}, valid for {minutes} minutes. Do not tell anyone.",
                             code=code, minutes=settings.resident_code_minutes), lang)
        sms.send(phone, text_zh, "sign_in_code")
    return Sent(expires, settings.resident_code_gap_seconds)


def redeem(session: Session, phone: str, code: str, now: datetime | None = None) -> User | WanggeError:
    """The resident account for a right code (made on first sign-in), or the refusal to answer with.

    A wrong code is returned, not raised: the try it spent must be committed before the refusal is sent (a raise
    would roll it back, and the guesses would be free)."""
    now = now or datetime.now(UTC)
    phone = mobile(phone)
    row = session.execute(text(
        "UPDATE resident_codes SET tries = tries + 1 WHERE id = (SELECT id FROM resident_codes WHERE phone_hmac = "
        ":phone AND used_at IS NULL AND expires_at > :now ORDER BY sent_at DESC LIMIT 1 FOR UPDATE) "
        "RETURNING id, code_hmac, tries"), {"phone": crypto.lookup(phone), "now": now}).first()
    if row is None:
        return AuthenticationFailed(WRONG_CODE)
    tries = get_settings().resident_code_tries
    if row.tries > tries:
        session.execute(text("UPDATE resident_codes SET used_at = :now WHERE id = :id"), {"now": now, "id": row.id})
        return RateLimited(msg("{tries} wrong codes: this code is spent; ask for a new one", tries=tries),
                           extra={"retry_after": 1})
    if not (code.isascii() and hmac.compare_digest(bytes(row.code_hmac), _code_hash(phone, code.strip()))):
        return AuthenticationFailed(WRONG_CODE)
    session.execute(text("UPDATE resident_codes SET used_at = :now WHERE id = :id"), {"now": now, "id": row.id})
    return account(session, phone)


def account(session: Session, phone: str) -> User:
    """The resident account of this phone, made (and linked to the register's household) on first use."""
    phone_hash = crypto.lookup(phone)
    user_id = session.execute(text("SELECT user_id FROM resident_accounts WHERE phone_hmac = :phone"),
                              {"phone": phone_hash}).scalar()
    if user_id is None:
        user_id = new_account(session, phone, phone_hash)
    user = session.get(User, user_id)
    # a staff account that happens to bear the derived name is never handed to whoever holds the phone
    if user is None or not user.active or user.role != Role.resident:
        raise AuthenticationFailed(WRONG_CODE)
    return user


def new_account(session: Session, phone: str, phone_hash: bytes) -> int:
    """A resident user for this phone; the username is derived from the hash, so it names no phone."""
    on_file = session.execute(text("SELECT id, household_id FROM residents WHERE phone_hmac = :phone ORDER BY id "
                                   "LIMIT 1"), {"phone": phone_hash}).first()
    user_id = session.execute(text(
        "INSERT INTO users (username, password_hash, role, display_name) VALUES (:name, '!', :role, :shown) "
        "ON CONFLICT (username) DO NOTHING RETURNING id"),
        {"name": "resident-" + phone_hash.hex()[:20], "role": Role.resident.value,
         "shown": mask_phone(phone)}).scalar()
    if user_id is None:  # a concurrent first sign-in of the same phone made it
        return session.execute(text("SELECT id FROM users WHERE username = :name"),
                               {"name": "resident-" + phone_hash.hex()[:20]}).scalar()
    session.execute(text("INSERT INTO resident_accounts (user_id, phone_enc, phone_hmac, resident_id, household_id) "
                         "VALUES (:user, :enc, :phone, :resident, :household)"),
                    {"user": user_id, "enc": crypto.seal(phone), "phone": phone_hash,
                     "resident": on_file.id if on_file else None, "household": on_file.household_id if on_file else None})
    return user_id


def sender(address: str) -> str:
    """Who asks, as the address limit counts them: an IPv6 address by its /64, the block one subscriber line gets
    (else a phone could ask from a new address of its own block every time), an IPv4 one (or mapped) as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _take_turn(session: Session, phone_hash: bytes, address_hash: bytes | None) -> None:
    """Wait for the senders before us to this phone, then from this address, until their transactions end: requests
    in parallel must not all count the same rows and all pass. Always phone first, so no two wait on each other."""
    keys = [f"phone:{phone_hash.hex()}"] + ([f"address:{address_hash.hex()}"] if address_hash else [])
    for key in keys:
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                        {"key": "resident_code:" + key})


def _check_limits(session: Session, phone_hash: bytes, address_hash: bytes | None, now: datetime) -> None:
    """RateLimited when this phone had a code too lately or too often, or this address asked too many."""
    settings = get_settings()
    counts = session.execute(text(
        "SELECT count(*) FILTER (WHERE phone_hmac = :phone) AS phone, max(sent_at) FILTER (WHERE phone_hmac = :phone) "
        "AS last, min(sent_at) FILTER (WHERE phone_hmac = :phone) AS first, count(*) FILTER (WHERE address_hmac = "
        ":address) AS address, min(sent_at) FILTER (WHERE address_hmac = :address) AS address_first FROM resident_codes "
        "WHERE (phone_hmac = :phone OR address_hmac = :address) AND sent_at > :hour"),
        {"phone": phone_hash, "address": address_hash, "hour": now - timedelta(hours=1)}).one()
    gap = timedelta(seconds=settings.resident_code_gap_seconds)
    if counts.last is not None and now - counts.last < gap:
        _refuse(counts.last + gap - now, "a code was sent to this phone moments ago; wait {seconds} s")
    if counts.phone >= settings.resident_codes_per_phone_hour:
        _refuse(counts.first + timedelta(hours=1) - now,
                "{count} codes were sent to this phone in the last hour; wait {seconds} s", count=counts.phone)
    if address_hash is not None and counts.address >= settings.resident_codes_per_address_hour:
        _refuse(counts.address_first + timedelta(hours=1) - now,
                "too many codes were asked from your address in the last hour; wait {seconds} s")


def _refuse(wait: timedelta, template: str, **params) -> None:
    """RateLimited with `template`, naming the wait in whole seconds."""
    seconds = max(1, int(wait.total_seconds() + 0.999))
    raise RateLimited(msg(template, **params, seconds=seconds), extra={"retry_after": seconds})


def _code_hash(phone: str, code: str) -> bytes:
    """A code's keyed hash, bound to its phone (a code for one phone opens no other)."""
    return crypto.lookup(f"code:{phone}:{code}")
