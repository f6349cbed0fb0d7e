"""The one table from domain errors to HTTP, and the error body every answer shares: {"detail", "code"}."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from geo.errors import (
    AuthenticationFailed, ClusterError, Conflict, Forbidden, InvalidInput, NotFound, WanggeError,
)
from geo.i18n import Lang, msg, pick_lang, render
from geo.settings import get_settings

STATUS = {
    InvalidInput: 422,
    NotFound: 404,
    AuthenticationFailed: 401,
    Forbidden: 403,
    Conflict: 409,
    ClusterError: 503,
}


def status_of(exc: WanggeError) -> int:
    """The HTTP status of a domain error: the entry of its nearest class in STATUS."""
    return next((STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS), 500)


def body(detail, code: str, **extra) -> dict:
    """An error body."""
    return {"detail": detail, "code": code, **extra}


def request_lang(request: Request) -> Lang:
    """The language a request asks for: ?lang=, then Accept-Language, then WANGGE_LANG."""
    return pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"), get_settings().lang)


async def _domain(request: Request, exc: WanggeError) -> JSONResponse:
    lang = request_lang(request)
    extra = dict(exc.extra)
    if exc.problems:
        extra["problems"] = [render(p, lang) for p in exc.problems]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthenticationFailed) else None
    return JSONResponse(body(render(exc.detail, lang), exc.code, **extra), status_of(exc), headers=headers)


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path"))
    return f"{where}: {error.get('msg')}" if where else str(error.get("msg"))


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = [_describe(e) for e in exc.errors()]
    detail = msg("invalid request: {problems}", problems="; ".join(problems))
    return JSONResponse(body(render(detail, request_lang(request)), "invalid_input", problems=problems), 422)


async def _database_down(request: Request, exc: OperationalError) -> JSONResponse:
    detail = msg("the database is unavailable; try again shortly")
    return JSONResponse(body(render(detail, request_lang(request)), "database_unavailable"), 503)


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(WanggeError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(OperationalError, _database_down)
