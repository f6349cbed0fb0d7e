"""The one table from domain errors to HTTP, and the error body every answer shares: {"detail", "code"}."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from geo.errors import (
    AuthenticationFailed, ClusterError, Conflict, Forbidden, InvalidInput, NotFound, WanggeError,
)

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


async def _domain(request: Request, exc: WanggeError) -> JSONResponse:
    extra = dict(exc.extra)
    if exc.problems:
        extra["problems"] = exc.problems
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthenticationFailed) else None
    return JSONResponse(body(exc.detail, exc.code, **extra), status_of(exc), headers=headers)


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path"))
    return f"{where}: {error.get('msg')}" if where else str(error.get("msg"))


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = [_describe(e) for e in exc.errors()]
    return JSONResponse(body("; ".join(problems), "invalid_input", problems=problems), 422)


async def _database_down(request: Request, exc: OperationalError) -> JSONResponse:
    return JSONResponse(body("the database is unavailable; try again shortly", "database_unavailable"), 503)


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(WanggeError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(OperationalError, _database_down)
