"""Request bodies arrive whole before the app sees them: larger than WANGGE_MAX_BODY_BYTES gets 413, slower than
WANGGE_BODY_SECONDS gets 408, both in the error shape every other answer has.

Reading the body here, on the event loop, before any dependency runs means no request holds a thread or a pooled
database connection while its sender trickles bytes in (a planner holding 45 slow plan uploads once starved every
other client). A declared Content-Length over the limit is refused before any of the body is read; a body sent
without one is counted as it comes. A form body's raw UTF-8 (or declared GBK) is escaped here too (api/form_bodies.py).
"""

import asyncio

from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import body, request_lang
from api.form_bodies import utf8_escaped
from geo.core.i18n import Msg, msg, render
from geo.core.settings import get_settings


class TooLarge(Exception):
    """The body passed the limit while it came in."""


class BodyLimit:
    """ASGI middleware: the whole body first, within the size and time limits, then the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        limit = settings.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(scope, receive, send, 413, "too_large", msg(
                "the request body is too large: {size} bytes, at most {limit}",
                size=declared.decode(errors="replace"), limit=limit))
            return
        try:
            whole = await asyncio.wait_for(_read(receive, limit), settings.body_seconds)
        except TooLarge:
            await _refuse(scope, receive, send, 413, "too_large", msg("the request body is too large"))
            return
        except TimeoutError:
            await _refuse(scope, receive, send, 408, "too_slow", msg(
                "the request body did not arrive within {seconds} s", seconds=settings.body_seconds))
            return
        if whole is None:  # the client went away
            return
        content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
        if content_type.lower().startswith("application/x-www-form-urlencoded"):
            try:
                whole = utf8_escaped(whole, content_type)
            except ValueError as exc:
                await _refuse(scope, receive, send, 400, "bad_request", msg(
                    "the form is not text in {charset}; send UTF-8", charset=str(exc)[:40]))
                return
            scope = _with_length(scope, len(whole))
        await self.app(scope, _replay(whole, receive), send)


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None when the client disconnected first."""
    parts, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _with_length(scope: Scope, length: int) -> Scope:
    """The scope with its Content-Length saying what the app will be handed."""
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"] + [(b"content-length", str(length).encode())]
    return {**scope, "headers": headers}


def _replay(whole: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body in one message, then waits on the real one (for a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": whole, "more_body": False}
        return await receive()

    return replay


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, code: str, detail: Msg) -> None:
    await JSONResponse(body(render(detail, request_lang(Request(scope))), code), status)(scope, receive, send)
