"""The app: a lifespan that opens the engine, one router per resource, one error table."""

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import access_log, api_docs, errors
from api.body_limit import BodyLimit
from api.permissions import authorize
from api.routers import (
    analytics,
    areas,
    audit,
    auth,
    buildings,
    care,
    cases,
    categories,
    checkpoints,
    compounds,
    departments,
    health,
    households,
    locate,
    maps,
    mobile,
    needs,
    open311,
    open311_public,
    party,
    party_coverage,
    party_tree,
    patrols,
    plans,
    points,
    public_pages,
    publications,
    reports,
    resident_need_pages,
    resident_pages,
    residents,
    staff,
    tiles,
    visits,
)
from api.security_headers import SecurityHeaders
from geo.access import audit_anchor
from geo.cases import official_calendar
from geo.core.db import get_engine, make_engine, session_factory
from geo.core.i18n import render
from geo.core.replicas import ReadRouter
from geo.core.settings import get_settings
from geo.core.uploads import sandbox
from geo.rounds import run_round

API = "/api/v1"
STATIC = Path(__file__).resolve().parents[1] / "maps" / "static"
log = logging.getLogger("wangge")
# The routers and where they are mounted; areas last among /api/v1: its /{collection} would shadow /staff, /cases, …
ROUTERS = (*((module, API) for module in (health, auth, locate, staff, buildings, cases, categories, analytics, plans,
                                          residents, audit, compounds, party, party_tree, party_coverage, patrols,
                                          checkpoints, visits, households, care, reports, needs, points, publications,
                                          areas, departments)),
           # the public requests first: they match only callers without a credential (open311_public.py)
           (open311_public, ""), (open311, ""), (tiles, ""), (maps, ""), (mobile, ""), (resident_pages, ""),
           (resident_need_pages, ""), (public_pages, ""))


async def deadline_watch(app: FastAPI) -> None:
    """Run the round (scheduled plans, deadlines) every WANGGE_TICK_SECONDS while the server runs."""
    while True:
        await asyncio.sleep(get_settings().tick_seconds)
        try:
            await run_in_threadpool(_tick_once, app)
        except Exception:  # the watch must outlive a failed round; the next one retries
            log.exception("deadline tick failed")


def _tick_once(app: FastAPI) -> None:
    with app.state.sessions.begin() as session:
        done = run_round(session)
    if done.calendar_gap:
        log.warning("%s", render(official_calendar.gap_warning(done.calendar_gap)))
    with app.state.sessions() as session:  # after the commit: an anchor names only entries that exist
        audit_anchor.anchor(session)


def _to_the_map(request: Request) -> RedirectResponse:
    """A browser opening the server's address lands on the command center (its login form first)."""
    return RedirectResponse("/maps/command-center", status_code=307)


def _load_calendar(app: FastAPI) -> None:
    with app.state.sessions() as session:
        official_calendar.refresh(session)


def create_app(engine: Engine | None = None, replica_urls: list[str] | None = None) -> FastAPI:
    """Build the app; `engine` defaults to DATABASE_URL or the embedded cluster, `replica_urls` to
    DATABASE_REPLICA_URLS."""

    def connect(app: FastAPI, primary: Engine) -> None:
        app.state.sessions = session_factory(primary)
        urls = get_settings().replica_urls if replica_urls is None else replica_urls
        app.state.reads = ReadRouter(primary, [make_engine(u) for u in urls], get_settings().replica_max_lag_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # as many request threads as the pools have connections for (geo.core.db.make_engine)
        anyio.to_thread.current_default_thread_limiter().total_tokens = get_settings().threads
        if not hasattr(app.state, "sessions"):
            connect(app, engine or get_engine())
        if engine is None:  # the real server: deadlines count on the holidays an operator loaded
            await run_in_threadpool(_load_calendar, app)
        watcher = asyncio.create_task(deadline_watch(app)) if engine is None and get_settings().tick_seconds else None
        yield
        if watcher:
            watcher.cancel()
        await run_in_threadpool(sandbox.close)  # the processes that read uploads

    app = FastAPI(title="wangge 网格", version="0.1.0", lifespan=lifespan, dependencies=[Depends(authorize)],
                  docs_url=None, redoc_url=None,
                  responses=errors.ERROR_RESPONSES,
                  description="网格化治理服务 Grid management for urban grassroots governance.")
    if engine is not None:
        connect(app, engine)
    errors.install(app)
    api_docs.install(app)
    app.add_route("/", _to_the_map, include_in_schema=False)
    access_log.install()
    app.add_middleware(BodyLimit)
    if get_settings().trusted_proxy_list:  # else X-Forwarded-For is nobody's word: limits count the real peer
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=get_settings().trusted_proxy_list)
    app.add_middleware(SecurityHeaders)
    for module, prefix in ROUTERS:
        app.include_router(module.router, prefix=prefix)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


app = create_app()
