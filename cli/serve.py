"""`wangge serve`: the API and the map pages."""

from typing import Annotated

import typer

from cli.common import (
    domain_errors,
    out,
    t,
)
from geo.access.production import open_database
from geo.core.settings import get_settings


def serve(host: Annotated[str, typer.Option(help="Address to listen on")] = None,
          port: Annotated[int, typer.Option(help="Port to listen on")] = None) -> None:
    """Serve the API (OpenAPI at /docs), starting the database first."""
    import uvicorn

    settings = get_settings()
    with domain_errors():
        open_database()
    host, port = host or settings.host, port or settings.port
    out.print(t("wangge API on http://{host}:{port}  (docs: http://{host}:{port}/docs)", host=host, port=port))
    # X-Forwarded-For is believed only from WANGGE_TRUSTED_PROXIES (api.main), never by uvicorn's default
    uvicorn.run("api.main:app", host=host, port=port, log_level="info", proxy_headers=False)
