"""The app: a lifespan that opens the engine, one router per resource, one error table."""

from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from api import errors
from api.routers import areas, auth, cases, health, locate, staff
from geo.db import get_engine, session_factory

API = "/api/v1"


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the app; `engine` defaults to DATABASE_URL or the embedded cluster."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if not hasattr(app.state, "sessions"):
            app.state.sessions = session_factory(engine or get_engine())
        yield

    app = FastAPI(title="wangge 网格", version="0.1.0", lifespan=lifespan,
                  description="网格化治理服务 Grid management for urban grassroots governance.")
    if engine is not None:
        app.state.sessions = session_factory(engine)
    errors.install(app)
    # areas last: its /{collection} path would otherwise shadow /staff, /cases, …
    for module in (health, auth, locate, staff, cases, areas):
        app.include_router(module.router, prefix=API)
    return app


app = create_app()
