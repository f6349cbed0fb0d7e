"""`wangge serve`: the API and the map pages."""

import errno
import socket
from typing import Annotated

import typer

from cli.common import (
    domain_errors,
    fail,
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
    _check_free(host, port)
    out.print(t("wangge API on http://{host}:{port}  (docs: http://{host}:{port}/docs)", host=host, port=port))
    out.print(t("map: http://{host}:{port}/maps/command-center", host=host, port=port))
    out.print(t("party organisations: http://{host}:{port}/maps/party", host=host, port=port))
    out.print(t("grid workers' phone app: http://{host}:{port}/m/", host=host, port=port))
    out.print(t("residents' pages: http://{host}:{port}/r/", host=host, port=port))
    out.print(t("needs desk (三单制): http://{host}:{port}/maps/needs", host=host, port=port))
    if settings.public:
        out.print(t("public results: http://{host}:{port}/public/", host=host, port=port))
    else:
        out.print(t("public results (居务公开) are off: WANGGE_PUBLIC=true turns them on"))
    # X-Forwarded-For is believed only from WANGGE_TRUSTED_PROXIES (api.main), never by uvicorn's default
    uvicorn.run("api.main:app", host=host, port=port, log_level="info", proxy_headers=False)


def _check_free(host: str, port: int) -> None:
    """Exit 2 naming the setting to change when another program already listens on the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                fail("port {port} on {host} is in use by another program: start with --port N or set WANGGE_PORT",
                     port=port, host=host)
            fail("cannot listen on {host}:{port}: {error}", host=host, port=port, error=exc.strerror or str(exc))
