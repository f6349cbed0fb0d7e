"""Map pages under /maps: a login form that sets a cookie, and the screens built by maps/."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import COOKIE, SessionDep, current_actor
from api.errors import request_lang
from geo import accounts
from geo.errors import AuthenticationFailed
from geo.settings import get_settings
from maps.case_page import case_page
from maps.dispatch_page import dispatch_page
from maps.grid_page import grid_page
from maps.command_center import command_center
from maps.labels import LABELS

router = APIRouter(prefix="/maps", tags=["maps"], include_in_schema=False)

LOGIN_FORM = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 22em; margin: 4em auto">
<h1>{title}</h1><p style="color:#b00">{error}</p>
<form method="post" action="/maps/login"><input type="hidden" name="next" value="{next}">
<p><label>{username}<br><input name="username" autocomplete="username" required></label></p>
<p><label>{password}<br><input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">{login}</button></p></form></body></html>"""


def _safe_next(value: str | None) -> str:
    """Only local paths: a login must not bounce to another site."""
    return value if value and value.startswith("/") and not value.startswith("//") else "/maps/command-center"


def _login_page(request: Request, next_path: str, error: str = "") -> HTMLResponse:
    lang = request_lang(request)
    words = LABELS[lang]
    return HTMLResponse(LOGIN_FORM.format(lang=lang, title=words["title"], error=error, next=quote(next_path, safe="/?=&"),
                                          username=words["username"], password=words["password"], login=words["login"]))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The login form of the map pages."""
    return _login_page(request, _safe_next(next))


@router.post("/login")
def login(request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str | None, Form()] = None):
    """Check the credentials and set the session cookie the pages and their API calls use."""
    try:
        user = accounts.authenticate(session, username, password)
    except AuthenticationFailed as exc:
        return _login_page(request, _safe_next(next), str(exc.detail.render(request_lang(request))))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, accounts.issue_token(user), httponly=True, samesite="lax",
                        max_age=get_settings().token_minutes * 60)
    return response


def _page_user(request: Request, session):
    """The logged-in user, or None when the page should send them to the login form."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return accounts.user_for_token(session, token)
    except AuthenticationFailed:
        return None


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse("/maps/login?next=" + quote(str(request.url.path) + ("?" + request.url.query if request.url.query else "")),
                            status_code=303)


@router.get("/command-center", response_class=HTMLResponse)
def command_center_page(request: Request, session: SessionDep):
    """The command center: your whole scope, boundaries coloured by open cases, open cases, KPIs."""
    user = _page_user(request, session)
    if user is None:
        return _to_login(request)
    return HTMLResponse(command_center(session, accounts.user_scope(session, user), request_lang(request)))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_screen(request: Request, session: SessionDep, case_id: int):
    """One case: on the map in its grid, with the grid's staff and the case's history."""
    user = _page_user(request, session)
    if user is None:
        return _to_login(request)
    return HTMLResponse(case_page(session, case_id, current_actor(session, user, accounts.user_scope(session, user)),
                                  request_lang(request)))


@router.get("/grids/{code}", response_class=HTMLResponse)
def grid_screen(request: Request, session: SessionDep, code: str):
    """One grid: its buildings and households, staff on duty, open cases and neighbouring grids."""
    user = _page_user(request, session)
    if user is None:
        return _to_login(request)
    return HTMLResponse(grid_page(session, code, accounts.user_scope(session, user), request_lang(request)))


@router.get("/dispatch", response_class=HTMLResponse)
def dispatch_screen(request: Request, session: SessionDep):
    """Place a case by clicking, see which grid and who would receive it, then register it."""
    user = _page_user(request, session)
    if user is None:
        return _to_login(request)
    return HTMLResponse(dispatch_page(session, accounts.user_scope(session, user), request_lang(request)))
