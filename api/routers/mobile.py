"""The grid worker's phone app (网格通) under /m/: its login, its pages, the service worker and the web manifest.

The pages are shells whose scripts (maps/static/m/) read the API with the login cookie; /m/sw.js keeps the shells
and the scripts for offline use and maps/static/m/queue.js holds writes made offline until they are sent.
"""

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

import maps
from api.deps import COOKIE, PageActorDep, SessionDep, client_address
from api.errors import request_lang
from api.routers.maps import _safe_next, check_form_origin, render, signed_in
from geo.access import accounts
from geo.access.actor import Actor
from geo.core.errors import AuthenticationFailed, RateLimited
from maps.mobile_pages import mobile_page

router = APIRouter(prefix="/m", tags=["mobile"], include_in_schema=False)
HOME = "/m/"
STATIC = Path(maps.__file__).parent / "static" / "m"
# The worker's own policy: it fetches only this origin (the pages' requests to tile hosts it leaves alone).
WORKER_POLICY = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"


def _next(value: str | None) -> str:
    """A path of the app to come back to after login; anything else (or another site) is the task list."""
    target = _safe_next(value)
    return target if target.startswith("/m/") else HOME


def _login_page(request: Request, next_path: str, error: str = "", status: int = 200) -> HTMLResponse:
    page = mobile_page("login.html", "", None, request_lang(request))
    page.fields.update({"next": next_path, "error": error})
    return render(request, page, status)


def _page(request: Request, actor: Actor | None, template: str, tab: str, **config) -> Response:
    """The page, or the app's login form that comes back here."""
    if actor is None:
        target = str(request.url.path) + ("?" + request.url.query if request.url.query else "")
        return RedirectResponse("/m/login?next=" + quote(target), status_code=303)
    return render(request, mobile_page(template, tab, actor, request_lang(request), **config))


@router.get("/login", response_class=HTMLResponse)
def m_login_form(request: Request, next: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The app's login form."""
    return _login_page(request, _next(next))


@router.post("/login")
def m_login(request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()],
            next: Annotated[str | None, Form()] = None):
    """Check the credentials and set the cookie for a shift (WANGGE_TOKEN_MINUTES)."""
    check_form_origin(request)
    try:
        user = accounts.authenticate(session, username, password, client_address(request))
    except (AuthenticationFailed, RateLimited) as exc:
        return _login_page(request, _next(next), str(exc.detail.render(request_lang(request))),
                           status=429 if isinstance(exc, RateLimited) else 200)
    # the form posts to /m/login?lang=…: an English login stays English
    lang = "?lang=en" if request.query_params.get("lang") == "en" and "lang=" not in _next(next) else ""
    return signed_in(RedirectResponse(_next(next) + lang, status_code=303), user)


@router.post("/logout")
def m_logout(request: Request) -> RedirectResponse:
    """Drop this phone's cookie. Unlike POST /api/v1/auth/logout it leaves the account's other devices signed in."""
    check_form_origin(request)
    lang = "?lang=en" if request.query_params.get("lang") == "en" else ""
    response = RedirectResponse("/m/login" + lang, status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def m_tasks(request: Request, actor: PageActorDep):
    """我的任务: the caller's open cases, red first."""
    return _page(request, actor, "tasks.html", "tasks")


@router.get("/tasks/{case_id:int}", response_class=HTMLResponse)
def m_task(request: Request, actor: PageActorDep, case_id: int):
    """One task with the actions the caller may take (the script reads the id from the address)."""
    return _page(request, actor, "task.html", "tasks")


@router.get("/where", response_class=HTMLResponse)
def m_where(request: Request, actor: PageActorDep):
    """A place (?lon=&lat=) on our own map: the way there when no map app opens the geo: link."""
    return _page(request, actor, "where.html", "tasks")


@router.get("/report", response_class=HTMLResponse)
def m_report(request: Request, actor: PageActorDep):
    """上报: a case at the phone's position, with photos, after a preview of who will handle it."""
    return _page(request, actor, "report.html", "report")


@router.get("/patrol", response_class=HTMLResponse)
def m_patrol(request: Request, actor: PageActorDep):
    """巡查: start, the track, key points to check in at, finish."""
    return _page(request, actor, "patrol.html", "patrol")


@router.get("/visit", response_class=HTMLResponse)
def m_visit(request: Request, actor: PageActorDep):
    """走访: a household visit with findings, a need, photos and optionally a case."""
    return _page(request, actor, "visit.html", "visit")


@router.get("/care", response_class=HTMLResponse)
def m_care(request: Request, actor: PageActorDep):
    """关爱: residents whose care visit is due or overdue."""
    return _page(request, actor, "care.html", "visit")


@router.get("/grid", response_class=HTMLResponse)
def m_grid(request: Request, actor: PageActorDep):
    """我的网格: buildings, key points and open cases on a map, and whom to call."""
    return _page(request, actor, "grid.html", "grid")


def service_worker(scope: str) -> Response:
    """The phone apps' one service worker, served from the app's own path so its scope is that app."""
    return Response((STATIC / "sw.js").read_bytes(), media_type="text/javascript",
                    headers={"Service-Worker-Allowed": scope, "Cache-Control": "no-cache",
                             "Content-Security-Policy": WORKER_POLICY})


@router.get("/sw.js")
def m_service_worker() -> Response:
    """The service worker, served from /m/ so its scope is the app."""
    return service_worker("/m/")


@router.get("/manifest.webmanifest")
def m_manifest() -> Response:
    """The web manifest that makes the app installable."""
    return Response((STATIC / "manifest.webmanifest").read_bytes(), media_type="application/manifest+json",
                    headers={"Cache-Control": "no-cache"})
