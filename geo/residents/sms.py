"""Texts to residents' phones through a pluggable sender (WANGGE_SMS): `log` writes them to the server log (a
developer reads the code there), `webhook` POSTs each, signed, to the operator's gateway (政务短信平台).

The webhook body is JSON {"phone", "text", "kind", "sent_at"}; X-Wangge-Timestamp carries the Unix time and
X-Wangge-Signature the hex HMAC-SHA256, under WANGGE_SMS_WEBHOOK_SECRET, of "<timestamp>.<body>", so the gateway
can refuse forged and replayed requests (docs/residents.md, "Texts")."""

import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime

import httpx

from geo.core.errors import ClusterError
from geo.core.i18n import msg
from geo.core.settings import get_settings

log = logging.getLogger("wangge.sms")
TIMEOUT_S = 5.0


class Refused(ClusterError):
    """The gateway answered that it will not take this text (4xx: a number it does not serve, one that opted out):
    sending it again will not help, but the gateway still takes other texts."""


def send(phone: str, text: str, kind: str) -> None:
    """Send `text` to `phone` by the configured sender; ClusterError when the gateway does not take it (Refused
    when it will never take this one)."""
    settings = get_settings()
    if settings.sms == "webhook":
        _webhook(settings.sms_webhook_url, settings.sms_webhook_secret, phone, text, kind)
    else:
        log.warning("SMS to %s (%s): %s", phone, kind, text)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 a webhook request carries (a gateway recomputes it to check the request)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _webhook(url: str, secret: str, phone: str, text: str, kind: str) -> None:
    """POST one text to the gateway, signed; any answer but 2xx is a failure to send."""
    body = json.dumps({"phone": phone, "text": text, "kind": kind, "sent_at": datetime.now(UTC).isoformat()},
                      ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Wangge-Timestamp": timestamp,
               "X-Wangge-Signature": signature(secret, timestamp, body)}
    try:
        answer = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        log.error("SMS gateway unreachable: %s", exc)
        raise ClusterError(msg("the SMS gateway could not be reached; try again shortly")) from exc
    if not answer.is_success:
        log.error("SMS gateway answered %s: %s", answer.status_code, answer.text[:200])
        refused = 400 <= answer.status_code < 500 and answer.status_code not in (408, 429)
        raise (Refused if refused else ClusterError)(msg(
            "the SMS gateway refused the text (HTTP {status}); try again shortly", status=answer.status_code))
