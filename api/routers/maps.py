"""Map pages under /maps: a login form that sets a cookie, and the screens built by maps/.

Every page is a Jinja2 template of maps/templates rendered with autoescaping; its data reaches its static JS as JSON
(the page config, escaped by `tojson`) or from the API. api/security_headers.py sends their CSP.
"""

from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

import maps
from api.deps import COOKIE, PageActorDep, SessionDep, client_address
from api.errors import request_lang
from geo.access import accounts
from geo.access.actor import Actor
from geo.core.errors import AuthenticationFailed, RateLimited
from geo.core.i18n import LABELS
from geo.core.i18n import render as render_msg
from geo.core.settings import get_settings
from maps.case_page import case_page
from maps.command_center import command_center
from maps.dispatch_page import dispatch_page
from maps.grid_page import grid_page
from maps.page import Page
from maps.needs_desk import needs_desk_page
from maps.party_page import party_page
from maps.plan_page import plan_page

router = APIRouter(prefix="/maps", tags=["maps"], include_in_schema=False)
HOME = "/maps/command-center"


def _environment() -> jinja2.Environment:
    """Templates escaped whatever their name, failing on a missing variable instead of printing nothing."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(maps.__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    # tojson still escapes < > & ' for HTML; Chinese stays readable and a third of the size of \u escapes.
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def render(request: Request, page: Page, status: int = 200) -> HTMLResponse:
    """The page's template with its words in the request's language."""
    lang = request_lang(request)
    return TEMPLATES.TemplateResponse(request, page.template, {"page": page, "T": LABELS[lang], "lang": lang},
                                      status_code=status)


def _safe_next(value: str | None) -> str:
    """Only paths of this site: a login must not bounce to another one (`//host`, `/\\host`, `https:`)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or any(ord(ch) < 32 for ch in value):
        return HOME
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else HOME


def check_form_origin(request: Request) -> None:
    """Forbidden when the browser says a login or logout form came from another site's page (login CSRF: the phone
    would work on as the attacker's account); callers without `Origin` (not a browser form) are let through."""
    if "origin" in request.headers:
        from api.permissions import check_origin  # api.permissions imports the routers
        check_origin(request)


def _login_page(request: Request, next_path: str, error: str = "", status: int = 200) -> HTMLResponse:
    words = LABELS[request_lang(request)]
    page = Page("login.html", f"{words['login']} · {words['title']}", fields={"next": next_path, "error": error})
    return render(request, page, status)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The login form of the map pages."""
    return _login_page(request, _safe_next(next))


@router.post("/login")
def login(request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str | None, Form()] = None):
    """Check the credentials and set the session cookie the pages and their API calls use."""
    check_form_origin(request)
    try:
        user = accounts.authenticate(session, username, password, client_address(request))
    except (AuthenticationFailed, RateLimited) as exc:
        return _login_page(request, _safe_next(next), str(exc.detail.render(request_lang(request))),
                           status=429 if isinstance(exc, RateLimited) else 200)
    return signed_in(RedirectResponse(_safe_next(next), status_code=303), user)


def signed_in(response: Response, user) -> Response:
    """The response with the pages' login cookie for `user`, for a shift (WANGGE_TOKEN_MINUTES): HttpOnly, SameSite=Lax,
    and Secure once the service is reached over https (WANGGE_PUBLIC_URL), so it never crosses plain http."""
    settings = get_settings()
    response.set_cookie(COOKIE, accounts.issue_token(user), httponly=True, samesite="lax",
                        secure=(settings.public_url or "").startswith("https://"), max_age=settings.token_minutes * 60)
    return response


def _page_or_login(request: Request, actor: Actor | None, build) -> Response:
    """The page `build(lang)` makes, or a redirect to the login form that comes back here."""
    if actor is None:
        target = str(request.url.path) + ("?" + request.url.query if request.url.query else "")
        return RedirectResponse("/maps/login?next=" + quote(target), status_code=303)
    return render(request, build(request_lang(request)))


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """The pages' own 404 or 403 (api/errors.py answers a page's refusals with it): what is missing or refused, in the
    reader's words, and the way back."""
    lang = request_lang(request)
    words = LABELS[lang]
    heading = words["not_found" if status == 404 else "forbidden"]
    page = Page("error.html", f"{heading} · {words['title']}", fields={"heading": heading,
                                                                        "detail": render_msg(detail, lang)})
    return render(request, page, status)


@router.get("/command-center", response_class=HTMLResponse)
def command_center_page(request: Request, session: SessionDep, actor: PageActorDep,
                        days: Annotated[int, Query(description="Heat map period: 7, 30, 90 or 365 days")] = 30):
    """The command center: your whole scope, boundaries coloured by open or overdue cases, open cases, staff, heat, KPIs."""
    return _page_or_login(request, actor, lambda lang: command_center(session, actor.scope, lang, days))


@router.get("/cases/{case_id:int}", response_class=HTMLResponse)
def case_screen(request: Request, session: SessionDep, actor: PageActorDep, case_id: int):
    """One case: on the map in its grid, with the grid's staff and the case's history."""
    return _page_or_login(request, actor, lambda lang: case_page(session, case_id, actor, lang))


@router.get("/grids/{code}", response_class=HTMLResponse)
def grid_screen(request: Request, session: SessionDep, actor: PageActorDep, code: str):
    """One grid: its buildings and households, staff on duty, open cases and neighbouring grids."""
    return _page_or_login(request, actor, lambda lang: grid_page(session, code, actor.scope, lang))


@router.get("/dispatch", response_class=HTMLResponse)
def dispatch_screen(request: Request, session: SessionDep, actor: PageActorDep):
    """Place a case by clicking, see which grid and who would receive it, then register it."""
    return _page_or_login(request, actor, lambda lang: dispatch_page(session, actor.scope, lang))


@router.get("/plans/{plan_id:int}", response_class=HTMLResponse)
def plan_screen(request: Request, session: SessionDep, actor: PageActorDep, plan_id: int):
    """One boundary plan: its grids over those in force, problems, impact, and the drawing tools."""
    return _page_or_login(request, actor, lambda lang: plan_page(session, plan_id, actor, lang))


@router.get("/party", response_class=HTMLResponse)
def party_screen(request: Request, session: SessionDep, actor: PageActorDep):
    """The party organisations in your scope as a tree, beside the compounds and their two coverages."""
    return _page_or_login(request, actor, lambda lang: party_page(session, actor.scope, lang))


@router.get("/needs", response_class=HTMLResponse)
def needs_screen(request: Request, actor: PageActorDep):
    """三单制需求台账: the needs of your scope with their steps, the month's figures and points to approve."""
    return _page_or_login(request, actor, lambda lang: needs_desk_page(actor, lang))
