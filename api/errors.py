"""The one table from domain errors to HTTP, and the error body every answer shares: {"detail", "code"}."""

import logging
import re

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.security_headers import ALWAYS, NOT_A_PAGE
from geo.core.errors import (
    AuthenticationFailed,
    ClusterError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    WanggeError,
)
from geo.core.i18n import Lang, Msg, msg, pick_lang, render
from geo.core.settings import get_settings

log = logging.getLogger("wangge")

STATUS = {
    InvalidInput: 422,
    NotFound: 404,
    AuthenticationFailed: 401,
    Forbidden: 403,
    Conflict: 409,
    RateLimited: 429,
    ClusterError: 503,
}


class ErrorBody(BaseModel):
    """Every error answer: a message in the caller's language, a stable code, and for some the problems found."""

    model_config = ConfigDict(extra="allow")
    detail: str
    code: str
    problems: list[str] | None = None


# Declared on every operation, so the OpenAPI schema says what each error looks like (not FastAPI's default).
ERROR_RESPONSES = {status: {"model": ErrorBody, "description": text} for status, text in (
    (400, "Unreadable request"), (401, "Not authenticated"), (403, "Not allowed for your role"), (404, "Not found or outside your scope"),
    (408, "Request body too slow"), (409, "Clashes with the current state"), (413, "Request too large"),
    (422, "Invalid input"), (429, "Too many requests"), (503, "Database unavailable"))}


def status_of(exc: WanggeError) -> int:
    """The HTTP status of a domain error: the entry of its nearest class in STATUS."""
    return next((STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS), 500)


def body(detail, code: str, **extra) -> dict:
    """An error body."""
    return {"detail": detail, "code": code, **extra}


def request_lang(request: Request) -> Lang:
    """The language a request asks for: ?lang=, then Accept-Language, then WANGGE_LANG."""
    return pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"), get_settings().lang)


# A person (a browser asking for HTML) who opens a page they may not see, or a case or plan that is not there, gets a
# page in their words; programs get the JSON error as everywhere. A missing grid stays JSON: its code comes from the URL, and nothing a URL carries is put back into HTML
# (tests/security/test_pages.py); ids are numbers, and a refusal names only the role and the right.
PAGES = re.compile(r"/maps/.+")
NUMBERED_PAGES = re.compile(r"/maps/(cases|plans)/[0-9]+")


def _page_error(request: Request, status: int, detail):
    """A page's own 403 or 404 when a person opened a refused page or a missing case or plan; else None."""
    path = request.url.path
    wanted = (status == 403 and PAGES.fullmatch(path)) or (status == 404 and NUMBERED_PAGES.fullmatch(path))
    if request.method != "GET" or not wanted or "text/html" not in request.headers.get("accept", ""):
        return None
    from api.routers.maps import error_page  # that router imports this module
    return error_page(request, status, detail)


async def _domain(request: Request, exc: WanggeError):
    page = _page_error(request, status_of(exc), exc.detail)
    if page is not None:
        return page
    return refusal(request, exc)


def refusal(request: Request, exc: WanggeError) -> JSONResponse:
    """The answer to a domain error. An endpoint returns it instead of raising when what the refused request did
    must still be committed (a wrong sign-in code spends a try)."""
    lang = request_lang(request)
    extra = dict(exc.extra)
    if exc.problems:
        extra["problems"] = [render(p, lang) for p in exc.problems]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthenticationFailed) else None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.extra["retry_after"])}
    return JSONResponse(body(render(exc.detail, lang), exc.code, **extra), status_of(exc), headers=headers)


# pydantic's error types in our words (Chinese by default, like every message); an unlisted type keeps pydantic's.
VALIDATION = {
    "missing": "required", "float_parsing": "must be a number", "float_type": "must be a number",
    "int_parsing": "must be a whole number", "int_type": "must be a whole number",
    "int_from_float": "must be a whole number", "bool_parsing": "must be true or false",
    "greater_than_equal": "must be at least {ge}", "less_than_equal": "must be at most {le}",
    "greater_than": "must be more than {gt}", "less_than": "must be less than {lt}",
    "string_too_long": "must have at most {max_length} characters",
    "string_too_short": "must have at least {min_length} characters",
    "too_long": "must have at most {max_length} items", "too_short": "must have at least {min_length} items",
    "literal_error": "must be one of {expected}", "enum": "must be one of {expected}",
    "date_parsing": "must be a day (YYYY-MM-DD)", "date_from_datetime_parsing": "must be a day (YYYY-MM-DD)",
    "date_type": "must be a day (YYYY-MM-DD)", "datetime_parsing": "must be a moment (ISO 8601)",
    "datetime_from_date_parsing": "must be a moment (ISO 8601)", "datetime_type": "must be a moment (ISO 8601)",
    "json_invalid": "is not valid JSON", "string_type": "must be text", "list_type": "must be a list",
    "dict_type": "must be an object", "model_type": "must be an object", "model_attributes_type": "must be an object",
    "extra_forbidden": "is not a field of this request", "string_pattern_mismatch": "is not in the expected form",
}


def _describe(error: dict) -> Msg:
    """One refused field: where, and what is wrong with it, as a message."""
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path", "header"))
    template = VALIDATION.get(error.get("type", ""))
    ctx = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        reason = msg(template, **ctx) if template else str(error.get("msg", "")).removeprefix("Value error, ")
    except KeyError:  # a context pydantic did not give: its own words
        reason = str(error.get("msg", ""))
    return msg("{where}: {reason}", where=where, reason=reason) if where else msg("{reason}", reason=reason)


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    lang = request_lang(request)
    problems = [render(_describe(e), lang) for e in exc.errors()]
    detail = msg("invalid request: {problems}", problems="; ".join(problems))
    return JSONResponse(body(render(detail, lang), "invalid_input", problems=problems), 422)


HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def _http_detail(request: Request, exc: StarletteHTTPException):
    path = request.url.path
    if exc.status_code == 404:
        return msg("no such endpoint: {path}", path=path)
    if exc.status_code == 405:
        return msg("{method} is not allowed on {path}", method=request.method, path=path)
    if exc.status_code == 413:
        return msg("the request body is too large")
    if exc.status_code == 400:
        return msg("the request could not be read: {reason}", reason=exc.detail)
    return str(exc.detail)


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's own answers (no route, wrong method, unreadable body) in the shape of every other error."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # the first call builds the OpenAPI schema: not on the event loop
        headers["Allow"] = ", ".join(await run_in_threadpool(allowed_methods, request.app, request.url.path))
    return JSONResponse(body(render(_http_detail(request, exc), request_lang(request)),
                             HTTP_CODES.get(exc.status_code, "error")), exc.status_code, headers=headers)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the OpenAPI schema declares for a concrete path (Starlette names only the first route's)."""
    for template, operations in app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), path):
            return sorted(m.upper() for m in operations)
    return []


async def _bad_value(request: Request, exc: DataError) -> JSONResponse:
    """A value PostgreSQL cannot hold (a number beyond bigint, say) is the caller's input, not our failure."""
    detail = msg("a value is out of range or malformed: {reason}", reason=str(exc.orig).splitlines()[0])
    return JSONResponse(body(render(detail, request_lang(request)), "invalid_input"), 422)


async def _database_down(request: Request, exc: OperationalError) -> JSONResponse:
    detail = msg("the database is unavailable; try again shortly")
    return JSONResponse(body(render(detail, request_lang(request)), "database_unavailable"), 503)


async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
    """Every connection stayed busy for the pool's timeout: too much at once, not a failure of ours or the caller's."""
    detail = msg("the server is busy; try again shortly")
    return JSONResponse(body(render(detail, request_lang(request)), "busy"), 503, headers={"Retry-After": "2"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Our own failure: logged with its traceback, answered in the error shape without one. Starlette answers
    these outside every middleware, so the security headers are set here."""
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    detail = msg("an unexpected error; it was logged, and nothing was committed")
    headers = {**ALWAYS, "Content-Security-Policy": NOT_A_PAGE, "Cache-Control": "no-store"}
    return JSONResponse(body(render(detail, request_lang(request)), "internal_error"), 500, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(WanggeError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(DataError, _bad_value)
    app.add_exception_handler(PoolTimeout, _busy)
