"""The API's own documentation, /docs (Swagger UI) and /redoc (ReDoc), served from vendored copies.

FastAPI's defaults load both from a CDN and start Swagger UI with an inline script, so an offline command center
saw a blank page. These pages are templates like the map pages; the libraries come from /static/vendor/ (with their
licences, maps/static/vendor/README.md) and Swagger UI is started by a static script.
"""

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from api.errors import request_lang
from api.routers.maps import TEMPLATES

OPENAPI_URL = "/openapi.json"
PATHS = {"/docs": "api_docs.html", "/redoc": "api_redoc.html", "/docs/oauth2-redirect": "api_oauth2_redirect.html"}


def _page(template: str):
    """An endpoint rendering one of the documentation templates."""
    def endpoint(request: Request) -> HTMLResponse:
        lang = request_lang(request)
        title = "wangge 网格 API 文档" if lang == "zh" else "wangge API documentation"
        return TEMPLATES.TemplateResponse(request, template, {"title": title, "lang": lang, "openapi_url": OPENAPI_URL})
    return endpoint


def install(app: FastAPI) -> None:
    """Serve the documentation pages (the app is built with docs_url=None and redoc_url=None)."""
    for path, template in PATHS.items():
        app.add_route(path, _page(template), include_in_schema=False)
