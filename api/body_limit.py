"""Requests larger than WANGGE_MAX_BODY_BYTES get 413 in the error shape every other answer has.

A declared Content-Length over the limit is refused before any of the body is read; a body sent without
one is counted as the endpoint reads it, and reading stops with 413 at the limit.
"""

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import body, request_lang
from geo.i18n import msg, render
from geo.settings import get_settings


class BodyLimit:
    """ASGI middleware enforcing the body size limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = get_settings().max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            detail = msg("the request body is too large: {size} bytes, at most {limit}",
                         size=declared.decode(errors="replace"), limit=limit)
            await JSONResponse(body(render(detail, request_lang(Request(scope))), "too_large"), 413)(scope, receive, send)
            return
        read = 0

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > limit:
                raise HTTPException(413)  # answered by api.errors like any other
            return message

        await self.app(scope, counted, send)
