"""The residents' pages under /r/ (phone first): sign in with a texted code, 随手拍, 我的诉求 and one report's
timeline with 评价 and 重新办理; without an account, 随手拍 answered with a 查询码 and 查询进度 with it. The pages are shells; their scripts (maps/static/r/) read /api/v1/reports with the
login cookie and send writes through the same offline queue as the field app (maps/static/m/queue.js)."""

from typing import Annotated
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.deps import COOKIE, PageActorDep, SessionDep, client_address
from api.errors import request_lang, status_of
from api.routers.maps import check_form_origin, render, signed_in
from api.routers.mobile import service_worker
from geo.access.actor import Actor
from geo.core.errors import RateLimited, WanggeError
from geo.core.i18n import render as words
from geo.core.models import Role
from geo.residents import signin
from geo.residents.home import home_of
from maps.resident_pages import resident_page

router = APIRouter(prefix="/r", tags=["resident pages"], include_in_schema=False)
HOME = "/r/"


def _suffix(request: Request) -> str:
    return "?lang=en" if request.query_params.get("lang") == "en" else ""


def _login_page(request: Request, phone: str = "", error: str = "", sent: bool = False, status: int = 200):
    page = resident_page("login.html", "", None, request_lang(request))
    page.fields.update({"phone": phone, "error": error, "sent": sent})
    return render(request, page, status)


def resident_shell(request: Request, actor: Actor | None, template: str, tab: str,
                   session: Session | None = None) -> Response:
    """The page for a signed-in resident (with a session, its map opens at their home); anyone else goes to the
    residents' sign-in."""
    if actor is None or actor.role != Role.resident:
        return RedirectResponse("/r/login" + _suffix(request), status_code=303)
    page = resident_page(template, tab, actor, request_lang(request))
    if session is not None:
        page.config["home"] = home_of(session, actor)
    return render(request, page)


@router.get("/login", response_class=HTMLResponse)
def r_login_form(request: Request) -> HTMLResponse:
    """Sign in: a phone number, then the code texted to it."""
    return _login_page(request)


@router.post("/login/code", response_class=HTMLResponse)
def r_send_code(request: Request, session: SessionDep, phone: Annotated[str, Form(max_length=20)]):
    """Text a code to the phone and ask for it."""
    check_form_origin(request)
    try:
        signin.send_code(session, phone, client_address(request), lang=request_lang(request))
    except WanggeError as exc:
        return _login_page(request, phone, words(exc.detail, request_lang(request)), status=status_of(exc))
    return _login_page(request, phone, sent=True)


@router.post("/login")
def r_login(request: Request, session: SessionDep, phone: Annotated[str, Form(max_length=20)],
            code: Annotated[str, Form(max_length=6)]):
    """Exchange the code for the cookie; a wrong code shows the form again (the try it spent is kept)."""
    check_form_origin(request)
    try:
        user = signin.redeem(session, phone, code.strip())
    except WanggeError as exc:
        return _login_page(request, phone, words(exc.detail, request_lang(request)), sent=True, status=422)
    if isinstance(user, WanggeError):  # returned, not raised: the try it spent is committed with this answer
        return _login_page(request, phone, words(user.detail, request_lang(request)), sent=True,
                           status=429 if isinstance(user, RateLimited) else 200)
    return signed_in(RedirectResponse(HOME + _suffix(request), status_code=303), user)


@router.post("/logout")
def r_logout(request: Request) -> RedirectResponse:
    """Drop this phone's cookie."""
    check_form_origin(request)
    response = RedirectResponse("/r/login" + _suffix(request), status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def r_reports(request: Request, actor: PageActorDep):
    """我的诉求: the resident's reports and where each stands."""
    return resident_shell(request, actor, "reports.html", "reports")


@router.get("/new", response_class=HTMLResponse)
def r_new(request: Request, session: SessionDep, actor: PageActorDep):
    """随手拍: a photo, the place, a topic in plain words, a description."""
    return resident_shell(request, actor, "new.html", "new", session)


@router.get("/reports/{case_id:int}", response_class=HTMLResponse)
def r_report(request: Request, actor: PageActorDep, case_id: int):
    """One report: its timeline, the reply, 评价 and 重新办理 (the script reads the id from the address)."""
    return resident_shell(request, actor, "report.html", "reports")


@router.get("/sw.js")
def r_service_worker() -> Response:
    """The service worker, served from /r/ so its scope is the residents' pages (the pages open without signal)."""
    return service_worker("/r/")


# Public pages: the cookie is not read on them (api.permissions.authorize), so a signed-in resident sees them as a
# stranger does, with the sign-in link and the two tabs of the pages without an account.
@router.get("/anonymous", response_class=HTMLResponse)
def r_anonymous(request: Request, session: SessionDep):
    """随手拍 without signing in: the answer shows a 查询码 to follow the report with."""
    page = resident_page("anonymous.html", "anonymous", None, request_lang(request))
    page.config["home"] = home_of(session, None)  # the middle of the service: a stranger has no home on file
    return render(request, page)


@router.get("/lookup", response_class=HTMLResponse)
def r_lookup(request: Request):
    """查询进度: type a 查询码, see that report's timeline."""
    return render(request, resident_page("lookup.html", "lookup", None, request_lang(request)))
