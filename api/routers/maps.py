"""Map pages under /maps: a login form that sets a cookie, and the screens built by maps/."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import COOKIE, SessionDep, client_address, current_actor
from api.errors import request_lang
from geo import accounts
from geo.cases.workflow import Actor
from geo.errors import AuthenticationFailed, RateLimited
from geo.settings import get_settings
from maps.case_page import case_page
from maps.dispatch_page import dispatch_page
from maps.grid_page import grid_page
from maps.command_center import command_center
from maps.labels import LABELS
from maps.plan_page import plan_page

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


def _login_page(request: Request, next_path: str, error: str = "", status: int = 200) -> HTMLResponse:
    lang = request_lang(request)
    words = LABELS[lang]
    return HTMLResponse(LOGIN_FORM.format(lang=lang, title=words["title"], error=error, next=quote(next_path, safe="/?=&"),
                                          username=words["username"], password=words["password"], login=words["login"]),
                        status)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The login form of the map pages."""
    return _login_page(request, _safe_next(next))


@router.post("/login")
def login(request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str | None, Form()] = None):
    """Check the credentials and set the session cookie the pages and their API calls use."""
    try:
        user = accounts.authenticate(session, username, password, client_address(request))
    except (AuthenticationFailed, RateLimited) as exc:
        return _login_page(request, _safe_next(next), str(exc.detail.render(request_lang(request))),
                           status=429 if isinstance(exc, RateLimited) else 200)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, accounts.issue_token(user), httponly=True, samesite="lax",
                        max_age=get_settings().token_minutes * 60)
    return response


def page_actor(request: Request, session: SessionDep) -> Actor | None:
    """The logged-in caller, or None when the page should send them to the login form."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        user = accounts.user_for_token(session, token)
    except AuthenticationFailed:
        return None
    return current_actor(session, user, accounts.user_scope(session, user))


PageActor = Annotated[Actor | None, Depends(page_actor)]


def _render(request: Request, actor: Actor | None, build) -> Response:
    """The page `build(lang)` makes, or a redirect to the login form that comes back here."""
    if actor is None:
        target = str(request.url.path) + ("?" + request.url.query if request.url.query else "")
        return RedirectResponse("/maps/login?next=" + quote(target), status_code=303)
    return HTMLResponse(build(request_lang(request)))


@router.get("/command-center", response_class=HTMLResponse)
def command_center_page(request: Request, session: SessionDep, actor: PageActor,
                        days: Annotated[int, Query(description="Heat map period: 7, 30, 90 or 365 days")] = 30):
    """The command center: your whole scope, boundaries coloured by open or overdue cases, open cases, staff, heat, KPIs."""
    return _render(request, actor, lambda lang: command_center(session, actor.scope, lang, days))


@router.get("/cases/{case_id:int}", response_class=HTMLResponse)
def case_screen(request: Request, session: SessionDep, actor: PageActor, case_id: int):
    """One case: on the map in its grid, with the grid's staff and the case's history."""
    return _render(request, actor, lambda lang: case_page(session, case_id, actor, lang))


@router.get("/grids/{code}", response_class=HTMLResponse)
def grid_screen(request: Request, session: SessionDep, actor: PageActor, code: str):
    """One grid: its buildings and households, staff on duty, open cases and neighbouring grids."""
    return _render(request, actor, lambda lang: grid_page(session, code, actor.scope, lang))


@router.get("/dispatch", response_class=HTMLResponse)
def dispatch_screen(request: Request, session: SessionDep, actor: PageActor):
    """Place a case by clicking, see which grid and who would receive it, then register it."""
    return _render(request, actor, lambda lang: dispatch_page(session, actor.scope, lang))


@router.get("/plans/{plan_id:int}", response_class=HTMLResponse)
def plan_screen(request: Request, session: SessionDep, actor: PageActor, plan_id: int):
    """One boundary plan: its grids over those in force, problems, impact, and the drawing tools."""
    return _render(request, actor, lambda lang: plan_page(session, plan_id, actor, lang))
